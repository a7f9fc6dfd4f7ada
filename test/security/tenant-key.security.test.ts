import { Tags } from 'aws-cdk-lib';
import { kmsStar, SimulatedAccount, accountBuiltBeforeAll } from './fixture';
import { ServiceExemption, TenantKey } from '../../src';
import { KmsDecision, KmsRequest, expectKms } from '../helpers/simulate';

// What the product promises, evaluated as AWS would evaluate the synthesized key
// policies and IAM policies. Every denial below has a positive control beside it:
// the same principal, key and action with the one fact changed that the Deny keys on.

const T = 'tenant-a';
const U = 'tenant-b';
const S3_OBJECT = 'arn:aws:s3:::tenant-a-bucket/report.csv';

/** Tenants A and B, a power user, a key admin, an S3-exempt key with tag-based principals. */
function buildAccount(): SimulatedAccount {
  const account = new SimulatedAccount();
  const tenantA = account.role('TenantARole', kmsStar()); // a tenant's role that also holds kms:* on every key
  const tenantB = account.role('TenantBRole');
  account.role('PowerUserRole', kmsStar()); // nobody's tenant principal
  const keyAdmin = account.role('KeyAdminRole');
  const s3User = account.role('S3TenantRole');
  Tags.of(account.role('TaggedRole', kmsStar())).add('tenant', T);

  const keyA = new TenantKey(account.stack, 'KeyA', { tenantId: T, admins: [keyAdmin] });
  keyA.grantEncryptDecrypt(tenantA);
  const keyB = new TenantKey(account.stack, 'KeyB', { tenantId: U, admins: [keyAdmin] });
  keyB.grantEncryptDecrypt(tenantB);
  const keyS3 = new TenantKey(account.stack, 'KeyS3', {
    tenantId: T,
    aliasPrefix: 'tenant-s3',
    tenantTagKey: 'tenant',
    serviceExemptions: [ServiceExemption.s3()],
  });
  keyS3.grantEncryptDecrypt(s3User);
  account.key('KeyA', keyA.key);
  account.key('KeyB', keyB.key);
  account.key('KeyS3', keyS3.key);
  return account;
}

describe('TenantKey isolation, simulated', () => {
  const account = accountBuiltBeforeAll(buildAccount);
  const req = account.request.bind(account);
  const ctx = (tenant: string) => ({ encryptionContext: { tenantId: tenant } });

  test.each<[string, string, string, string, Partial<KmsRequest>, KmsDecision]>([
    // The tenant's own role, on its own key.
    ['tenant A decrypts with its own context', 'TenantARole', 'KeyA', 'kms:Decrypt', ctx(T), 'Allowed'],
    ['tenant A encrypts with its own context', 'TenantARole', 'KeyA', 'kms:Encrypt', ctx(T), 'Allowed'],
    ['tenant A generates a data key with its own context', 'TenantARole', 'KeyA', 'kms:GenerateDataKey', ctx(T), 'Allowed'],
    ['tenant A is denied with tenant B\'s context', 'TenantARole', 'KeyA', 'kms:Decrypt', ctx(U), 'ExplicitlyDenied'],
    ['tenant A is denied without any context', 'TenantARole', 'KeyA', 'kms:Decrypt', {}, 'ExplicitlyDenied'],
    // Tenant A's role holds kms:* in IAM, and is still refused tenant B's key.
    ['tenant A (kms:* in IAM) is denied on key B with context B', 'TenantARole', 'KeyB', 'kms:Decrypt', ctx(U), 'ExplicitlyDenied'],
    ['control: tenant B decrypts on key B with context B', 'TenantBRole', 'KeyB', 'kms:Decrypt', ctx(U), 'Allowed'],
    // An account role with kms:* that is nobody's tenant principal.
    ['power user is denied with context A', 'PowerUserRole', 'KeyA', 'kms:Decrypt', ctx(T), 'ExplicitlyDenied'],
    ['power user is denied with context B', 'PowerUserRole', 'KeyA', 'kms:Decrypt', ctx(U), 'ExplicitlyDenied'],
    ['power user is denied without context', 'PowerUserRole', 'KeyA', 'kms:GenerateDataKey', {}, 'ExplicitlyDenied'],
    ['power user (kms:* in IAM) cannot rewrite the key policy: it is not a key manager', 'PowerUserRole', 'KeyA', 'kms:PutKeyPolicy', {}, 'ExplicitlyDenied'],
    ['power user can describe the key (outside the Deny)', 'PowerUserRole', 'KeyA', 'kms:DescribeKey', {}, 'Allowed'],
    // Key administrators administer and cannot use.
    ['key admin cannot decrypt, even with the tenant context', 'KeyAdminRole', 'KeyA', 'kms:Decrypt', ctx(T), 'ExplicitlyDenied'],
    ['key admin can put the key policy', 'KeyAdminRole', 'KeyA', 'kms:PutKeyPolicy', {}, 'Allowed'],
    ['key admin can schedule deletion', 'KeyAdminRole', 'KeyA', 'kms:ScheduleKeyDeletion', {}, 'Allowed'],
    ['key admin cannot use kms:Encrypt through the admin statement', 'KeyAdminRole', 'KeyB', 'kms:Encrypt', ctx(U), 'ExplicitlyDenied'],
    // CT.KMS.PR.3: grants only for AWS resources.
    ['power user cannot create a grant for itself', 'PowerUserRole', 'KeyA', 'kms:CreateGrant', {}, 'ExplicitlyDenied'],
    ['control: a grant for an AWS resource passes the guard rail', 'PowerUserRole', 'KeyA', 'kms:CreateGrant',
      { extraContext: { 'kms:GrantIsForAWSResource': 'true' } }, 'Allowed'],
  ])('%s', async (_name, role, key, action, extra, expected) => {
    await expectKms(req(role, key, action, extra), expected);
  });

  describe('service exemption (S3) and tag-based tenant principals', () => {
    const viaS3 = (context: Record<string, string>) => ({ viaService: 's3', encryptionContext: context });

    test.each<[string, string, string, Partial<KmsRequest>, KmsDecision]>([
      ['tenant principal via S3 with S3\'s own context', 'S3TenantRole', 'kms:Decrypt', viaS3({ 'aws:s3:arn': S3_OBJECT }), 'Allowed'],
      ['tenant principal via S3 without S3\'s context', 'S3TenantRole', 'kms:Decrypt', viaS3({ other: 'x' }), 'ExplicitlyDenied'],
      ['tenant principal calling directly with S3\'s context only', 'S3TenantRole', 'kms:Decrypt', { encryptionContext: { 'aws:s3:arn': S3_OBJECT } }, 'ExplicitlyDenied'],
      ['control: tenant principal calling directly with the tenant context', 'S3TenantRole', 'kms:Decrypt', ctx(T), 'Allowed'],
      ['non-tenant principal via S3 with S3\'s context', 'PowerUserRole', 'kms:Decrypt', viaS3({ 'aws:s3:arn': S3_OBJECT }), 'ExplicitlyDenied'],
      ['principal tagged for the tenant, with the tenant context', 'TaggedRole', 'kms:Decrypt', { ...ctx(T), principalTags: { tenant: T } }, 'Allowed'],
      ['principal tagged for another tenant', 'TaggedRole', 'kms:Decrypt', { ...ctx(T), principalTags: { tenant: U } }, 'ExplicitlyDenied'],
      ['the same role without the tag', 'TaggedRole', 'kms:Decrypt', ctx(T), 'ExplicitlyDenied'],
    ])('%s', async (_name, role, action, extra, expected) => {
      await expectKms(req(role, 'KeyS3', action, extra), expected);
    });
  });
});

describe('TenantKey with tenantTagKey and tenantPrincipalPath, simulated', () => {
  function build(): SimulatedAccount {
    const account = new SimulatedAccount();
    const key = new TenantKey(account.stack, 'KeyP', { tenantId: T, tenantTagKey: 'tenant', tenantPrincipalPath: '/tenants/' });
    Tags.of(account.roleUnder('/tenants/', 'PathedRole', kmsStar())).add('tenant', T);
    Tags.of(account.roleUnder('/', 'SelfTaggedRole', kmsStar())).add('tenant', T);
    key.grantDecrypt(account.roleUnder('/apps/', 'GrantedRole')); // granted by ARN, outside the path
    account.key('KeyP', key.key);
    return account;
  }
  const account = accountBuiltBeforeAll(build);
  const tagged = { principalTags: { tenant: T }, encryptionContext: { tenantId: T } };

  test.each<[string, string, Partial<KmsRequest>, KmsDecision]>([
    ['attack: a role outside the path that tagged itself for the tenant', 'SelfTaggedRole', tagged, 'ExplicitlyDenied'],
    ['control: a tagged role under the path', 'PathedRole', tagged, 'Allowed'],
    ['a role under the path tagged for another tenant', 'PathedRole', { ...tagged, principalTags: { tenant: U } }, 'ExplicitlyDenied'],
    ['control: a role granted through the construct, outside the path, untagged', 'GrantedRole', { encryptionContext: { tenantId: T } }, 'Allowed'],
  ])('%s', async (_name, role, extra, expected) => {
    await expectKms(account.request(role, 'KeyP', 'kms:Decrypt', extra), expected);
  });
});
