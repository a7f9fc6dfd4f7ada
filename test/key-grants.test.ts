import { App, CfnElement, CfnParameter, NestedStack, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct, IMixin } from 'constructs';
import { CrossAccountDecryptKey, ServiceExemption, SharedTenantKey, TenantKey } from '../src';

// Issue 17, item 1: what a construct's `key` refuses at synth, with what to call instead.
// What it allows is shown by simulation in test/security/key-grants.security.test.ts.

const ENV = { account: '111111111111', region: 'us-east-1' };
const quiet = { monitoring: false, verifyRotation: false };

function stack(): Stack {
  return new Stack(new App(), 'S', { env: ENV });
}

function role(scope: Stack, id: string): iam.Role {
  return new iam.Role(scope, id, { assumedBy: new iam.AccountRootPrincipal() });
}

describe('TenantKey.key', () => {
  test('fails when a bucket encrypted with it has no S3 exemption', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    new s3.Bucket(s, 'B', { encryptionKey: acme.key });
    expect(() => Template.fromStack(s)).toThrow('S/B/Resource is encrypted with this key, but `serviceExemptions` does not exempt '
      + 's3.us-east-1.amazonaws.com: every request through it would be denied (the service sets its own encryption context); add ServiceExemption.s3()');
  });

  test('judges each key of a stack by its own exemptions, over one list of the stack\'s buckets and queues', () => {
    const s = stack();
    const acme = new TenantKey(s, 'A', { tenantId: 'acme', serviceExemptions: [ServiceExemption.s3()], ...quiet });
    const globex = new TenantKey(s, 'G', { tenantId: 'globex', ...quiet });
    new s3.Bucket(s, 'AcmeBucket', { encryptionKey: acme.key });
    new s3.Bucket(s, 'GlobexBucket', { encryptionKey: globex.key });
    new sqs.Queue(s, 'AcmeQueue', { encryptionMasterKey: acme.key });
    let message = '';
    try {
      Template.fromStack(s);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n').filter(l => l.includes('is encrypted with this key')).map(l => l.trim().split(' ').slice(0, 2).join(' '))).toEqual([
      '[S/A] S/AcmeQueue/Resource',
      '[S/G] S/GlobexBucket/Resource',
    ]);
  });

  test('fails when a bucket of a nested stack is encrypted with it without an S3 exemption', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    new s3.Bucket(new NestedStack(s, 'Nested'), 'B', { encryptionKey: acme.key });
    expect(() => Template.fromStack(s)).toThrow(/S\/Nested\/B\/Resource is encrypted with this key, but `serviceExemptions` does not exempt s3.us-east-1.amazonaws.com/);
  });

  // The stack's buckets and queues are listed once per validation pass, for all its keys: a later pass lists them again.
  test('judges a bucket encrypted with it after a synthesis at the next one', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    const bucket = new s3.CfnBucket(s, 'B');
    const app = s.node.root as App;
    expect(() => app.synth()).not.toThrow();
    bucket.bucketEncryption = { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: acme.key.keyArn } }] };
    expect(() => app.synth({ force: true })).toThrow(new Error('Validation failed with the following errors:\n'
      + '  [S/K] S/B is encrypted with this key, but `serviceExemptions` does not exempt s3.us-east-1.amazonaws.com: every request '
      + 'through it would be denied (the service sets its own encryption context); add ServiceExemption.s3()'));
  });

  test('fails when a queue encrypted with it has no SQS exemption', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    new sqs.Queue(s, 'Q', { encryptionMasterKey: acme.key });
    expect(() => Template.fromStack(s)).toThrow(/S\/Q\/Resource is encrypted with this key, .* add ServiceExemption.sqs\(\)/);
  });

  test('fails when a secret is encrypted with it without a Secrets Manager exemption', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.s3()], ...quiet });
    expect(() => new secretsmanager.Secret(s, 'Sec', { encryptionKey: acme.key })).toThrow(
      'S/K: `serviceExemptions` must exempt secretsmanager.us-east-1.amazonaws.com before `key` is granted through it '
      + '(as a Secrets Manager secret encrypted with the key does): the service calls KMS with its own encryption context, '
      + 'which KmsPatternsDenyOutsideTenantEncryptionContext refuses; add ServiceExemption.secretsManager(), got ["s3.us-east-1.amazonaws.com"]');
  });

  test('a bucket grant lists the role among the tenant\'s principals', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.s3()], ...quiet });
    const bucket = new s3.Bucket(s, 'B', { encryptionKey: acme.key });
    bucket.grantRead(role(s, 'Reader'));
    const policy = JSON.stringify(Template.fromStack(s).toJSON());
    expect(policy).toMatch(/"ArnNotEquals":\{"aws:PrincipalArn":\[\{"Fn::GetAtt":\["Reader[0-9A-F]+","Arn"\]\}\]\}/);
  });

  // The fix the error names is the exemption call that would admit the endpoint.
  test.each([
    ['secretsmanager.eu-west-1.amazonaws.com', 'ServiceExemption.secretsManager(\'eu-west-1\')'],
    ['kinesis.us-east-1.amazonaws.com', 'ServiceExemption.of(\'kinesis\', <its context key>)'],
    ['kinesis.eu-west-1.amazonaws.com', 'ServiceExemption.of(\'kinesis\', <its context key>, \'eu-west-1\')'],
  ])('a grant through the unexempted %s names %s as the fix', (viaService, hint) => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(() => acme.key.grantDecrypt(new kms.ViaServicePrincipal(viaService, role(s, 'R')))).toThrow(
      `S/K: \`serviceExemptions\` must exempt ${viaService} before \`key\` is granted through it (as a Secrets Manager secret encrypted `
      + 'with the key does): the service calls KMS with its own encryption context, which KmsPatternsDenyOutsideTenantEncryptionContext '
      + `refuses; add ${hint}, got []`);
  });

  test('fails when granted to a service principal', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(() => acme.key.grantDecrypt(new iam.ServicePrincipal('sns.amazonaws.com'))).toThrow(
      'S/K: `key` cannot be granted to a service principal: the tenant Denies admit only the tenant\'s IAM roles and users. '
      + 'Grant the role the service acts for (e.g. a Lambda function\'s role), and exempt the service with `serviceExemptions` '
      + 'if it sets its own encryption context, got {"Service":["sns.amazonaws.com"]}');
  });

  test('fails when granted to the key\'s own account directly, not through a service', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(() => acme.key.grantDecrypt(new iam.AccountPrincipal('111111111111'))).toThrow(/^S\/K: `key` must be an IAM role or user/);
  });

  test('a role granted through an exempted service gets an Allow bound to that service and becomes a tenant principal', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.secretsManager()], ...quiet });
    const reader = role(s, 'Reader');
    acme.key.grantDecrypt(new kms.ViaServicePrincipal('secretsmanager.us-east-1.amazonaws.com', reader));
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['kms:Decrypt', 'kms:ReEncryptFrom'], Condition: Match.objectLike({ StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } }) })] },
    });
    expect(JSON.stringify(template.toJSON())).toMatch(/"ArnNotEquals":\{"aws:PrincipalArn":\[\{"Fn::GetAtt":\["Reader[0-9A-F]+","Arn"\]\}\]\}/);
  });

  test('fails when granted to a group', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(() => acme.key.grantDecrypt(new iam.Group(s, 'G'))).toThrow(/S\/K: `key` must be an IAM role or user/);
  });

  test('fails when granted administration', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(() => acme.key.grant(role(s, 'R'), 'kms:Decrypt', 'kms:PutKeyPolicy', 'kms:*')).toThrow(
      'S/K: `key` grants only cryptographic use to a tenant\'s principals; give administrators through `admins`, '
      + 'and grants (kms:CreateGrant) are for AWS services only, got "kms:PutKeyPolicy, kms:*"');
  });

  // `*` and `kms:*` (any case) match every cryptographic action, but administration too.
  test.each(['*', 'KMS:*'])('grant(role, %p) is refused whole', (action) => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(() => acme.key.grant(role(s, 'R'), action)).toThrow(`S/K: \`key\` grants only cryptographic use to a tenant's principals; give administrators through \`admins\`, and grants (kms:CreateGrant) are for AWS services only, got "${action}"`);
  });

  test('a wildcard grant is expanded to the exact cryptographic actions it matches, in any case', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    acme.key.grant(role(s, 'R'), 'KMS:generatedatakey*', 'kms:decrypt');
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:Decrypt'] })] },
    });
  });

  test('fails when granted to a role of another account', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    const other = iam.Role.fromRoleArn(s, 'Other', 'arn:aws:iam::222222222222:role/Reader');
    expect(() => acme.key.grantDecrypt(other)).toThrow(
      /`key` cannot grant to a principal of another account \(222222222222\): a tenant key admits principals of its own account only/);
  });

  test.each(['grantSign', 'grantVerify', 'grantSignVerify', 'grantGenerateMac', 'grantVerifyMac'] as const)('fails on %s: the key is symmetric', (method) => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(() => acme.key[method](role(s, 'R'))).toThrow(`S/K: \`key.${method}()\` cannot be used: the key is a symmetric encryption key`);
  });

  test('keeps the key\'s ARN, ID, node, stack and dependencies', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(acme.key.keyArn).toBe(acme.keyArn);
    expect(acme.key.keyId).toBe(acme.keyId);
    expect(acme.key.node.path).toBe('S/K/Key');
    expect(acme.key.stack).toBe(s);
    const r = role(s, 'R');
    r.node.addDependency(acme.key);
    const template = Template.fromStack(s).toJSON();
    const roleId = Object.keys(template.Resources).find(id => id.startsWith('R'))!;
    expect(template.Resources[roleId].DependsOn).toEqual([s.getLogicalId(acme.key.node.defaultChild as any)]);
  });

  test('addToResourcePolicy still meets the policy builder\'s checks', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    acme.key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'TooBroad', actions: ['kms:*'], resources: ['*'], principals: [role(s, 'R')] }));
    expect(() => Template.fromStack(s)).toThrow(/key policy statement TooBroad allows kms:\* \(or NotAction\)/);
  });
});

describe('SharedTenantKey.key', () => {
  test('fails when a role of the app granted through it has no tenant tag', () => {
    const s = stack();
    const shared = new SharedTenantKey(s, 'K', { alias: 'shared', serviceExemptions: [ServiceExemption.s3()], ...quiet });
    const bucket = new s3.Bucket(s, 'B', { encryptionKey: shared.key });
    bucket.grantRead(role(s, 'Untagged'));
    expect(() => Template.fromStack(s)).toThrow('S/Untagged is granted the key through `key` but has no `tenantId` tag, so '
      + 'KmsPatternsDenyPrincipalsWithoutTenantTag refuses all its calls: tag it with its tenant (Tags.of(principal).add(\'tenantId\', \'<tenant>\'))');
  });

  test('control: the same grant to a tagged role synthesizes', () => {
    const s = stack();
    const shared = new SharedTenantKey(s, 'K', { alias: 'shared', serviceExemptions: [ServiceExemption.s3()], ...quiet });
    const bucket = new s3.Bucket(s, 'B', { encryptionKey: shared.key });
    const tagged = role(s, 'Tagged');
    Tags.of(tagged).add('tenantId', 'acme');
    bucket.grantRead(tagged);
    expect(() => Template.fromStack(s)).not.toThrow();
  });

  test('fails when a bucket encrypted with it has no S3 exemption', () => {
    const s = stack();
    const shared = new SharedTenantKey(s, 'K', { alias: 'shared', ...quiet });
    new s3.Bucket(s, 'B', { encryptionKey: shared.key });
    expect(() => Template.fromStack(s)).toThrow(/S\/B\/Resource is encrypted with this key, .* add ServiceExemption.s3\(\)/);
  });
});

describe('CrossAccountDecryptKey.key', () => {
  test('a grant to a role of the key\'s account works as on any key', () => {
    const s = stack();
    const key = new CrossAccountDecryptKey(s, 'K', { consumerAccountIds: ['222222222222'], ...quiet });
    const bucket = new s3.Bucket(s, 'B', { encryptionKey: key.key });
    bucket.grantRead(role(s, 'Reader'));
    expect(JSON.stringify(Template.fromStack(s).findResources('AWS::IAM::Policy'))).toContain('"kms:Decrypt"');
  });

  test('fails when granted to a principal of another account', () => {
    const s = stack();
    const key = new CrossAccountDecryptKey(s, 'K', { consumerAccountIds: ['222222222222'], ...quiet });
    expect(() => key.key.grantDecrypt(new iam.AccountPrincipal('222222222222'))).toThrow(
      /S\/K: `key` cannot grant to a principal of another account \(222222222222\): consumers are admitted by `consumerAccountIds` or `consumerOrganizationId`, and granted in their own account with CrossAccountDecryptKey.grantConsumer\(role, keyArn, options\)/);
  });
});

// The facade's other members reach the real key (mutation testing found them unasserted).
describe('the `key` facade passes everything but grants to the real key', () => {
  function tenantKey(s: Stack): { acme: TenantKey; inner: kms.Key } {
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.s3()], ...quiet });
    return { acme, inner: s.node.findChild('K').node.findChild('Key') as kms.Key };
  }

  test.each<[string, (k: kms.IKey, r: iam.IGrantable) => iam.Grant, string[]]>([
    ['grantEncrypt', (k, r) => k.grantEncrypt(r), ['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext']],
    ['grantDecrypt', (k, r) => k.grantDecrypt(r), ['kms:Decrypt', 'kms:ReEncryptFrom']],
    ['grantEncryptDecrypt', (k, r) => k.grantEncryptDecrypt(r),
      ['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Decrypt', 'kms:ReEncryptFrom']],
  ])('%s goes through the construct: the tenant\'s context, exactly these actions', (_, grant, actions) => {
    const s = stack();
    const { acme } = tenantKey(s);
    expect(grant(acme.key, role(s, 'R')).success).toBe(true);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: actions, Condition: { StringEquals: { 'kms:EncryptionContext:tenantId': 'acme' } } })]) },
    });
  });

  test('keyRef and env are the real key\'s', () => {
    const s = stack();
    const { acme, inner } = tenantKey(s);
    expect(s.resolve(acme.key.keyRef.keyArn)).toEqual(s.resolve(inner.keyArn));
    expect(acme.key.env).toEqual({ account: '111111111111', region: 'us-east-1' });
  });

  test('with() applies the mixins to the real key and its resource, and returns the facade', () => {
    const s = stack();
    const { acme, inner } = tenantKey(s);
    const seen: IConstruct[] = [];
    const mixin: IMixin = { supports: () => true, applyTo: c => { seen.push(c); } };
    expect(acme.key.with(mixin)).toBe(acme.key);
    expect(seen).toContain(inner);
    expect(seen).toContain(inner.node.defaultChild);
  });

  test('applyRemovalPolicy applies to the real key', () => {
    const s = stack();
    const { acme } = tenantKey(s);
    acme.key.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Template.fromStack(s).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test.each(['tenant/acme', 'alias/tenant/acme'])('addAlias(%p) is refused when another key has alias/tenant/acme, with or without "alias/"', (name) => {
    const s = stack();
    new TenantKey(s, 'A', { tenantId: 'acme', ...quiet });
    const other = new TenantKey(s, 'B', { tenantId: 'other', ...quiet });
    expect(() => other.key.addAlias(name)).toThrow(/^S\/B: `key.addAlias\(\)` must make an alias .* "alias\/tenant\/acme" is already the alias of S\/A,/);
  });

  test('control: addAlias with a free name adds an alias to the real key', () => {
    const s = stack();
    const { acme, inner } = tenantKey(s);
    expect(acme.key.addAlias('tenant/acme-extra')).toBeInstanceOf(kms.Alias);
    Template.fromStack(s).hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/tenant/acme-extra',
      TargetKeyId: { 'Fn::GetAtt': [s.getLogicalId(inner.node.defaultChild as CfnElement), 'Arn'] },
    });
  });

  test('a grant through an exempted service to the account root is granted on the real key, as aws-cdk-lib would', () => {
    const s = stack();
    const { acme } = tenantKey(s);
    const root = new kms.ViaServicePrincipal('s3.us-east-1.amazonaws.com', new iam.AccountRootPrincipal());
    expect(() => acme.key.grantDecrypt(root)).not.toThrow();
  });

  test('a grant through an exempted service to the key\'s account is granted on the real key', () => {
    const s = stack();
    const { acme } = tenantKey(s);
    const account = new kms.ViaServicePrincipal('s3.us-east-1.amazonaws.com', new iam.AccountPrincipal('111111111111'));
    expect(() => acme.key.grantDecrypt(account)).not.toThrow();
  });

  test('control: the same grant to another account through the service is refused', () => {
    const s = stack();
    const { acme } = tenantKey(s);
    const other = new kms.ViaServicePrincipal('s3.us-east-1.amazonaws.com', new iam.AccountPrincipal('222222222222'));
    expect(() => acme.key.grantDecrypt(other)).toThrow(/`key` cannot grant to a principal of another account \(222222222222\)/);
  });

  test('fails on a kms.ViaServicePrincipal whose service cannot be read', () => {
    const s = stack();
    const { acme } = tenantKey(s);
    class NoService extends kms.ViaServicePrincipal {
      public get policyFragment(): iam.PrincipalPolicyFragment {
        return new iam.PrincipalPolicyFragment({ AWS: ['arn:aws:iam::111111111111:role/R'] }, {});
      }
    }
    expect(() => acme.key.grantDecrypt(new NoService('s3.us-east-1.amazonaws.com', role(s, 'R')))).toThrow(
      'S/K: `key` cannot grant to this kms.ViaServicePrincipal: its service or wrapped principal cannot be read, got {"AWS":["arn:aws:iam::111111111111:role/R"]}');
  });

  test('fails on a kms.ViaServicePrincipal whose wrapped principal cannot be read', () => {
    const s = stack();
    const { acme } = tenantKey(s);
    // As if aws-cdk-lib renamed the field it keeps the wrapped principal in.
    const unreadable = new kms.ViaServicePrincipal('s3.us-east-1.amazonaws.com', role(s, 'R'));
    const fragment = unreadable.policyFragment;
    Object.defineProperty(unreadable, 'policyFragment', { get: () => fragment });
    Object.assign(unreadable, { basePrincipal: undefined });
    expect(() => acme.key.grantDecrypt(unreadable)).toThrow(/cannot grant to this kms.ViaServicePrincipal: its service or wrapped principal cannot be read/);
  });

  test('a role imported by a token ARN is not refused as another account\'s: its account is unknown', () => {
    const s = stack();
    const { acme } = tenantKey(s);
    const imported = iam.Role.fromRoleArn(s, 'Imported', new CfnParameter(s, 'RoleArn').valueAsString);
    expect(() => acme.key.grantDecrypt(imported)).not.toThrow();
  });

  test('in an env-agnostic stack a role of a literal account is not refused: the key\'s account is unknown', () => {
    const s = new Stack(new App(), 'S');
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    const imported = iam.Role.fromRoleArn(s, 'Imported', 'arn:aws:iam::222222222222:role/Reader');
    expect(() => acme.key.grantDecrypt(imported)).not.toThrow();
  });
});
