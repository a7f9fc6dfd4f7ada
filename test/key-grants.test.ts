import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
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

  test('fails when granted to a service principal', () => {
    const s = stack();
    const acme = new TenantKey(s, 'K', { tenantId: 'acme', ...quiet });
    expect(() => acme.key.grantDecrypt(new iam.ServicePrincipal('sns.amazonaws.com'))).toThrow(
      'S/K: `key` cannot be granted to a service principal: the tenant Denies admit only the tenant\'s IAM roles and users. '
      + 'Grant the role the service acts for (e.g. a Lambda function\'s role), and exempt the service with `serviceExemptions` '
      + 'if it sets its own encryption context, got {"Service":["sns.amazonaws.com"]}');
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
