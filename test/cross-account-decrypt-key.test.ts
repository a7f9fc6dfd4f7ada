import { App, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossAccountDecryptKey, CrossAccountDecryptKeyProps } from '../src';
import { ownKeyTemplate } from './helpers/own-key';

const ENV = { account: '111111111111', region: 'us-east-1' };
const CONSUMER = '222222222222';
const OTHER_CONSUMER = '333333333333';
const ORG = 'o-abcdef1234';
const S3 = 's3.us-east-1.amazonaws.com';
const EC2 = 'ec2.us-east-1.amazonaws.com';
const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const rootOf = (account: string | object) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] });

/** Every action the key policy must never hand to a consumer, whatever the options. */
const NEVER_FOR_CONSUMERS = [
  'kms:*', '*', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKey*', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:CreateAlias',
  'kms:UpdateAlias', 'kms:TagResource', 'kms:RevokeGrant', 'kms:CancelKeyDeletion', 'kms:DisableKeyRotation',
];

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: ENV });
}

/** A stack whose account and Region are only known at deploy time. */
function agnosticStack(): Stack {
  return new Stack(new App(), 'S');
}

/** A CrossAccountDecryptKey at `S/K` in a fresh stack, for account 222222222222 unless told otherwise. */
function crossAccountKey(props: Partial<CrossAccountDecryptKeyProps> = {}, stack = newStack()): { stack: Stack; key: CrossAccountDecryptKey } {
  const key = new CrossAccountDecryptKey(stack, 'K', { consumerAccountIds: [CONSUMER], ...props });
  return { stack, key };
}

/**
 * The stack's template reduced to the construct's own key. The stack also holds the rotation
 * verification's log key and the monitor's alarm-topic key (both on by default), which the
 * assertions about the shared key must not match; `statementsOf` and the rest read this one.
 */
function keyTemplate({ stack, key }: { stack: Stack; key: CrossAccountDecryptKey }): Template {
  return ownKeyTemplate(Template.fromStack(stack), key);
}

/** The statements of the only key policy in `template` (see `keyTemplate`). */
function statementsOf(template: Template): any[] {
  const keys = Object.values(template.findResources('AWS::KMS::Key'));
  expect(keys).toHaveLength(1);
  return keys[0].Properties.KeyPolicy.Statement;
}

function statementOf(template: Template, sid: string): any {
  const found = statementsOf(template).filter(s => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
}

function sidsOf(template: Template): string[] {
  return statementsOf(template).map(s => s.Sid);
}

describe('CrossAccountDecryptKey defaults', () => {
  const { stack, key: construct } = crossAccountKey();
  // Only the shared key: the assertions below must not be met by another key of the stack.
  const keyOnly = keyTemplate({ stack, key: construct });

  test('the default alias differs between constructs of the same id in different stacks', () => {
    const aliasOf = (stackName: string) => {
      const producer = new Stack(new App(), stackName, { env: ENV });
      return producer.resolve(crossAccountKey({}, producer).key.aliasName);
    };
    expect(aliasOf('Producer')).toMatch(/^alias\/cross-account\/Producer-K-[0-9A-F]{8}$/);
    expect(aliasOf('OtherProducer')).toMatch(/^alias\/cross-account\/OtherProducer-K-[0-9A-F]{8}$/);
  });

  test('lets the consumer account (by its root) decrypt, unconditionally', () => {
    expect(statementOf(keyOnly, 'KmsPatternsAllowConsumerAccountsDecrypt')).toEqual({
      Sid: 'KmsPatternsAllowConsumerAccountsDecrypt',
      Effect: 'Allow',
      Principal: { AWS: rootOf(CONSUMER) },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
  });

  test('lets the consumer account describe the key', () => {
    expect(statementOf(keyOnly, 'KmsPatternsAllowConsumerAccountsDescribeKey')).toEqual({
      Sid: 'KmsPatternsAllowConsumerAccountsDescribeKey',
      Effect: 'Allow',
      Principal: { AWS: rootOf(CONSUMER) },
      Action: 'kms:DescribeKey',
      Resource: '*',
    });
  });

  test('has exactly these five statements, in this order', () => {
    expect(sidsOf(keyOnly)).toEqual([
      'KmsPatternsAllowAccountRootDelegation',
      'KmsPatternsDenyCreateGrantExceptForAwsResources',
      'KmsPatternsDenyKeyManagementExceptToManagers',
      'KmsPatternsAllowConsumerAccountsDecrypt',
      'KmsPatternsAllowConsumerAccountsDescribeKey',
    ]);
  });

  test('consumerPolicyStatement(): Decrypt and DescribeKey on this key\'s ARN only, no conditions', () => {
    const { stack: s, key } = crossAccountKey();
    expect(s.resolve(key.consumerPolicyStatement().toStatementJson())).toEqual({
      Sid: 'KmsPatternsDecryptWithSharedKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^KKey/), 'Arn'] },
    });
  });

  test('exposes the key, its ARN and ID, and the alias', () => {
    const { stack: s, key } = crossAccountKey({ alias: 'shared/reports' });
    expect(s.resolve(key.keyArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KKey/), 'Arn'] });
    expect(s.resolve(key.keyId)).toEqual({ Ref: expect.stringMatching(/^KKey/) });
    expect(s.resolve(key.aliasName)).toBe('alias/shared/reports');
    expect(s.resolve(key.alias.aliasName)).toBe('alias/shared/reports');
    expect(key.key.keyArn).toBe(key.keyArn);
  });
});

describe('CrossAccountDecryptKey consumers', () => {
  test('names every listed account\'s root in one statement per purpose', () => {
    const template = keyTemplate(crossAccountKey({ consumerAccountIds: [CONSUMER, OTHER_CONSUMER] }));
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDecrypt').Principal).toEqual({ AWS: [rootOf(CONSUMER), rootOf(OTHER_CONSUMER)] });
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDescribeKey').Principal).toEqual({ AWS: [rootOf(CONSUMER), rootOf(OTHER_CONSUMER)] });
  });

  test('organization mode: a * principal only under aws:PrincipalOrgID, minus the key\'s own account', () => {
    const template = keyTemplate(crossAccountKey({ consumerAccountIds: undefined, consumerOrganizationId: ORG }));
    expect(statementOf(template, 'KmsPatternsAllowConsumerOrganizationDecrypt')).toEqual({
      Sid: 'KmsPatternsAllowConsumerOrganizationDecrypt',
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': ORG },
        StringNotEquals: { 'aws:PrincipalAccount': ENV.account },
      },
    });
    expect(statementOf(template, 'KmsPatternsAllowConsumerOrganizationDescribeKey').Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': ORG },
      StringNotEquals: { 'aws:PrincipalAccount': ENV.account },
    });
    expect(sidsOf(template)).toEqual([
      'KmsPatternsAllowAccountRootDelegation',
      'KmsPatternsDenyCreateGrantExceptForAwsResources',
      'KmsPatternsDenyKeyManagementExceptToManagers',
      'KmsPatternsAllowConsumerOrganizationDecrypt',
      'KmsPatternsAllowConsumerOrganizationDescribeKey',
    ]);
  });

  test('organization mode in an environment-agnostic stack excludes AWS::AccountId', () => {
    const template = keyTemplate(crossAccountKey({ consumerAccountIds: undefined, consumerOrganizationId: ORG }, agnosticStack()));
    expect(statementOf(template, 'KmsPatternsAllowConsumerOrganizationDecrypt').Condition.StringNotEquals).toEqual({
      'aws:PrincipalAccount': { Ref: 'AWS::AccountId' },
    });
  });

  test('accounts and an organization together: a statement pair for each', () => {
    const template = keyTemplate(crossAccountKey({ consumerOrganizationId: ORG }));
    expect(sidsOf(template)).toEqual([
      'KmsPatternsAllowAccountRootDelegation',
      'KmsPatternsDenyCreateGrantExceptForAwsResources',
      'KmsPatternsDenyKeyManagementExceptToManagers',
      'KmsPatternsAllowConsumerAccountsDecrypt',
      'KmsPatternsAllowConsumerOrganizationDecrypt',
      'KmsPatternsAllowConsumerAccountsDescribeKey',
      'KmsPatternsAllowConsumerOrganizationDescribeKey',
    ]);
  });

  test('consumerAccountIds: [] is fine with an organization', () => {
    const template = keyTemplate(crossAccountKey({ consumerAccountIds: [], consumerOrganizationId: ORG }));
    expect(sidsOf(template)).not.toContain('KmsPatternsAllowConsumerAccountsDecrypt');
  });

  test('no statement gives anyone but the account root an action outside Decrypt, DescribeKey and ReEncryptFrom', () => {
    const template = keyTemplate(crossAccountKey({ consumerOrganizationId: ORG, allowReEncryptFrom: true, admins: [] }));
    const consumerAllows = statementsOf(template).filter(s => s.Effect === 'Allow' && s.Sid !== 'KmsPatternsAllowAccountRootDelegation');
    const actions = new Set<string>(consumerAllows.flatMap(s => [s.Action].flat()));
    expect([...actions].sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:ReEncryptFrom']);
    for (const never of NEVER_FOR_CONSUMERS) {
      expect(actions.has(never)).toBe(false);
    }
  });
});

describe('CrossAccountDecryptKey options', () => {
  test('viaServices restricts every consumer statement with kms:ViaService', () => {
    const template = keyTemplate(crossAccountKey({ consumerOrganizationId: ORG, viaServices: [S3, 'sqs.us-east-1.amazonaws.com'] }));
    const via = { 'kms:ViaService': [S3, 'sqs.us-east-1.amazonaws.com'] };
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDecrypt').Condition).toEqual({ StringEquals: via });
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDescribeKey').Condition).toEqual({ StringEquals: via });
    expect(statementOf(template, 'KmsPatternsAllowConsumerOrganizationDecrypt').Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': ORG, ...via },
      StringNotEquals: { 'aws:PrincipalAccount': ENV.account },
    });
  });

  test('requiredEncryptionContext conditions Decrypt, and not DescribeKey (which carries no context)', () => {
    const template = keyTemplate(crossAccountKey({ requiredEncryptionContext: { purpose: 'sharing', dataset: 'reports' } }));
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDecrypt').Condition).toEqual({
      StringEquals: { 'kms:EncryptionContext:purpose': 'sharing', 'kms:EncryptionContext:dataset': 'reports' },
    });
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDescribeKey').Condition).toBeUndefined();
  });

  test('requiredEncryptionContext with the service\'s own key is accepted alongside viaServices', () => {
    const template = keyTemplate(crossAccountKey({
      viaServices: [S3],
      requiredEncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::shared-reports' },
    }));
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDecrypt').Condition).toEqual({
      StringEquals: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::shared-reports', 'kms:ViaService': [S3] },
    });
  });

  test('allowReEncryptFrom adds kms:ReEncryptFrom to the decrypt statement only', () => {
    const template = keyTemplate(crossAccountKey({ allowReEncryptFrom: true }));
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDecrypt').Action).toEqual(['kms:Decrypt', 'kms:ReEncryptFrom']);
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDescribeKey').Action).toBe('kms:DescribeKey');
  });

  describe('allowSnapshotAndAmiSharing', () => {
    const template = keyTemplate(crossAccountKey({ consumerOrganizationId: ORG, allowSnapshotAndAmiSharing: true }));

    test('adds re-encryption and data keys without plaintext', () => {
      expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsSnapshotSharing')).toEqual({
        Sid: 'KmsPatternsAllowConsumerAccountsSnapshotSharing',
        Effect: 'Allow',
        Principal: { AWS: rootOf(CONSUMER) },
        Action: ['kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKeyWithoutPlaintext'],
        Resource: '*',
      });
    });

    test('adds CreateGrant only for AWS resources', () => {
      expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsGrantsForAwsResources')).toEqual({
        Sid: 'KmsPatternsAllowConsumerAccountsGrantsForAwsResources',
        Effect: 'Allow',
        Principal: { AWS: rootOf(CONSUMER) },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      });
      expect(statementOf(template, 'KmsPatternsAllowConsumerOrganizationGrantsForAwsResources').Condition).toEqual({
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
        StringEquals: { 'aws:PrincipalOrgID': ORG },
        StringNotEquals: { 'aws:PrincipalAccount': ENV.account },
      });
    });

    test('leaves the CreateGrant guard rail as it is', () => {
      expect(statementOf(template, 'KmsPatternsDenyCreateGrantExceptForAwsResources').Condition).toEqual({
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      });
    });

    test('never allows encryption or plaintext data keys', () => {
      const actions = statementsOf(template).filter(s => s.Effect === 'Allow' && s.Sid !== 'KmsPatternsAllowAccountRootDelegation')
        .flatMap(s => [s.Action].flat());
      expect(actions).not.toContain('kms:Encrypt');
      expect(actions).not.toContain('kms:GenerateDataKey');
    });

    test('the consumer statement includes the preset with BoolIfExists on the grant condition', () => {
      const { stack, key } = crossAccountKey({ allowSnapshotAndAmiSharing: true, viaServices: [EC2] });
      expect(stack.resolve(key.consumerPolicyStatement().toStatementJson())).toMatchObject({
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:CreateGrant'],
        Condition: { StringEquals: { 'kms:ViaService': [EC2] }, BoolIfExists: { 'kms:GrantIsForAWSResource': 'true' } },
      });
    });
  });

  test('alias without the alias/ prefix gets it', () => {
    Template.fromStack(crossAccountKey({ alias: 'shared/reports' }).stack)
      .hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shared/reports' });
  });

  test('alias with the alias/ prefix is kept as given', () => {
    Template.fromStack(crossAccountKey({ alias: 'alias/shared/reports' }).stack)
      .hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shared/reports' });
  });

  test('consumerPolicyStatement() mirrors viaServices, and the context with IfExists', () => {
    const { stack, key } = crossAccountKey({ viaServices: [S3], requiredEncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b' } });
    expect(stack.resolve(key.consumerPolicyStatement().toStatementJson())).toEqual({
      Sid: 'KmsPatternsDecryptWithSharedKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^KKey/), 'Arn'] },
      Condition: {
        StringEquals: { 'kms:ViaService': [S3] },
        StringEqualsIfExists: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b' },
      },
    });
  });

  test('consumerPolicyStatement() returns a fresh statement each call', () => {
    const { key } = crossAccountKey();
    expect(key.consumerPolicyStatement()).not.toBe(key.consumerPolicyStatement());
  });
});

describe('CrossAccountDecryptKey.grantConsumer', () => {
  function consumerRole(): { stack: Stack; role: iam.Role } {
    const stack = new Stack(new App(), 'Consumer', { env: { account: CONSUMER, region: 'us-east-1' } });
    return { stack, role: new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }) };
  }

  test('adds Decrypt and DescribeKey on the key ARN to the grantee\'s policy', () => {
    const { stack, role } = consumerRole();
    const grant = CrossAccountDecryptKey.grantConsumer(role, KEY_ARN);
    expect(grant.success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: KEY_ARN }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
    });
  });

  test('mirrors the options as consumerPolicyStatement() does', () => {
    const { stack, role } = consumerRole();
    CrossAccountDecryptKey.grantConsumer(role, KEY_ARN, {
      viaServices: [S3], requiredEncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: KEY_ARN,
          Condition: {
            StringEquals: { 'kms:ViaService': [S3] },
            StringEqualsIfExists: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b' },
          },
        }],
      },
    });
  });

  test('accepts a token key ARN (e.g. a parameter)', () => {
    const { stack, role } = consumerRole();
    const arn = new CfnParameter(stack, 'KeyArn').valueAsString;
    CrossAccountDecryptKey.grantConsumer(role, arn);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Resource: { Ref: 'KeyArn' } })] },
    });
  });
});

describe('CrossAccountDecryptKey tokens pass through unvalidated', () => {
  test('account IDs, organization ID and services from parameters', () => {
    const stack = newStack();
    const account = new CfnParameter(stack, 'Consumer').valueAsString;
    const org = new CfnParameter(stack, 'Org').valueAsString;
    const via = new CfnParameter(stack, 'Via').valueAsString;
    const template = keyTemplate(crossAccountKey({ consumerAccountIds: [account], consumerOrganizationId: org, viaServices: [via] }, stack));
    expect(statementOf(template, 'KmsPatternsAllowConsumerAccountsDecrypt').Principal).toEqual({
      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'Consumer' }, ':root']] },
    });
    expect(statementOf(template, 'KmsPatternsAllowConsumerOrganizationDecrypt').Condition.StringEquals).toEqual({
      'aws:PrincipalOrgID': { Ref: 'Org' }, 'kms:ViaService': [{ Ref: 'Via' }],
    });
  });

  test('a context key from a parameter is not judged against the service\'s own keys', () => {
    const stack = newStack();
    const contextKey = new CfnParameter(stack, 'ContextKey').valueAsString;
    expect(() => crossAccountKey({ viaServices: [S3], requiredEncryptionContext: { [contextKey]: 'x' } }, stack)).not.toThrow();
  });

  test('the snapshot preset with a service from a parameter may still name EC2 or RDS: not refused', () => {
    const stack = newStack();
    const via = new CfnParameter(stack, 'Via').valueAsString;
    expect(() => crossAccountKey({ allowSnapshotAndAmiSharing: true, viaServices: [S3, via] }, stack)).not.toThrow();
  });

  test('the own-account check is skipped in an environment-agnostic stack', () => {
    expect(() => crossAccountKey({ consumerAccountIds: [ENV.account] }, agnosticStack())).not.toThrow();
  });

  test('a token alias (including alias/) is used as given', () => {
    const stack = newStack();
    const alias = Fn.join('', ['alias/', new CfnParameter(stack, 'AliasSuffix').valueAsString]);
    const { key } = crossAccountKey({ alias }, stack);
    expect(stack.resolve(key.aliasName)).toEqual({ 'Fn::Join': ['', ['alias/', { Ref: 'AliasSuffix' }]] });
  });
});

describe('CrossAccountDecryptKey validation', () => {
  test.each<[string, Partial<CrossAccountDecryptKeyProps>, string]>([
    ['fails when no consumer is given', { consumerAccountIds: undefined },
      'S/K: `consumerAccountIds` must name at least one account, or `consumerOrganizationId` must be set, got []'],
    ['fails when the consumer list is empty and no organization is given', { consumerAccountIds: [] },
      'S/K: `consumerAccountIds` must name at least one account, or `consumerOrganizationId` must be set, got []'],
    ['fails when an account ID is too short', { consumerAccountIds: ['22222222222'] },
      'S/K: `consumerAccountIds[0]` must be a 12-digit AWS account ID, got "22222222222"'],
    ['fails when an account ID is not digits', { consumerAccountIds: [CONSUMER, 'acme-prod'] },
      'S/K: `consumerAccountIds[1]` must be a 12-digit AWS account ID, got "acme-prod"'],
    ['fails when an account ID is an ARN', { consumerAccountIds: ['arn:aws:iam::222222222222:root'] },
      'S/K: `consumerAccountIds[0]` must be a 12-digit AWS account ID, got "arn:aws:iam::222222222222:root"'],
    ['fails when the key\'s own account is a consumer', { consumerAccountIds: [CONSUMER, ENV.account] },
      'S/K: `consumerAccountIds[1]` must not be the key\'s own account: its principals get access through their IAM policies and the account-root statement, not as consumers, got "111111111111"'],
    ['fails when an account is listed twice', { consumerAccountIds: [CONSUMER, OTHER_CONSUMER, CONSUMER] },
      'S/K: `consumerAccountIds` must not contain duplicates ("222222222222" appears more than once), got ["222222222222","333333333333","222222222222"]'],
    ['fails when the organization ID has no o- prefix', { consumerOrganizationId: 'abcdef1234' },
      'S/K: `consumerOrganizationId` must be "o-" followed by 10-32 lowercase letters or digits, got "abcdef1234"'],
    ['fails when the organization ID is too short', { consumerOrganizationId: 'o-abc123' },
      'S/K: `consumerOrganizationId` must be "o-" followed by 10-32 lowercase letters or digits, got "o-abc123"'],
    ['fails when the organization ID has uppercase letters', { consumerOrganizationId: 'o-ABCDEF1234' },
      'S/K: `consumerOrganizationId` must be "o-" followed by 10-32 lowercase letters or digits, got "o-ABCDEF1234"'],
    ['fails when a service is a bare prefix', { viaServices: ['s3'] },
      'S/K: `viaServices[0]` must be a KMS ViaService endpoint "<service>.<region>.amazonaws.com" such as "s3.eu-west-1.amazonaws.com", got "s3"'],
    ['fails when a service is a service principal', { viaServices: [S3, 's3.amazonaws.com'] },
      'S/K: `viaServices[1]` must be a KMS ViaService endpoint "<service>.<region>.amazonaws.com" such as "s3.eu-west-1.amazonaws.com", got "s3.amazonaws.com"'],
    ['fails when a service is upper case', { viaServices: ['S3.us-east-1.amazonaws.com'] },
      'S/K: `viaServices[0]` must be a KMS ViaService endpoint "<service>.<region>.amazonaws.com" such as "s3.eu-west-1.amazonaws.com", got "S3.us-east-1.amazonaws.com"'],
    ['fails when viaServices is empty', { viaServices: [] },
      'S/K: `viaServices` must name at least one service endpoint, or be left out to allow direct calls, got []'],
    ['fails when a service is listed twice', { viaServices: [S3, S3] },
      'S/K: `viaServices` must not contain duplicates ("s3.us-east-1.amazonaws.com" appears more than once), got ["s3.us-east-1.amazonaws.com","s3.us-east-1.amazonaws.com"]'],
    ['fails when requiredEncryptionContext is empty', { requiredEncryptionContext: {} },
      'S/K: `requiredEncryptionContext` must have at least one key, or be left out, got {}'],
    ['fails when a context key has a space', { requiredEncryptionContext: { 'data set': 'x' } },
      'S/K: `requiredEncryptionContext` must be keyed by 1-128 letters, digits and _ . : / = + @ - (key "data set" is not), got "data set"'],
    ['fails when a context value is empty', { requiredEncryptionContext: { purpose: '' } },
      'S/K: `requiredEncryptionContext.purpose` must be a non-empty value, got ""'],
    ['fails when the context requires a key S3 never sets, with viaServices S3', { viaServices: [S3], requiredEncryptionContext: { purpose: 'sharing' } },
      'S/K: `requiredEncryptionContext` cannot require the key "purpose" together with `viaServices` "s3.us-east-1.amazonaws.com": s3 sets its own encryption context (aws:s3:arn) and no caller can add to it, so every call through it would be denied; require only aws:s3:arn, or drop one of the two props, got {"purpose":"sharing"}'],
    ['fails when the context suits S3 but viaServices also names SQS', { viaServices: [S3, 'sqs.us-east-1.amazonaws.com'], requiredEncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b' } },
      'S/K: `requiredEncryptionContext` cannot require the key "aws:s3:arn" together with `viaServices` "sqs.us-east-1.amazonaws.com": sqs sets its own encryption context (aws:sqs:arn) and no caller can add to it, so every call through it would be denied; require only aws:sqs:arn, or drop one of the two props, got {"aws:s3:arn":"arn:aws:s3:::b"}'],
    ['fails when the context requires a key Secrets Manager never sets, naming both of its own', { viaServices: ['secretsmanager.us-east-1.amazonaws.com'], requiredEncryptionContext: { purpose: 'sharing' } },
      'S/K: `requiredEncryptionContext` cannot require the key "purpose" together with `viaServices` "secretsmanager.us-east-1.amazonaws.com": secretsmanager sets its own encryption context (SecretARN, SecretVersionId) and no caller can add to it, so every call through it would be denied; require only SecretARN or SecretVersionId, or drop one of the two props, got {"purpose":"sharing"}'],
    ['fails when the context requires a key EBS never sets, with viaServices EC2', { viaServices: [EC2], requiredEncryptionContext: { purpose: 'sharing' } },
      'S/K: `requiredEncryptionContext` cannot require the key "purpose" together with `viaServices` "ec2.us-east-1.amazonaws.com": ec2 sets its own encryption context (aws:ebs:id) and no caller can add to it, so every call through it would be denied; require only aws:ebs:id, or drop one of the two props, got {"purpose":"sharing"}'],
    ['fails when an account ID has 13 digits', { consumerAccountIds: ['2222222222223'] },
      'S/K: `consumerAccountIds[0]` must be a 12-digit AWS account ID, got "2222222222223"'],
    ['fails when the organization ID has a prefix', { consumerOrganizationId: 'xo-abcdef1234' },
      'S/K: `consumerOrganizationId` must be "o-" followed by 10-32 lowercase letters or digits, got "xo-abcdef1234"'],
    ['fails when the organization ID has a suffix', { consumerOrganizationId: 'o-abcdef1234!' },
      'S/K: `consumerOrganizationId` must be "o-" followed by 10-32 lowercase letters or digits, got "o-abcdef1234!"'],
    ['fails when a service has a prefix', { viaServices: ['!s3.us-east-1.amazonaws.com'] },
      'S/K: `viaServices[0]` must be a KMS ViaService endpoint "<service>.<region>.amazonaws.com" such as "s3.eu-west-1.amazonaws.com", got "!s3.us-east-1.amazonaws.com"'],
    ['fails when a service has a suffix', { viaServices: ['s3.us-east-1.amazonaws.com.evil'] },
      'S/K: `viaServices[0]` must be a KMS ViaService endpoint "<service>.<region>.amazonaws.com" such as "s3.eu-west-1.amazonaws.com", got "s3.us-east-1.amazonaws.com.evil"'],
    ['fails when the snapshot preset is combined with a required context', { allowSnapshotAndAmiSharing: true, requiredEncryptionContext: { purpose: 'sharing' } },
      'S/K: `requiredEncryptionContext` cannot be combined with `allowSnapshotAndAmiSharing`: EC2 and RDS set their own encryption context per volume or instance, so every snapshot operation would be denied, got {"purpose":"sharing"}'],
    // The KMS docs do not say whether ReEncrypt's context conditions judge the source or the destination.
    ['fails when allowReEncryptFrom is combined with a required context', { allowReEncryptFrom: true, requiredEncryptionContext: { purpose: 'sharing' } },
      'S/K: `allowReEncryptFrom` cannot be combined with `requiredEncryptionContext`: AWS does not document whether the `kms:EncryptionContext` conditions '
      + 'on ReEncrypt judge the source or the destination context, so the required context might bind only the consumer\'s own destination, '
      + 'and every ciphertext under the key could be re-encrypted to a key the consumer holds, got true'],
    ['fails when the snapshot preset is restricted to services other than EC2 and RDS', { allowSnapshotAndAmiSharing: true, viaServices: [S3] },
      'S/K: `viaServices` must include an "ec2.<region>.amazonaws.com" or "rds.<region>.amazonaws.com" endpoint when `allowSnapshotAndAmiSharing` is on, or snapshots and AMIs could not be used, got ["s3.us-east-1.amazonaws.com"]'],
    ['fails when the alias is under alias/aws/', { alias: 'aws/shared' },
      'S/K: `alias` must not make an alias under "alias/aws/", which is reserved for AWS managed keys, got "aws/shared"'],
    ['fails when the alias has a space', { alias: 'shared reports' },
      'S/K: `alias` must make an alias name of letters, digits, "/", "_" or "-" after "alias/" (it makes "alias/shared reports"), got "shared reports"'],
    ['fails when the rotation period is below 90 days', { rotationPeriod: Duration.days(30) },
      'S/K: `rotationPeriod` must be a whole number of days between 90 and 2560, got "30 days"'],
    ['fails when the pending window is above 30 days', { pendingWindow: Duration.days(31) },
      'S/K: `pendingWindow` must be a whole number of days between 7 and 30, got "31 days"'],
  ])('%s', (_name, props, message) => {
    expect(() => crossAccountKey(props)).toThrow(message);
    expect(() => crossAccountKey(props)).toThrow(new Error(message));
  });

  test.each<[string, Partial<CrossAccountDecryptKeyProps>]>([
    ['a Secrets Manager context with viaServices Secrets Manager', { viaServices: ['secretsmanager.us-east-1.amazonaws.com'], requiredEncryptionContext: { SecretARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s' } }],
    ['an EBS context with viaServices EC2', { viaServices: [EC2], requiredEncryptionContext: { 'aws:ebs:id': 'vol-0123456789abcdef0' } }],
    ['the snapshot preset through EC2 alone', { allowSnapshotAndAmiSharing: true, viaServices: [EC2] }],
    ['the snapshot preset through RDS alone', { allowSnapshotAndAmiSharing: true, viaServices: ['rds.us-east-1.amazonaws.com'] }],
    ['the snapshot preset through EC2 and S3', { allowSnapshotAndAmiSharing: true, viaServices: [S3, EC2] }],
    ['a service in a Region of three words (GovCloud)', { viaServices: ['s3.us-gov-west-1.amazonaws.com'] }],
    ['a service in China', { viaServices: ['s3.cn-north-1.amazonaws.com.cn'] }],
  ])('accepts %s', (_, props) => {
    expect(() => crossAccountKey(props)).not.toThrow();
  });

  test.each([
    'arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'arn:aws-cn:kms:cn-north-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab',
  ])('grantConsumer accepts the key ARN %p of another partition', (keyArn) => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => CrossAccountDecryptKey.grantConsumer(role, keyArn)).not.toThrow();
  });

  test.each([
    `x${KEY_ARN}`,
    `${KEY_ARN}/extra`,
  ])('grantConsumer refuses %p, which only contains a key ARN', (keyArn) => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => CrossAccountDecryptKey.grantConsumer(role, keyArn)).toThrow(/`keyArn` must be a KMS key ARN/);
  });

  test('fails when consumerAccountIds is a list token', () => {
    const stack = newStack();
    const ids = new CfnParameter(stack, 'Ids', { type: 'CommaDelimitedList' }).valueAsList;
    expect(() => crossAccountKey({ consumerAccountIds: ids }, stack))
      .toThrow(/^S\/K: `consumerAccountIds` must be a list of account IDs, each of which may be a token, not a list token, got /);
  });

  test.each<[string, string, object, string]>([
    ['fails when grantConsumer is given an alias ARN', 'arn:aws:kms:us-east-1:111111111111:alias/shared', {},
      'Consumer/Reader: `keyArn` must be a KMS key ARN "arn:<partition>:kms:<region>:<account>:key/<key-id>" (an alias ARN does not authorize use of the key in an IAM policy), got "arn:aws:kms:us-east-1:111111111111:alias/shared"'],
    ['fails when grantConsumer is given a key ID', '1234abcd-12ab-34cd-56ef-1234567890ab', {},
      'Consumer/Reader: `keyArn` must be a KMS key ARN "arn:<partition>:kms:<region>:<account>:key/<key-id>" (an alias ARN does not authorize use of the key in an IAM policy), got "1234abcd-12ab-34cd-56ef-1234567890ab"'],
    ['fails when grantConsumer combines allowReEncryptFrom with a required context', KEY_ARN, { allowReEncryptFrom: true, requiredEncryptionContext: { purpose: 'p' } },
      'Consumer/Reader: `allowReEncryptFrom` cannot be combined with `requiredEncryptionContext`: AWS does not document whether the `kms:EncryptionContext` conditions '
      + 'on ReEncrypt judge the source or the destination context, so the required context might bind only the consumer\'s own destination, '
      + 'and every ciphertext under the key could be re-encrypted to a key the consumer holds, got true'],
    ['fails when grantConsumer is given a bad service', KEY_ARN, { viaServices: ['s3'] },
      'Consumer/Reader: `viaServices[0]` must be a KMS ViaService endpoint "<service>.<region>.amazonaws.com" such as "s3.eu-west-1.amazonaws.com", got "s3"'],
  ])('%s', (_name, keyArn, options, message) => {
    const stack = new Stack(new App(), 'Consumer');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => CrossAccountDecryptKey.grantConsumer(role, keyArn, options)).toThrow(new Error(message));
  });

  test('fails with a plain label when grantConsumer\'s grantee is no construct', () => {
    expect(() => CrossAccountDecryptKey.grantConsumer(new iam.ArnPrincipal('arn:aws:iam::222222222222:role/r'), 'nope'))
      .toThrow(/^CrossAccountDecryptKey\.grantConsumer: `keyArn` must be a KMS key ARN/);
  });
});
