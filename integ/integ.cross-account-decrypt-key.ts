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
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DISPOSABLE_KEY, integApp } from './integ-app';
import { CrossAccountDecryptKey } from '../src';

const app = integApp();
const stack = new Stack(app, 'KmsPatternsCrossAccountDecryptKeyInteg');

const consumerAccountId = process.env.INTEG_CONSUMER_ACCOUNT_ID ?? '222222222222';
const consumerOrganizationId = process.env.INTEG_CONSUMER_ORGANIZATION_ID ?? 'o-abcdef1234';

const keyAdmin = new iam.Role(stack, 'KeyAdminRole', {
  assumedBy: new iam.AccountRootPrincipal(),
});

const accountsKey = new CrossAccountDecryptKey(stack, 'AccountsKey', {
  alias: 'integ-cross-account/accounts',
  consumerAccountIds: [consumerAccountId],
  viaServices: [`s3.${stack.region}.amazonaws.com`],
  admins: [keyAdmin],
  ...DISPOSABLE_KEY,
});

const organizationKey = new CrossAccountDecryptKey(stack, 'OrganizationKey', {
  alias: 'integ-cross-account/organization',
  consumerOrganizationId,
  allowSnapshotAndAmiSharing: true,
  admins: [keyAdmin],
  ...DISPOSABLE_KEY,
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
