// Integration test: a TenantKeyFleet of three tenants deploys its keys in a nested stack,
// and KMS reports each as an enabled customer-managed key with automatic rotation every
// 365 days, under its tenant's alias, with its tenant's encryption-context Deny in its key policy.
//
// The placement is the committed integ.tenant-key-fleet.placement.json, as a user's
// fleet has it. Offline: `npx projen integ` compares a fresh synthesis with the snapshot
// in integ.tenant-key-fleet.ts.snapshot/. Against an account: see integ.tenant-key.ts.
import * as path from 'path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Stack } from 'aws-cdk-lib';
import { DISPOSABLE_KEY, integApp } from './integ-app';
import { TenantKeyFleet } from '../src';

const app = integApp();
const stack = new Stack(app, 'KmsPatternsTenantKeyFleetInteg');

const tenants = ['acme', 'globex', 'initech'];
const fleet = new TenantKeyFleet(stack, 'Fleet', {
  tenantIds: tenants,
  aliasPrefix: 'integ-fleet',
  placementFile: path.join(__dirname, 'integ.tenant-key-fleet.placement.json'),
  ...DISPOSABLE_KEY,
});

const integ = new IntegTest(app, 'TenantKeyFleetInteg', {
  testCases: [stack],
});

for (const tenantId of tenants) {
  const key = fleet.keyFor(tenantId);
  integ.assertions
    .awsApiCall('KMS', 'GetKeyRotationStatus', { KeyId: key.keyId })
    .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }));
  integ.assertions
    .awsApiCall('KMS', 'DescribeKey', { KeyId: `alias/integ-fleet/${tenantId}` })
    .expect(ExpectedResult.objectLike({
      KeyMetadata: { KeyId: key.keyId, KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT', KeyState: 'Enabled' },
    }));
  integ.assertions
    .awsApiCall('KMS', 'GetKeyPolicy', { KeyId: key.keyId, PolicyName: 'default' })
    .expect(ExpectedResult.objectLike({
      // KMS returns the policy as text, in whatever layout it stored it: allow any spacing.
      Policy: Match.stringLikeRegexp(`"kms:EncryptionContext:tenantId"\\s*:\\s*"${tenantId}"`),
    }));
}

app.synth();
