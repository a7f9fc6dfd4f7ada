import { Tags } from 'aws-cdk-lib';
import { kmsStar, SimulatedAccount } from './fixture';
import { SharedTenantKey, ServiceExemption } from '../../src';
import { KmsDecision, KmsRequest, expectKms } from '../helpers/simulate';

// One key, many tenants: the principal tag picks the only encryption context a
// caller may use. The simulator is told the caller's tags (it cannot read IAM).

const A = 'tenant-a';
const B = 'tenant-b';

function buildAccount(): SimulatedAccount {
  const account = new SimulatedAccount();
  const shared = new SharedTenantKey(account.stack, 'Shared', {
    alias: 'shared/tenants',
    admins: [account.role('KeyAdminRole')],
    serviceExemptions: [ServiceExemption.secretsManager()],
  });
  const roleA = account.role('TenantARole');
  Tags.of(roleA).add('tenantId', A);
  shared.grantTenantAccess(roleA);
  const roleB = account.role('TenantBRole');
  Tags.of(roleB).add('tenantId', B);
  shared.grantTenantAccess(roleB);
  Tags.of(account.role('TaggedPowerRole', kmsStar())).add('tenantId', A); // tagged A, kms:* in IAM
  account.role('UntaggedPowerRole', kmsStar()); // no tag, kms:* in IAM
  account.key('Shared', shared.key);
  return account;
}

describe('SharedTenantKey isolation, simulated', () => {
  const account = buildAccount();
  const as = (tag: string | undefined, context: Record<string, string> | undefined): Partial<KmsRequest> => ({
    ...(tag ? { principalTags: { tenantId: tag } } : {}),
    ...(context ? { encryptionContext: context } : {}),
  });

  test.each<[string, string, string, Partial<KmsRequest>, KmsDecision]>([
    ['role tagged A decrypts with context A', 'TenantARole', 'kms:Decrypt', as(A, { tenantId: A }), 'Allowed'],
    ['role tagged A encrypts with context A', 'TenantARole', 'kms:Encrypt', as(A, { tenantId: A }), 'Allowed'],
    ['role tagged A is denied with context B', 'TenantARole', 'kms:Decrypt', as(A, { tenantId: B }), 'ExplicitlyDenied'],
    ['role tagged A is denied without context', 'TenantARole', 'kms:Decrypt', as(A, undefined), 'ExplicitlyDenied'],
    ['control: role tagged B decrypts with context B', 'TenantBRole', 'kms:Decrypt', as(B, { tenantId: B }), 'Allowed'],
    ['role tagged A with kms:* in IAM is denied with context B', 'TaggedPowerRole', 'kms:Decrypt', as(A, { tenantId: B }), 'ExplicitlyDenied'],
    ['control: the same role with context A', 'TaggedPowerRole', 'kms:Decrypt', as(A, { tenantId: A }), 'Allowed'],
    ['untagged role with kms:* is denied with context A', 'UntaggedPowerRole', 'kms:Decrypt', as(undefined, { tenantId: A }), 'ExplicitlyDenied'],
    ['untagged role with kms:* is denied with an empty-string context', 'UntaggedPowerRole', 'kms:Decrypt', as(undefined, { tenantId: '' }), 'ExplicitlyDenied'],
    ['untagged role with kms:* cannot manage the key: it is no key manager', 'UntaggedPowerRole', 'kms:PutKeyPolicy', {}, 'ExplicitlyDenied'],
    ['key admin cannot decrypt', 'KeyAdminRole', 'kms:Decrypt', as(undefined, { tenantId: A }), 'ExplicitlyDenied'],
    ['control: key admin can put the key policy', 'KeyAdminRole', 'kms:PutKeyPolicy', {}, 'Allowed'],
    // Secrets Manager exemption: its own context replaces the tenant's, the tag is still required.
    ['role tagged A via Secrets Manager with SecretARN', 'TenantARole', 'kms:Decrypt',
      { ...as(A, { SecretARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:a' }), viaService: 'secretsmanager' }, 'Allowed'],
    ['untagged role via Secrets Manager with SecretARN', 'UntaggedPowerRole', 'kms:Decrypt',
      { ...as(undefined, { SecretARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:a' }), viaService: 'secretsmanager' }, 'ExplicitlyDenied'],
    ['role tagged A via Secrets Manager without SecretARN', 'TenantARole', 'kms:Decrypt',
      { ...as(A, { other: 'x' }), viaService: 'secretsmanager' }, 'ExplicitlyDenied'],
  ])('%s', async (_name, role, action, extra, expected) => {
    await expectKms(account.request(role, 'Shared', action, extra), expected);
  });
});
