// Integration test: two CrossAccountDecryptKeys deploy (one for named consumer accounts,
// only through S3; one for an AWS Organization with the snapshot and AMI preset), and KMS
// reports them as enabled customer-managed keys rotating every 365 days, with the
// consumer statements in their key policies.
//
// Offline (no AWS account): `npx projen integ` compares a fresh synthesis with the
// snapshot in integ.cross-account-decrypt-key.ts.snapshot/; `npx projen integ:update`
// rewrites it. Against an account: KMS refuses a key policy that names an account root
// that does not exist, so set INTEG_CONSUMER_ACCOUNT_ID to a real second account (and
// optionally INTEG_CONSUMER_ORGANIZATION_ID to your organization), then run
// `AWS_REGION=us-east-1 npx integ-runner --directory integ --language typescript
// --app "tsx {filePath}" --parallel-regions us-east-1 --force` (deploys, runs the
// assertions, destroys). The committed snapshot uses the defaults below; do not update
// it with the variables set.
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossAccountDecryptKey, SafeKeyOptions } from '../src';

// aws-cdk-lib 2.257 records a creation stack trace (absolute file paths and line
// numbers) in each stack's metadata unless this context is set, and integ-runner
// 2.197 does not set it: without it the committed snapshot would hold local paths
// and change with every edit to this file.
const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
const stack = new Stack(app, 'KmsPatternsCrossAccountDecryptKeyInteg');

const consumerAccountId = process.env.INTEG_CONSUMER_ACCOUNT_ID ?? '222222222222';
const consumerOrganizationId = process.env.INTEG_CONSUMER_ORGANIZATION_ID ?? 'o-abcdef1234';

// The test deploys and destroys its stack. The library defaults (RETAIN, a 30-day
// pending window) would leave a billed key behind for every run; these keys hold no
// data, so this stack, and only this stack, lets the destroy schedule their deletion
// with the shortest window KMS allows.
const disposable: SafeKeyOptions = {
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
};

const keyAdmin = new iam.Role(stack, 'KeyAdminRole', {
  assumedBy: new iam.AccountRootPrincipal(),
});

const accountsKey = new CrossAccountDecryptKey(stack, 'AccountsKey', {
  alias: 'integ-cross-account/accounts',
  consumerAccountIds: [consumerAccountId],
  viaServices: [`s3.${stack.region}.amazonaws.com`],
  admins: [keyAdmin],
  ...disposable,
});

const organizationKey = new CrossAccountDecryptKey(stack, 'OrganizationKey', {
  alias: 'integ-cross-account/organization',
  consumerOrganizationId,
  allowSnapshotAndAmiSharing: true,
  admins: [keyAdmin],
  ...disposable,
});

const integ = new IntegTest(app, 'CrossAccountDecryptKeyInteg', {
  testCases: [stack],
});

const expectedSids: Array<[CrossAccountDecryptKey, string[]]> = [
  [accountsKey, ['AllowConsumerAccountsDecrypt', 'AllowConsumerAccountsDescribeKey']],
  [organizationKey, [
    'AllowConsumerOrganizationDecrypt',
    'AllowConsumerOrganizationDescribeKey',
    'AllowConsumerOrganizationSnapshotSharing',
    'AllowConsumerOrganizationGrantsForAwsResources',
  ]],
];

for (const [key, sids] of expectedSids) {
  integ.assertions
    .awsApiCall('KMS', 'GetKeyRotationStatus', { KeyId: key.keyId })
    .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }));
  integ.assertions
    .awsApiCall('KMS', 'DescribeKey', { KeyId: key.keyId })
    .expect(ExpectedResult.objectLike({
      KeyMetadata: { KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT', KeyState: 'Enabled' },
    }));
  // KMS kept the consumer statements (and the CreateGrant guard rail) as synthesized.
  integ.assertions
    .awsApiCall('KMS', 'GetKeyPolicy', { KeyId: key.keyId, PolicyName: 'default' })
    .expect(ExpectedResult.objectLike({
      Policy: Match.serializedJson(Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DenyCreateGrantExceptForAwsResources', Effect: 'Deny' }),
          ...sids.map(sid => Match.objectLike({ Sid: sid, Effect: 'Allow' })),
        ]),
      })),
    }));
}

app.synth();
