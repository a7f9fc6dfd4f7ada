// Integration test: a TenantKey and a SharedTenantKey deploy, and KMS reports them as
// enabled, symmetric, customer-managed keys with automatic rotation every 365 days.
//
// Offline (no AWS account): `npx projen integ` compares a fresh synthesis with the
// snapshot in integ.tenant-key.ts.snapshot/; `npx projen integ:update` rewrites it.
// Against an account: `AWS_REGION=us-east-1 npx integ-runner --directory integ
// --language typescript --app "tsx {filePath}" --parallel-regions us-east-1` (deploys,
// runs the assertions, destroys).
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DISPOSABLE_KEY, integApp } from './integ-app';
import { SharedTenantKey, TenantKey } from '../src';

const app = integApp();
const stack = new Stack(app, 'KmsPatternsTenantKeyInteg');

const keyAdmin = new iam.Role(stack, 'KeyAdminRole', {
  assumedBy: new iam.AccountRootPrincipal(),
});

const tenantKey = new TenantKey(stack, 'AcmeKey', {
  tenantId: 'acme',
  aliasPrefix: 'integ-tenant',
  admins: [keyAdmin],
  ...DISPOSABLE_KEY,
});
const acmeRole = new iam.Role(stack, 'AcmeRole', {
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
});
tenantKey.grantEncryptDecrypt(acmeRole);

const sharedKey = new SharedTenantKey(stack, 'SharedKey', {
  alias: 'integ-shared/tenants',
  admins: [keyAdmin],
  ...DISPOSABLE_KEY,
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
