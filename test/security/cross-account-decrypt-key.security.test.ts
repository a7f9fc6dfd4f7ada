import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { kmsStar } from './fixture';
import { CrossAccountDecryptKey, CrossAccountDecryptKeyProps } from '../../src';
import { CfnTemplate, FAKE_ENV, keyArnFor, resolveIntrinsics, resolvedIdentityPolicies, resolvedKeyPolicy } from '../helpers/resolve-template';
import { KmsDecision, KmsRequest, expectKms } from '../helpers/simulate';

// What CrossAccountDecryptKey promises, evaluated as AWS would evaluate the synthesized
// key policy together with the consumer's IAM policy. The key lives in the producer
// account (FAKE_ENV, 111111111111); consumers are roles in other accounts, simulated by
// their ARN. For a principal in another account AWS requires an Allow in both the key
// policy and the principal's own IAM policy; in the key's own account a key-policy
// statement naming the principal (or `*`) is enough on its own. Every denial below has a
// positive control beside it: the same request with the one fact changed that it keys on.

const PRODUCER = FAKE_ENV.account;
const CONSUMER = '222222222222';
const UNLISTED = '333333333333';
const ORG = 'o-abcdef1234';
const OTHER_ORG = 'o-zyxwvu9876';
const REGION = FAKE_ENV.region;

const roleIn = (account: string, name = 'Reader') => `arn:aws:iam::${account}:role/${name}`;
const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

/** A producer stack with named CrossAccountDecryptKeys, synthesized once. */
class Producer {
  public readonly stack = new Stack(new App(), 'Producer', { env: { account: PRODUCER, region: REGION } });
  private readonly keys = new Map<string, CrossAccountDecryptKey>();
  private template?: CfnTemplate;

  public key(name: string, props: CrossAccountDecryptKeyProps): this {
    this.keys.set(name, new CrossAccountDecryptKey(this.stack, name, props));
    return this;
  }

  public keyPolicy(name: string): any {
    return resolvedKeyPolicy(this.synth(), this.keyLogicalId(name));
  }

  public keyArn(name: string): string {
    return keyArnFor(this.keyLogicalId(name));
  }

  /** The consumer's identity policy: consumerPolicyStatement(), resolved to concrete ARNs. */
  public consumerPolicy(name: string): unknown {
    const statement = this.stack.resolve(this.keys.get(name)!.consumerPolicyStatement().toStatementJson());
    return policy(resolveIntrinsics(statement, this.synth(), `${name} consumer statement`));
  }

  /** A request from `principalArn` against key `name`, with the given identity policies. */
  public request(name: string, principalArn: string, identityPolicies: unknown[], action: string, extra: Partial<KmsRequest> = {}): KmsRequest {
    return { keyPolicy: this.keyPolicy(name), keyArn: this.keyArn(name), principalArn, identityPolicies, action, ...extra };
  }

  private synth(): CfnTemplate {
    this.template ??= Template.fromStack(this.stack).toJSON() as CfnTemplate;
    return this.template;
  }

  private keyLogicalId(name: string): string {
    return this.stack.getLogicalId(this.keys.get(name)!.key.node.defaultChild as CfnResource);
  }
}

type Case = [string, KmsRequest, KmsDecision];

async function check(request: KmsRequest, expected: KmsDecision): Promise<void> {
  await expectKms(request, expected);
}

describe('CrossAccountDecryptKey, account mode, simulated', () => {
  const producer = new Producer().key('Shared', { consumerAccountIds: [CONSUMER] });
  const consumerStatement = producer.consumerPolicy('Shared');
  const req = (principal: string, identity: unknown[], action: string, extra: Partial<KmsRequest> = {}) =>
    producer.request('Shared', principal, identity, action, extra);
  const reader = roleIn(CONSUMER);

  test.each<Case>([
    ['a listed account\'s role with the consumer statement can decrypt', req(reader, [consumerStatement], 'kms:Decrypt'), 'Allowed'],
    ['a listed account\'s role with the consumer statement can describe the key', req(reader, [consumerStatement], 'kms:DescribeKey'), 'Allowed'],
    ['an unlisted account\'s role with the same statement cannot decrypt', req(roleIn(UNLISTED), [consumerStatement], 'kms:Decrypt'), 'ImplicitlyDenied'],
    ['an unlisted account\'s role with kms:* in IAM cannot decrypt', req(roleIn(UNLISTED), [policy(kmsStar().toStatementJson())], 'kms:Decrypt'), 'ImplicitlyDenied'],
    ['a listed account\'s role without the consumer statement cannot decrypt', req(reader, [], 'kms:Decrypt'), 'ImplicitlyDenied'],
    ['a listed account\'s role without the consumer statement cannot describe the key', req(reader, [], 'kms:DescribeKey'), 'ImplicitlyDenied'],
    ['the consumer cannot re-encrypt from the key unless allowReEncryptFrom', req(reader, [policy(kmsStar().toStatementJson())], 'kms:ReEncryptFrom'), 'ImplicitlyDenied'],
    ['a producer-account role without IAM policy cannot decrypt', req(roleIn(PRODUCER), [], 'kms:Decrypt'), 'ImplicitlyDenied'],
    ['control: a producer-account role with an IAM Allow decrypts (root delegation)',
      req(roleIn(PRODUCER), [policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: producer.keyArn('Shared') })], 'kms:Decrypt'), 'Allowed'],
  ])('%s', async (_name, request, expected) => {
    await check(request, expected);
  });

  // What a consumer never gets, with the consumer statement or even with kms:* on * in its own IAM.
  const forbidden: Array<[string, KmsDecision]> = [
    ['kms:Encrypt', 'ImplicitlyDenied'],
    ['kms:GenerateDataKey', 'ImplicitlyDenied'],
    ['kms:GenerateDataKeyWithoutPlaintext', 'ImplicitlyDenied'],
    ['kms:ReEncryptTo', 'ImplicitlyDenied'],
    // Key management: denied outright to all but the key's managers.
    ['kms:PutKeyPolicy', 'ExplicitlyDenied'],
    ['kms:ScheduleKeyDeletion', 'ExplicitlyDenied'],
    ['kms:DisableKey', 'ExplicitlyDenied'],
    // CT.KMS.PR.3: a grant not for an AWS resource is denied outright.
    ['kms:CreateGrant', 'ExplicitlyDenied'],
  ];
  describe.each([
    ['with the consumer statement', consumerStatement],
    ['with kms:* on * in IAM', policy(kmsStar().toStatementJson())],
  ])('a consumer %s', (_label, identity) => {
    test.each(forbidden)('cannot %s', async (action, expected) => {
      await check(req(reader, [identity], action), expected);
    });

    test('control: decrypts', async () => {
      await check(req(reader, [identity], 'kms:Decrypt'), 'Allowed');
    });
  });
});

describe('CrossAccountDecryptKey with viaServices, simulated', () => {
  const S3 = `s3.${REGION}.amazonaws.com`;
  const producer = new Producer().key('ViaS3', { consumerAccountIds: [CONSUMER], viaServices: [S3] });
  const statement = producer.consumerPolicy('ViaS3');
  const req = (action: string, extra: Partial<KmsRequest> = {}) => producer.request('ViaS3', roleIn(CONSUMER), [statement], action, extra);

  test.each<Case>([
    ['a direct Decrypt is denied', req('kms:Decrypt'), 'ImplicitlyDenied'],
    ['a Decrypt through S3 is allowed', req('kms:Decrypt', { viaService: S3 }), 'Allowed'],
    ['a Decrypt through another service (SQS) is denied', req('kms:Decrypt', { viaService: 'sqs' }), 'ImplicitlyDenied'],
    ['a Decrypt through S3 in another Region is denied', req('kms:Decrypt', { viaService: 's3.eu-west-1.amazonaws.com' }), 'ImplicitlyDenied'],
    ['a direct DescribeKey is denied too', req('kms:DescribeKey'), 'ImplicitlyDenied'],
    ['a DescribeKey through S3 is allowed', req('kms:DescribeKey', { viaService: S3 }), 'Allowed'],
    ['even with kms:* in IAM, a direct Decrypt is denied',
      producer.request('ViaS3', roleIn(CONSUMER), [policy(kmsStar().toStatementJson())], 'kms:Decrypt'), 'ImplicitlyDenied'],
  ])('%s', async (_name, request, expected) => {
    await check(request, expected);
  });
});

describe('CrossAccountDecryptKey with requiredEncryptionContext, simulated', () => {
  const producer = new Producer().key('Bound', { consumerAccountIds: [CONSUMER], requiredEncryptionContext: { purpose: 'sharing' } });
  const statement = producer.consumerPolicy('Bound');
  const req = (action: string, extra: Partial<KmsRequest> = {}) => producer.request('Bound', roleIn(CONSUMER), [statement], action, extra);

  test.each<Case>([
    ['Decrypt with the required context is allowed', req('kms:Decrypt', { encryptionContext: { purpose: 'sharing' } }), 'Allowed'],
    ['Decrypt with another value is denied', req('kms:Decrypt', { encryptionContext: { purpose: 'internal' } }), 'ImplicitlyDenied'],
    ['Decrypt without any context is denied (the key policy has no IfExists)', req('kms:Decrypt'), 'ImplicitlyDenied'],
    // allowReEncryptFrom cannot be combined with a required context (refused at synth).
    ['ReEncryptFrom, even with the required context, is denied', req('kms:ReEncryptFrom', { encryptionContext: { purpose: 'sharing' } }), 'ImplicitlyDenied'],
    ['DescribeKey, which carries no context, is allowed', req('kms:DescribeKey'), 'Allowed'],
  ])('%s', async (_name, request, expected) => {
    await check(request, expected);
  });
});

describe('CrossAccountDecryptKey, organization mode, simulated', () => {
  const producer = new Producer().key('Org', { consumerOrganizationId: ORG });
  const statement = producer.consumerPolicy('Org');
  const inOrg = (org: string) => ({ extraContext: { 'aws:PrincipalOrgID': org } });
  const req = (principal: string, identity: unknown[], action: string, extra: Partial<KmsRequest> = {}) =>
    producer.request('Org', principal, identity, action, extra);

  test.each<Case>([
    ['a member account\'s role with the consumer statement can decrypt', req(roleIn(CONSUMER), [statement], 'kms:Decrypt', inOrg(ORG)), 'Allowed'],
    ['a member account\'s role without the consumer statement cannot', req(roleIn(CONSUMER), [], 'kms:Decrypt', inOrg(ORG)), 'ImplicitlyDenied'],
    ['a principal of another organization is denied', req(roleIn(UNLISTED), [statement], 'kms:Decrypt', inOrg(OTHER_ORG)), 'ImplicitlyDenied'],
    ['control: the same principal in the organization is allowed', req(roleIn(UNLISTED), [statement], 'kms:Decrypt', inOrg(ORG)), 'Allowed'],
    ['a principal in no organization is denied', req(roleIn(UNLISTED), [statement], 'kms:Decrypt'), 'ImplicitlyDenied'],
    ['a member cannot encrypt, even with kms:* in IAM', req(roleIn(CONSUMER), [policy(kmsStar().toStatementJson())], 'kms:Encrypt', inOrg(ORG)), 'ImplicitlyDenied'],
    ['a member cannot generate data keys, even with kms:* in IAM',
      req(roleIn(CONSUMER), [policy(kmsStar().toStatementJson())], 'kms:GenerateDataKey', inOrg(ORG)), 'ImplicitlyDenied'],
    ['a member cannot put the key policy, even with kms:* in IAM',
      req(roleIn(CONSUMER), [policy(kmsStar().toStatementJson())], 'kms:PutKeyPolicy', inOrg(ORG)), 'ExplicitlyDenied'],
    ['a producer-account principal of the organization gets nothing from the org statement without IAM',
      req(roleIn(PRODUCER), [], 'kms:Decrypt', inOrg(ORG)), 'ImplicitlyDenied'],
    ['control: with an IAM Allow, the producer-account principal decrypts through the root delegation',
      req(roleIn(PRODUCER), [policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: producer.keyArn('Org') })], 'kms:Decrypt', inOrg(ORG)), 'Allowed'],
  ])('%s', async (_name, request, expected) => {
    await check(request, expected);
  });

  test('control: without the aws:PrincipalAccount exclusion, the org statement alone would let every producer-account principal decrypt', async () => {
    const keyPolicy = producer.keyPolicy('Org');
    const withoutExclusion = {
      ...keyPolicy,
      Statement: keyPolicy.Statement.map((s: any) => {
        if (s.Sid !== 'KmsPatternsAllowConsumerOrganizationDecrypt') {
          return s;
        }
        expect(s.Condition.StringNotEquals).toEqual({ 'aws:PrincipalAccount': PRODUCER });
        const { StringNotEquals: _dropped, ...rest } = s.Condition;
        return { ...s, Condition: rest };
      }),
    };
    await check({ ...req(roleIn(PRODUCER), [], 'kms:Decrypt', inOrg(ORG)), keyPolicy: withoutExclusion }, 'Allowed');
  });
});

describe('CrossAccountDecryptKey with allowSnapshotAndAmiSharing, simulated', () => {
  const EC2 = `ec2.${REGION}.amazonaws.com`;
  const producer = new Producer().key('Snapshots', { consumerAccountIds: [CONSUMER], allowSnapshotAndAmiSharing: true });
  const statement = producer.consumerPolicy('Snapshots');
  const req = (action: string, extra: Partial<KmsRequest> = {}, identity: unknown[] = [statement]) =>
    producer.request('Snapshots', roleIn(CONSUMER), identity, action, extra);

  test.each<Case>([
    ['EC2 creating a grant for the consumer\'s volume is allowed (GrantIsForAWSResource = true)', req('kms:CreateGrant', { viaService: EC2 }), 'Allowed'],
    ['a direct CreateGrant is denied by the CT.KMS.PR.3 Deny', req('kms:CreateGrant'), 'ExplicitlyDenied'],
    ['a direct CreateGrant is denied even with kms:* in IAM', req('kms:CreateGrant', {}, [policy(kmsStar().toStatementJson())]), 'ExplicitlyDenied'],
    ['ReEncryptTo through EC2 is allowed', req('kms:ReEncryptTo', { viaService: EC2 }), 'Allowed'],
    ['ReEncryptFrom through EC2 is allowed', req('kms:ReEncryptFrom', { viaService: EC2 }), 'Allowed'],
    ['GenerateDataKeyWithoutPlaintext through EC2 is allowed', req('kms:GenerateDataKeyWithoutPlaintext', { viaService: EC2 }), 'Allowed'],
    ['GenerateDataKey (with plaintext) stays denied, even with kms:* in IAM',
      req('kms:GenerateDataKey', { viaService: EC2 }, [policy(kmsStar().toStatementJson())]), 'ImplicitlyDenied'],
    ['Encrypt stays denied, even with kms:* in IAM', req('kms:Encrypt', {}, [policy(kmsStar().toStatementJson())]), 'ImplicitlyDenied'],
    ['control: Decrypt is allowed', req('kms:Decrypt'), 'Allowed'],
  ])('%s', async (_name, request, expected) => {
    await check(request, expected);
  });
});

describe('CrossAccountDecryptKey.grantConsumer, simulated', () => {
  const S3 = `s3.${REGION}.amazonaws.com`;
  const producer = new Producer().key('ViaS3', { consumerAccountIds: [CONSUMER], viaServices: [S3] });

  // The consumer's own stack knows only the key ARN. (Its template resolves with the
  // helper's fixed environment; the request below names the role in the consumer account.)
  const consumer = new Stack(new App(), 'Consumer');
  const role = new iam.Role(consumer, 'Reader', { roleName: 'Reader', assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  CrossAccountDecryptKey.grantConsumer(role, producer.keyArn('ViaS3'), { viaServices: [S3] });
  const template = Template.fromStack(consumer).toJSON() as CfnTemplate;
  const identity = resolvedIdentityPolicies(template, consumer.getLogicalId(role.node.defaultChild as CfnResource));
  const req = (action: string, extra: Partial<KmsRequest> = {}) => producer.request('ViaS3', roleIn(CONSUMER), identity, action, extra);

  test.each<Case>([
    ['the granted role decrypts through S3', req('kms:Decrypt', { viaService: S3 }), 'Allowed'],
    ['the granted role cannot decrypt directly', req('kms:Decrypt'), 'ImplicitlyDenied'],
    ['the granted role cannot encrypt through S3', req('kms:Encrypt', { viaService: S3 }), 'ImplicitlyDenied'],
  ])('%s', async (_name, request, expected) => {
    await check(request, expected);
  });
});

// The key has no principal Deny: its promise (which accounts, through which services)
// lives in Allow conditions, which a grant does not carry. A principal of the producer
// account with kms:CreateGrant in IAM could open the key to anyone, unless the
// CreateGrant Deny stands.
describe('CrossAccountDecryptKey and grants made in its own account, simulated', () => {
  const producer = new Producer()
    .key('Guarded', { consumerAccountIds: [CONSUMER], viaServices: ['s3.us-east-1.amazonaws.com'] })
    .key('Unguarded', { consumerAccountIds: [CONSUMER], viaServices: ['s3.us-east-1.amazonaws.com'], restrictGrantsToAwsServices: false });
  const localAdmin = roleIn(PRODUCER, 'LocalAdmin');
  const grant = (key: string, forAwsResource: boolean) => producer.request(key, localAdmin, [policy(kmsStar().toStatementJson())], 'kms:CreateGrant',
    { extraContext: { 'kms:GrantIsForAWSResource': String(forAwsResource), 'kms:GranteePrincipal': roleIn(UNLISTED) } });

  test.each<Case>([
    ['attack: a local principal with kms:* grants an unlisted account use of the key', grant('Guarded', false), 'ExplicitlyDenied'],
    ['control: a grant for an AWS resource still passes', grant('Guarded', true), 'Allowed'],
    ['with restrictGrantsToAwsServices: false the same grant is allowed: a full bypass (EncStd-KMS11 flags it)', grant('Unguarded', false), 'Allowed'],
  ])('%s', async (_name, request, expected) => {
    await check(request, expected);
  });
});
