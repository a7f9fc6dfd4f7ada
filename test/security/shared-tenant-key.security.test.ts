import { Tags } from 'aws-cdk-lib';
import { kmsStar, SimulatedAccount, accountBuiltBeforeAll } from './fixture';
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
  // The S3 Encryption Client adds aws:x-amz-cek-alg to the context: listed, it is let through.
  const s3ec = new SharedTenantKey(account.stack, 'S3ec', {
    alias: 'shared/s3ec',
    allowedEncryptionContextKeys: ['tenantId', 'aws:x-amz-cek-alg'],
  });
  s3ec.grantTenantAccess(roleA);
  account.key('S3ec', s3ec.key);
  return account;
}

describe('SharedTenantKey isolation, simulated', () => {
  const account = accountBuiltBeforeAll(buildAccount);
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

describe('SharedTenantKey encryption-context keys, simulated', () => {
  const account = accountBuiltBeforeAll(buildAccount);
  const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:a-AbCdEf';
  const tagged = (tag: string, context: Record<string, string>, extra: Partial<KmsRequest> = {}): Partial<KmsRequest> =>
    ({ principalTags: { tenantId: tag }, encryptionContext: context, ...extra });

  /**
   * KMS matches the key of kms:EncryptionContext:<key> case-insensitively, so with two
   * spellings of the tenant key it judges one pair, which one is undocumented. The request
   * gives the simulator the pair KMS is assumed to judge (the one that favours the
   * attacker) and every key the context really holds, in kms:EncryptionContextKeys.
   */
  const kmsJudges = (tag: string, judged: Record<string, string>, allKeys: string[]): Partial<KmsRequest> =>
    tagged(tag, judged, { extraContext: { 'kms:EncryptionContextKeys': allKeys } });

  test.each<[string, string, string, Partial<KmsRequest>, KmsDecision]>([
    // B makes ciphertext under {tenantId: B, TENANTID: A}: KMS judges B's pair on encrypt...
    ['attack: tenant B encrypts a context that also names A under a case variant', 'TenantBRole', 'kms:Encrypt',
      kmsJudges(B, { tenantId: B }, ['tenantId', 'TENANTID']), 'ExplicitlyDenied'],
    // ... and A's pair when A decrypts it: A would accept data B forged.
    ['attack: tenant A decrypts that context, KMS judging the variant that names A', 'TenantARole', 'kms:Decrypt',
      kmsJudges(A, { TENANTID: A }, ['tenantId', 'TENANTID']), 'ExplicitlyDenied'],
    ['attack: the same, with the variant TenantId', 'TenantARole', 'kms:Decrypt',
      kmsJudges(A, { TenantId: A }, ['tenantId', 'TenantId']), 'ExplicitlyDenied'],
    ['attack: only a case variant of the tenant key', 'TenantARole', 'kms:Decrypt', tagged(A, { TENANTID: A }), 'ExplicitlyDenied'],
    ['a key outside the allow-list', 'TenantARole', 'kms:GenerateDataKey', tagged(A, { tenantId: A, purpose: 'x' }), 'ExplicitlyDenied'],
    ['control: the plain tenant context', 'TenantARole', 'kms:GenerateDataKey', tagged(A, { tenantId: A }), 'Allowed'],
    ['control: the Encryption SDK\'s context (tenant key + aws-crypto-public-key)', 'TenantARole', 'kms:GenerateDataKey',
      tagged(A, { 'tenantId': A, 'aws-crypto-public-key': 'AmZxYWJj' }), 'Allowed'],
    ['control: Secrets Manager\'s own keys, through the exempt service', 'TenantARole', 'kms:Decrypt',
      tagged(A, { SecretARN: SECRET, SecretVersionId: 'v1' }, { viaService: 'secretsmanager' }), 'Allowed'],
    ['Secrets Manager\'s keys on a direct call (no exemption applies)', 'TenantARole', 'kms:Decrypt',
      tagged(A, { tenantId: A, SecretARN: SECRET }), 'ExplicitlyDenied'],
  ])('%s', async (_name, role, action, extra, expected) => {
    await expectKms(account.request(role, 'Shared', action, extra), expected);
  });

  test.each<[string, Record<string, string>, KmsDecision]>([
    ['control: the S3 Encryption Client\'s aws:x-amz-cek-alg, when listed', { 'tenantId': A, 'aws:x-amz-cek-alg': 'AES/GCM/NoPadding' }, 'Allowed'],
    ['aws-crypto-public-key, once the list is given without it', { 'tenantId': A, 'aws-crypto-public-key': 'AmZxYWJj' }, 'ExplicitlyDenied'],
  ])('%s', async (_name, context, expected) => {
    await expectKms(account.request('TenantARole', 'S3ec', 'kms:GenerateDataKey', tagged(A, context)), expected);
  });
});

describe('SharedTenantKey ReEncrypt, simulated', () => {
  const account = accountBuiltBeforeAll(buildAccount);
  const own = { principalTags: { tenantId: A }, encryptionContext: { tenantId: A } };

  // AWS does not document whether the context conditions on ReEncrypt judge the source
  // or the destination context; the key denies ReEncrypt to everyone rather than guess.
  test.each(['kms:ReEncryptFrom', 'kms:ReEncryptTo'])('attack: the tenant\'s own %s, even with kms:* in IAM, is denied', async (action) => {
    await expectKms(account.request('TaggedPowerRole', 'Shared', action, own), 'ExplicitlyDenied');
  });

  test('control: the same role decrypts the same context', async () => {
    await expectKms(account.request('TaggedPowerRole', 'Shared', 'kms:Decrypt', own), 'Allowed');
  });
});

describe('SharedTenantKey exemptions bound to the caller\'s tenant, simulated', () => {
  const SECRET = (tenant: string) => `arn:aws:secretsmanager:us-east-1:111111111111:secret:tenants/${tenant}/db-AbCdEf`;
  const OBJECT = (tenant: string) => `arn:aws:s3:::tenant-data/${tenant}/report.csv`;

  function build(): SimulatedAccount {
    const account = new SimulatedAccount();
    const bound = new SharedTenantKey(account.stack, 'Bound', {
      alias: 'shared/bound',
      serviceExemptions: [
        ServiceExemption.secretsManagerForTenant({ secretNamePrefix: 'tenants/' }),
        ServiceExemption.s3ForTenant({ bucketName: 'tenant-data' }),
      ],
    });
    const plain = new SharedTenantKey(account.stack, 'Plain', { alias: 'shared/plain', serviceExemptions: [ServiceExemption.secretsManager()] });
    for (const [name, tenant] of [['TenantARole', A], ['TenantBRole', B]]) {
      const r = account.role(name);
      Tags.of(r).add('tenantId', tenant);
      bound.grantTenantAccess(r);
      plain.grantTenantAccess(r);
    }
    account.role('UntaggedPowerRole', kmsStar());
    account.key('Bound', bound.key);
    account.key('Plain', plain.key);
    return account;
  }
  const account = accountBuiltBeforeAll(build);
  const via = (service: string, tag: string | undefined, context: Record<string, string>): Partial<KmsRequest> =>
    ({ viaService: service, encryptionContext: context, ...(tag ? { principalTags: { tenantId: tag } } : {}) });

  test.each<[string, string, string, Partial<KmsRequest>, KmsDecision]>([
    ['attack: tenant B reads tenant A\'s secret through Secrets Manager', 'TenantBRole', 'Bound',
      via('secretsmanager', B, { SecretARN: SECRET(A), SecretVersionId: 'v1' }), 'ExplicitlyDenied'],
    ['control: tenant A reads its own secret', 'TenantARole', 'Bound', via('secretsmanager', A, { SecretARN: SECRET(A), SecretVersionId: 'v1' }), 'Allowed'],
    ['a secret outside the tenants/ prefix', 'TenantARole', 'Bound',
      via('secretsmanager', A, { SecretARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:tenant-a/db-AbCdEf' }), 'ExplicitlyDenied'],
    ['attack: tenant B reads tenant A\'s object through S3', 'TenantBRole', 'Bound', via('s3', B, { 'aws:s3:arn': OBJECT(A) }), 'ExplicitlyDenied'],
    ['control: tenant B reads its own object', 'TenantBRole', 'Bound', via('s3', B, { 'aws:s3:arn': OBJECT(B) }), 'Allowed'],
    // With an S3 Bucket Key the context is the bucket's ARN: the tenant-bound form refuses it.
    ['a Bucket Key\'s context (the bucket ARN) is refused', 'TenantARole', 'Bound', via('s3', A, { 'aws:s3:arn': 'arn:aws:s3:::tenant-data' }), 'ExplicitlyDenied'],
    // No tag: ${aws:PrincipalTag/tenantId} cannot resolve and the negated condition does not
    // apply; the tag Deny beside it refuses the call.
    ['attack: a principal without the tag, with kms:* in IAM, through Secrets Manager', 'UntaggedPowerRole', 'Bound',
      via('secretsmanager', undefined, { SecretARN: SECRET(A) }), 'ExplicitlyDenied'],
    // The plain exemption hands isolation to Secrets Manager: the key policy lets B through.
    ['for contrast: the plain exemption lets tenant B decrypt tenant A\'s secret', 'TenantBRole', 'Plain',
      via('secretsmanager', B, { SecretARN: SECRET(A), SecretVersionId: 'v1' }), 'Allowed'],
  ])('%s', async (_name, role, key, extra, expected) => {
    await expectKms(account.request(role, key, 'kms:Decrypt', extra), expected);
  });
});

describe('SharedTenantKey with tenantPrincipalPath, simulated', () => {
  // A principal that can tag itself (iam:TagRole, session tags) becomes any tenant's
  // principal; a path cannot be self-assigned: only iam:CreateRole places a role there.
  function build(): SimulatedAccount {
    const account = new SimulatedAccount();
    const key = new SharedTenantKey(account.stack, 'Pathed', { alias: 'shared/pathed', tenantPrincipalPath: '/tenants/' });
    Tags.of(account.roleUnder('/tenants/', 'TenantARole', kmsStar())).add('tenantId', A);
    Tags.of(account.roleUnder('/', 'SelfTaggedRole', kmsStar())).add('tenantId', A);
    Tags.of(account.roleUnder('/tenantsx/', 'NeighbourPathRole', kmsStar())).add('tenantId', A);
    account.key('Pathed', key.key);
    return account;
  }
  const account = accountBuiltBeforeAll(build);
  const asA = { principalTags: { tenantId: A }, encryptionContext: { tenantId: A } };

  test.each<[string, string, KmsDecision]>([
    ['attack: a role outside the path that tagged itself tenantId=A', 'SelfTaggedRole', 'ExplicitlyDenied'],
    ['attack: a role under a path that merely starts alike (/tenantsx/)', 'NeighbourPathRole', 'ExplicitlyDenied'],
    ['control: a role under /tenants/ tagged tenantId=A', 'TenantARole', 'Allowed'],
  ])('%s', async (_name, role, expected) => {
    await expectKms(account.request(role, 'Pathed', 'kms:Decrypt', asA), expected);
  });
});
