import { App, CfnParameter, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ServiceExemption, SharedTenantKey, SharedTenantKeyProps } from '../src';
import { logicalIdsUnder, ownKeyResource, ownKeyTemplate } from './helpers/own-key';
import { RotationVerificationProvider } from '../src/rotation-verification/provider';

const ENV = { account: '111111111111', region: 'us-east-1' };
const CONTEXT_BOUND = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];
// No kms:ReEncrypt*: the key policy denies it (see the ReEncrypt tests below).
const ENCRYPT_DECRYPT = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Decrypt'];

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: ENV });
}

/** A SharedTenantKey at `S/K` in a fresh stack. */
function sharedKey(props: Partial<SharedTenantKeyProps> = {}): { stack: Stack; key: SharedTenantKey } {
  const stack = newStack();
  const key = new SharedTenantKey(stack, 'K', { alias: 'shared/tenants', ...props });
  return { stack, key };
}

function role(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
}

function keyPolicyWith(statement: Record<string, unknown>): Record<string, unknown> {
  return { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike(statement)]) } };
}

function keyPolicyWithout(sid: string): Record<string, unknown> {
  return { KeyPolicy: { Statement: Match.not(Match.arrayWith([Match.objectLike({ Sid: sid })])) } };
}

/**
 * The construct's own key in `template`. The stack also holds the rotation verification's log
 * key and the monitor's alarm-topic key (both on by default), which assertions about the
 * shared key must not match.
 */
function keyResource(template: Template, key: SharedTenantKey): any {
  return ownKeyResource(template, key);
}

/** The stack's template reduced to the construct's own key. */
function keyTemplate(stack: Stack, key: SharedTenantKey): Template {
  return ownKeyTemplate(Template.fromStack(stack), key);
}

describe('SharedTenantKey defaults', () => {
  const { stack, key } = sharedKey();
  const template = Template.fromStack(stack);
  // Only the shared key: the assertions below must not be met by another key of the stack.
  const keyOnly = ownKeyTemplate(template, key);

  test('has no tenant tag: the key belongs to no single tenant', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', Match.objectLike({ Tags: Match.absent() }));
  });

  test('denies principals without the tenant tag', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyPrincipalsWithoutTenantTag',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND,
      Resource: '*',
      Condition: Match.exact({ Null: { 'aws:PrincipalTag/tenantId': 'true' } }),
    }));
  });

  test('denies an encryption context other than the caller\'s own tenant tag', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyOutsideTenantEncryptionContext',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND,
      Resource: '*',
      Condition: Match.exact({ StringNotEquals: { 'kms:EncryptionContext:tenantId': '${aws:PrincipalTag/tenantId}' } }),
    }));
  });

  test('denies a context holding any key but the tenant key and the Encryption SDK\'s aws-crypto-public-key', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyEncryptionContextKeysOutsideAllowList',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND,
      Resource: '*',
      Condition: Match.exact({ 'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'aws-crypto-public-key'] } }),
    }));
  });

  test('denies every ReEncrypt, to every principal, unconditionally', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyReEncrypt',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:ReEncrypt*',
      Resource: '*',
      Condition: Match.absent(),
    }));
  });

  test('has exactly these seven statements, in this order, and no per-principal list', () => {
    expect((keyResource(template, key).Properties.KeyPolicy.Statement as any[]).map(s => s.Sid)).toEqual([
      'KmsPatternsAllowAccountRootDelegation',
      'KmsPatternsDenyCreateGrantExceptForAwsResources',
      'KmsPatternsDenyKeyManagementExceptToManagers',
      'KmsPatternsDenyPrincipalsWithoutTenantTag',
      'KmsPatternsDenyOutsideTenantEncryptionContext',
      'KmsPatternsDenyEncryptionContextKeysOutsideAllowList',
      'KmsPatternsDenyReEncrypt',
    ]);
  });
});

describe('SharedTenantKey attributes', () => {
  test('expose the tag key, the context key, the alias name and the key\'s ARN and ID', () => {
    const { stack, key } = sharedKey();
    expect(key.tenantTagKey).toBe('tenantId');
    expect(key.encryptionContextKey).toBe('tenantId');
    expect(stack.resolve(key.aliasName)).toBe('alias/shared/tenants');
    expect(stack.resolve(key.keyArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KKey/), 'Arn'] });
    expect(stack.resolve(key.keyId)).toEqual({ Ref: expect.stringMatching(/^KKey/) });
  });
});

describe('SharedTenantKey alias', () => {
  test.each([
    ['without "alias/"', 'shared/tenants'],
    ['with "alias/"', 'alias/shared/tenants'],
  ])('is accepted %s', (_, alias) => {
    const { stack, key } = sharedKey({ alias });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shared/tenants' });
    expect(stack.resolve(key.aliasName)).toBe('alias/shared/tenants');
  });

  test.each([
    ['starting with "aws" but not the reserved "aws/"', 'awsome/tenants', 'alias/awsome/tenants'],
    ['of exactly 256 characters with "alias/"', 'x'.repeat(250), `alias/${'x'.repeat(250)}`],
    ['of exactly 256 characters given with "alias/"', `alias/${'x'.repeat(250)}`, `alias/${'x'.repeat(250)}`],
  ])('is accepted %s', (_, alias, aliasName) => {
    const { stack } = sharedKey({ alias });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', { AliasName: aliasName });
  });

  test('a CloudFormation parameter passes through as given, without "alias/" added', () => {
    const stack = newStack();
    const alias = new CfnParameter(stack, 'Alias').valueAsString;
    const key = new SharedTenantKey(stack, 'K', { alias });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', { AliasName: { Ref: 'Alias' } });
    expect(stack.resolve(key.aliasName)).toEqual({ Ref: 'Alias' });
  });

  test('a Lazy alias that includes "alias/" is used as given, and not validated at construction', () => {
    const stack = newStack();
    new SharedTenantKey(stack, 'K', { alias: Lazy.string({ produce: () => 'alias/from/lazy' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/from/lazy' });
  });

  test.each([
    ['is empty', '', 'alias/'],
    ['is only "alias/"', 'alias/', 'alias/'],
    ['contains a space', 'a b', 'alias/a b'],
    ['contains a dot', 'shared.tenants', 'alias/shared.tenants'],
    ['contains a dot after "alias/"', 'alias/shared.tenants', 'alias/shared.tenants'],
  ])('fails when alias %s', (_, alias, aliasName) => {
    expect(() => sharedKey({ alias })).toThrow(new Error(
      `S/K: \`alias\` must make an alias name of letters, digits, "/", "_" or "-" after "alias/" (it makes "${aliasName}"), got "${alias}"`,
    ));
  });

  test.each(['aws/x', 'alias/aws/x', 'AWS/x', 'alias/Aws/x'])('fails when alias %p is under the reserved alias/aws/', (alias) => {
    expect(() => sharedKey({ alias })).toThrow(new Error(
      `S/K: \`alias\` must not make an alias under "alias/aws/", which is reserved for AWS managed keys, got "${alias}"`,
    ));
  });

  test.each([
    ['without "alias/"', 'x'.repeat(251)],
    ['with "alias/"', `alias/${'x'.repeat(251)}`],
  ])('fails when alias %s makes an alias longer than 256 characters including "alias/"', (_, alias) => {
    const aliasName = `alias/${'x'.repeat(251)}`;
    expect(() => sharedKey({ alias })).toThrow(new Error(
      `S/K: \`alias\` must make an alias of at most 256 characters including "alias/" ("${aliasName}" has 257), got "${alias}"`,
    ));
  });
});

describe('SharedTenantKey overrides', () => {
  test('tenantTagKey changes the tag the Denies and the context variable use', () => {
    const { stack, key } = sharedKey({ tenantTagKey: 'team' });
    expect(key.tenantTagKey).toBe('team');
    const template = keyTemplate(stack, key);
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyPrincipalsWithoutTenantTag',
      Condition: Match.exact({ Null: { 'aws:PrincipalTag/team': 'true' } }),
    }));
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyOutsideTenantEncryptionContext',
      Condition: Match.exact({ StringNotEquals: { 'kms:EncryptionContext:tenantId': '${aws:PrincipalTag/team}' } }),
    }));
    template.hasResourceProperties('AWS::KMS::Key', Match.objectLike({
      Description: 'Customer-managed key shared by tenants, isolated by the principal tag team (S/K)',
    }));
  });

  test('encryptionContextKey changes the context key the Deny requires', () => {
    const { stack, key } = sharedKey({ encryptionContextKey: 'customer' });
    expect(key.encryptionContextKey).toBe('customer');
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyOutsideTenantEncryptionContext',
      Condition: Match.exact({ StringNotEquals: { 'kms:EncryptionContext:customer': '${aws:PrincipalTag/tenantId}' } }),
    }));
  });

  test('serviceExemptions add kms:ViaService to the context Deny and a Null Deny per service with a context key', () => {
    const { stack, key } = sharedKey({ serviceExemptions: [ServiceExemption.sqs(), ServiceExemption.of('kinesis')] });
    const template = keyTemplate(stack, key);
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyOutsideTenantEncryptionContext',
      Condition: Match.exact({
        StringNotEquals: {
          'kms:EncryptionContext:tenantId': '${aws:PrincipalTag/tenantId}',
          'kms:ViaService': ['sqs.us-east-1.amazonaws.com', 'kinesis.us-east-1.amazonaws.com'],
        },
      }),
    }));
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyViaSqsWithoutItsEncryptionContext',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND,
      Resource: '*',
      Condition: Match.exact({
        StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' },
        Null: { 'kms:EncryptionContext:aws:sqs:arn': 'true' },
      }),
    }));
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWithout('KmsPatternsDenyViaKinesisWithoutItsEncryptionContext'));
  });

  test('an exemption with its own Region carries the Region in the Sid of its Null Deny', () => {
    const { stack, key } = sharedKey({ serviceExemptions: [ServiceExemption.sqs(), ServiceExemption.sqs('eu-west-1')] });
    const template = keyTemplate(stack, key);
    for (const [sid, via] of [
      ['KmsPatternsDenyViaSqsWithoutItsEncryptionContext', 'sqs.us-east-1.amazonaws.com'],
      ['KmsPatternsDenyViaSqsEuWest1WithoutItsEncryptionContext', 'sqs.eu-west-1.amazonaws.com'],
    ]) {
      template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
        Sid: sid,
        Effect: 'Deny',
        Condition: Match.exact({
          StringEquals: { 'kms:ViaService': via },
          Null: { 'kms:EncryptionContext:aws:sqs:arn': 'true' },
        }),
      }));
    }
  });

  test('encryptionContextKey is the default allow-list\'s tenant key', () => {
    const { stack, key } = sharedKey({ encryptionContextKey: 'customer' });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyEncryptionContextKeysOutsideAllowList',
      Condition: Match.exact({ 'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': ['customer', 'aws-crypto-public-key'] } }),
    }));
  });

  test('allowedEncryptionContextKeys replaces the allow-list', () => {
    const { stack, key } = sharedKey({ allowedEncryptionContextKeys: ['tenantId', 'aws:x-amz-cek-alg'] });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyEncryptionContextKeysOutsideAllowList',
      Condition: Match.exact({ 'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'aws:x-amz-cek-alg'] } }),
    }));
  });

  test('serviceExemptions exclude their endpoints from the keys Deny, as from the context Deny', () => {
    const { stack, key } = sharedKey({ serviceExemptions: [ServiceExemption.secretsManager(), ServiceExemption.s3('eu-west-1')] });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyEncryptionContextKeysOutsideAllowList',
      Condition: Match.exact({
        'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'aws-crypto-public-key'] },
        'StringNotEquals': { 'kms:ViaService': ['secretsmanager.us-east-1.amazonaws.com', 's3.eu-west-1.amazonaws.com'] },
      }),
    }));
  });

  test('serviceExemptions leave the tag Deny as it is: the caller must still carry the tag', () => {
    const { stack, key } = sharedKey({ serviceExemptions: [ServiceExemption.s3()] });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyPrincipalsWithoutTenantTag',
      Condition: Match.exact({ Null: { 'aws:PrincipalTag/tenantId': 'true' } }),
    }));
  });

});

describe('SharedTenantKey.grantTenantAccess', () => {
  test('gives the grantee encrypt and decrypt on the key ARN, bound to its own tenant tag', () => {
    const { stack, key } = sharedKey();
    const r = role(stack, 'Role');
    expect(key.grantTenantAccess(r).success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(r.roleName)],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ENCRYPT_DECRYPT,
          Resource: stack.resolve(key.keyArn),
          Condition: Match.exact({ StringEquals: { 'kms:EncryptionContext:tenantId': '${aws:PrincipalTag/tenantId}' } }),
        }],
      },
    });
  });

  test('with serviceExemptions also allows encrypt and decrypt through each exempt service, with that service\'s context key', () => {
    const { stack, key } = sharedKey({
      serviceExemptions: [ServiceExemption.s3(), ServiceExemption.sqs('eu-west-1'), ServiceExemption.of('kinesis')],
    });
    const r = role(stack, 'Role');
    expect(key.grantTenantAccess(r).success).toBe(true);
    const allow = (condition: Record<string, unknown>) => ({
      Effect: 'Allow',
      Action: ENCRYPT_DECRYPT,
      Resource: stack.resolve(key.keyArn),
      Condition: Match.exact(condition),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(r.roleName)],
      PolicyDocument: {
        Statement: [
          allow({ StringEquals: { 'kms:EncryptionContext:tenantId': '${aws:PrincipalTag/tenantId}' } }),
          allow({
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            Null: { 'kms:EncryptionContext:aws:s3:arn': 'false' },
          }),
          allow({
            StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' },
            Null: { 'kms:EncryptionContext:aws:sqs:arn': 'false' },
          }),
          // kinesis has no context key of its own: the endpoint is the only condition.
          allow({ StringEquals: { 'kms:ViaService': 'kinesis.us-east-1.amazonaws.com' } }),
        ],
      },
    });
  });

  test('uses custom tag and context keys', () => {
    const { stack, key } = sharedKey({ tenantTagKey: 'team', encryptionContextKey: 'customer' });
    key.grantTenantAccess(role(stack, 'Role'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Condition: Match.exact({ StringEquals: { 'kms:EncryptionContext:customer': '${aws:PrincipalTag/team}' } }),
        })],
      },
    });
  });

  test('leaves the key policy byte-identical whether 1 or 50 roles were granted', () => {
    function keyPolicyWithRoles(count: number): string {
      const { stack, key } = sharedKey();
      for (let i = 0; i < count; i++) {
        key.grantTenantAccess(role(stack, `GrantedRole${i}`));
      }
      const template = Template.fromStack(stack);
      // One policy per granted role, besides those of the rotation verification's provider (on by default).
      const providerPolicies = logicalIdsUnder(stack.node.findChild(RotationVerificationProvider.ID), 'AWS::IAM::Policy');
      expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter(id => !providerPolicies.includes(id))).toHaveLength(count);
      expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(count + providerPolicies.length);
      return JSON.stringify(keyResource(template, key).Properties.KeyPolicy);
    }
    const none = keyPolicyWithRoles(0);
    const one = keyPolicyWithRoles(1);
    const fifty = keyPolicyWithRoles(50);
    expect(one).toBe(none);
    expect(fifty).toBe(one);
    expect(fifty).not.toContain('GrantedRole');
  });
});

describe('SharedTenantKey validation', () => {
  describe.each(['encryptionContextKey', 'tenantTagKey'] as const)('%s', (prop) => {
    test(`fails when ${prop} starts with the reserved "aws:"`, () => {
      expect(() => sharedKey({ [prop]: 'aws:foo' })).toThrow(new Error(
        `S/K: \`${prop}\` must not start with the reserved prefix "aws:", got "aws:foo"`,
      ));
    });

    test.each([
      ['is empty', ''],
      ['contains a space and "!"', 'bad key!'],
    ])(`fails when ${prop} %s`, (_, value) => {
      expect(() => sharedKey({ [prop]: value })).toThrow(new Error(
        `S/K: \`${prop}\` must be 1-128 characters of letters, digits and _ . : / = + @ -, got "${value}"`,
      ));
    });
  });

  test('fails when allowedEncryptionContextKeys leaves out the tenant\'s context key', () => {
    expect(() => sharedKey({ allowedEncryptionContextKeys: ['aws-crypto-public-key'] })).toThrow(new Error(
      'S/K: `allowedEncryptionContextKeys` must include the tenant\'s encryption-context key "tenantId", or every call would be denied, '
      + 'got ["aws-crypto-public-key"]',
    ));
  });

  test('fails when allowedEncryptionContextKeys holds two spellings of one key', () => {
    expect(() => sharedKey({ allowedEncryptionContextKeys: ['tenantId', 'TenantID'] })).toThrow(new Error(
      'S/K: `allowedEncryptionContextKeys` must not hold keys that differ only in case ("tenantId" and "TenantID"): KMS matches '
      + '`kms:EncryptionContext:<key>` case-insensitively, so a second spelling of the tenant key reopens the forgery this list stops, '
      + 'got ["tenantId","TenantID"]',
    ));
  });

  test('names the first spelling and its twin, whatever follows them in the list', () => {
    expect(() => sharedKey({ allowedEncryptionContextKeys: ['tenantId', 'TenantID', 'aws-crypto-public-key'] }))
      .toThrow('must not hold keys that differ only in case ("tenantId" and "TenantID")');
  });

  test('a key from a parameter may be the tenant\'s context key: the list is not refused for leaving it out', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const key = new CfnParameter(stack, 'ContextKey').valueAsString;
    expect(() => new SharedTenantKey(stack, 'K', { alias: 'shared', allowedEncryptionContextKeys: [key] })).not.toThrow();
  });

  test('fails when allowedEncryptionContextKeys names a key twice', () => {
    expect(() => sharedKey({ allowedEncryptionContextKeys: ['tenantId', 'tenantId'] })).toThrow(new Error(
      'S/K: `allowedEncryptionContextKeys` must not contain duplicates ("tenantId" appears more than once), got ["tenantId","tenantId"]',
    ));
  });

  test('fails when an allowedEncryptionContextKeys entry has characters KMS context keys cannot', () => {
    expect(() => sharedKey({ allowedEncryptionContextKeys: ['tenantId', 'bad key!'] })).toThrow(new Error(
      'S/K: `allowedEncryptionContextKeys[1]` must be 1-128 characters of letters, digits and _ . : / = + @ -, got "bad key!"',
    ));
  });

  test('accepts tokens in allowedEncryptionContextKeys, unvalidated', () => {
    const stack = newStack();
    const extra = new CfnParameter(stack, 'Extra').valueAsString;
    expect(() => new SharedTenantKey(stack, 'K', { alias: 'shared/tenants', allowedEncryptionContextKeys: ['tenantId', extra] })).not.toThrow();
  });

  test.each([
    ['89 days', Duration.days(89), '89 days'],
    ['2561 days', Duration.days(2561), '2561 days'],
    ['Duration.hours(36)', Duration.hours(36), '1 day 12 hours'],
  ])('fails when rotationPeriod is %s', (_, rotationPeriod, shown) => {
    expect(() => sharedKey({ rotationPeriod })).toThrow(new Error(
      `S/K: \`rotationPeriod\` must be a whole number of days between 90 and 2560, got "${shown}"`,
    ));
  });

  test.each([
    ['6 days', Duration.days(6), '6 days'],
    ['31 days', Duration.days(31), '31 days'],
  ])('fails when pendingWindow is %s', (_, pendingWindow, shown) => {
    expect(() => sharedKey({ pendingWindow })).toThrow(new Error(
      `S/K: \`pendingWindow\` must be a whole number of days between 7 and 30, got "${shown}"`,
    ));
  });
});

describe('SharedTenantKey tenantPrincipalPath', () => {
  test('denies every principal that is not a role of the account under the path', () => {
    const { stack, key } = sharedKey({ tenantPrincipalPath: '/tenants/' });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyPrincipalsOutsideTenantPath',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND,
      Resource: '*',
      Condition: Match.exact({
        ArnNotLike: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/tenants/*']] } },
      }),
    }));
  });

  test('in an environment-agnostic stack, names the account with AWS::AccountId', () => {
    const stack = new Stack(new App(), 'S');
    const key = new SharedTenantKey(stack, 'K', { alias: 'shared', tenantPrincipalPath: '/tenants/' });
    const statement = (keyResource(Template.fromStack(stack), key).Properties.KeyPolicy.Statement as any[]).find(s => s.Sid === 'KmsPatternsDenyPrincipalsOutsideTenantPath');
    expect(statement.Condition.ArnNotLike['aws:PrincipalArn']).toEqual(
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/tenants/*']] });
  });

  test('fails when the path does not end with "/"', () => {
    expect(() => sharedKey({ tenantPrincipalPath: '/tenants' })).toThrow(new Error(
      'S/K: `tenantPrincipalPath` must be an IAM path that starts and ends with "/" (printable ASCII, no "*" or "?"), such as "/tenants/", got "/tenants"',
    ));
  });
});
