import * as fs from 'fs';
import * as path from 'path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TenantKey, TenantKeyFleet } from '../../src';
import { CfnTemplate, FAKE_ENV, keyArnFor, resolvedKeyPolicy } from '../helpers/resolve-template';
import { KmsDecision, expectKms } from '../helpers/simulate';

// Grants through a fleet are per tenant: each tenant's key, in whichever stack the fleet put
// it, admits only the roles granted through that tenant's TenantKey. Each role below also
// holds kms:* on every key in IAM, the over-broad policy isolation must survive.

const roleArn = (name: string): string => `arn:aws:iam::${FAKE_ENV.account}:role/${name}`;
const KMS_STAR = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

function buildFleet(): TenantKeyFleet {
  const tmp = path.resolve(__dirname, '..', '..', '.tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const app = new App({ context: { 'cdk-kms-patterns:recordFleetPlacement': 'true' } });
  const stack = new Stack(app, 'Security', { env: { account: FAKE_ENV.account, region: FAKE_ENV.region } });
  // 20 tenants per stack at this budget: 20 more tenants put zeta (last in sorted order) in the second stack.
  const fillers = Array.from({ length: 20 }, (_, i) => `t${String(i).padStart(2, '0')}`);
  const fleet = new TenantKeyFleet(stack, 'Fleet', {
    tenantIds: ['acme', 'globex', 'initech', ...fillers, 'zeta'],
    placementFile: path.join(fs.mkdtempSync(path.join(tmp, 'fleet-security-')), 'p.json'),
    maxResourcesPerStack: 50,
    verifyRotation: false,
    monitoring: false,
  });
  for (const tenant of ['acme', 'globex', 'zeta']) {
    // Imported by ARN, so the key policies name them literally.
    fleet.keyFor(tenant).grantEncryptDecrypt(iam.Role.fromRoleArn(stack, `${tenant}Role`, roleArn(`${tenant}-role`), { mutable: false }));
  }
  return fleet;
}

describe('TenantKeyFleet isolation, simulated', () => {
  const fleet = buildFleet();
  const request = (role: string, tenant: string, context: string): Parameters<typeof expectKms>[0] => {
    const key: TenantKey = fleet.keyFor(tenant);
    const shard = Stack.of(key.key);
    const keyId = shard.getLogicalId(key.key.node.defaultChild as CfnElement);
    return {
      keyPolicy: resolvedKeyPolicy(Template.fromStack(shard).toJSON() as CfnTemplate, keyId),
      keyArn: keyArnFor(keyId),
      principalArn: roleArn(`${role}-role`),
      identityPolicies: [KMS_STAR],
      action: 'kms:Decrypt',
      encryptionContext: { tenantId: context },
    };
  };

  test('the tenants chosen sit in different stacks', () => {
    expect(Stack.of(fleet.keyFor('acme').key).node.id).not.toBe(Stack.of(fleet.keyFor('zeta').key).node.id);
  });

  test.each<[string, string, string, string, KmsDecision]>([
    ['control: acme decrypts with its own key and context', 'acme', 'acme', 'acme', 'Allowed'],
    ['acme is denied on globex\'s key (same stack), even with globex\'s context', 'acme', 'globex', 'globex', 'ExplicitlyDenied'],
    ['control: globex decrypts with its own key', 'globex', 'globex', 'globex', 'Allowed'],
    ['acme is denied on zeta\'s key (another stack)', 'acme', 'zeta', 'zeta', 'ExplicitlyDenied'],
    ['control: zeta decrypts with its own key', 'zeta', 'zeta', 'zeta', 'Allowed'],
    ['acme is denied on its own key under another tenant\'s context', 'acme', 'acme', 'globex', 'ExplicitlyDenied'],
    ['nobody was granted initech\'s key: acme is denied', 'acme', 'initech', 'initech', 'ExplicitlyDenied'],
  ])('%s', async (_name, role, tenant, context, expected) => {
    await expectKms(request(role, tenant, context), expected);
  });
});
