// Integration test: a TenantKey and a SharedTenantKey deploy, and KMS reports them as
// enabled, symmetric, customer-managed keys with automatic rotation every 365 days.
//
// Offline (no AWS account): `npx projen integ` compares a fresh synthesis with the
// snapshot in integ.tenant-key.ts.snapshot/; `npx projen integ:update` rewrites it.
// Against an account: `AWS_REGION=us-east-1 npx integ-runner --directory integ
// --language typescript --app "tsx {filePath}" --parallel-regions us-east-1` (deploys,
// runs the assertions, destroys).
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SafeKeyOptions, SharedTenantKey, TenantKey } from '../src';

// aws-cdk-lib 2.257 records a creation stack trace (absolute file paths and line
// numbers) in each stack's metadata unless this context is set, and integ-runner
// 2.197 does not set it: without it the committed snapshot would hold local paths
// and change with every edit to this file.
const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
const stack = new Stack(app, 'KmsPatternsTenantKeyInteg');

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

const tenantKey = new TenantKey(stack, 'AcmeKey', {
  tenantId: 'acme',
  aliasPrefix: 'integ-tenant',
  admins: [keyAdmin],
  ...disposable,
});
const acmeRole = new iam.Role(stack, 'AcmeRole', {
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
});
tenantKey.grantEncryptDecrypt(acmeRole);

const sharedKey = new SharedTenantKey(stack, 'SharedKey', {
  alias: 'integ-shared/tenants',
  admins: [keyAdmin],
  ...disposable,
});
const globexRole = new iam.Role(stack, 'GlobexRole', {
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
});
Tags.of(globexRole).add(sharedKey.tenantTagKey, 'globex');
sharedKey.grantTenantAccess(globexRole);

const integ = new IntegTest(app, 'TenantKeyInteg', {
  testCases: [stack],
});

for (const keyId of [tenantKey.keyId, sharedKey.keyId]) {
  integ.assertions
    .awsApiCall('KMS', 'GetKeyRotationStatus', { KeyId: keyId })
    .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }));
  integ.assertions
    .awsApiCall('KMS', 'DescribeKey', { KeyId: keyId })
    .expect(ExpectedResult.objectLike({
      KeyMetadata: { KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT', KeyState: 'Enabled' },
    }));
}

app.synth();
