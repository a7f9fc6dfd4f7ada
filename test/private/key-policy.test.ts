import { App, CfnElement, CfnParameter, Lazy, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TenantKey } from '../../src';
import { ADMIN_ACTIONS, CONTEXT_BOUND_ACTIONS, CRYPTO_ACTIONS, DECRYPT_ACTIONS, ENCRYPT_ACTIONS, GENERATE_DATA_KEY_ACTIONS } from '../../src/private/actions';
import { KeyPolicyBuilder, MAX_KEY_POLICY_BYTES, principalArnsOf } from '../../src/private/key-policy';
import { writtenTemplate } from '../helpers/template-file';

const ENV = { account: '111111111111', region: 'us-east-1' };
const ROOT_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] };
const ADMIN_ROLE_ARN = 'arn:aws:iam::111111111111:role/KeyAdmin';
const USER_ROLE_ARN = 'arn:aws:iam::111111111111:role/KeyUser';

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: ENV });
}

/**
 * The builder's document as it would appear in the template. Resolving the document
 * itself (not its `toJSON()`) is what synthesis does, and what freezes its statements.
 */
function statementsOf(stack: Stack, builder: KeyPolicyBuilder): any[] {
  return (stack.resolve(builder.document) as { Statement: any[] }).Statement;
}

function bySid(statements: any[], sid: string): any {
  const found = statements.filter(s => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every action the builder must never hand to an administrator. */
const USE_ACTIONS = [...new Set([...ENCRYPT_ACTIONS, ...DECRYPT_ACTIONS, ...GENERATE_DATA_KEY_ACTIONS,
  'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:*', '*'])];

describe('KeyPolicyBuilder defaults', () => {
  test('starts with the account-root delegation: kms:* to the root, on *', () => {
    const stack = newStack();
    const statements = statementsOf(stack, new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true }));
    expect(statements[0]).toEqual({
      Sid: 'KmsPatternsAllowAccountRootDelegation',
      Effect: 'Allow',
      Principal: { AWS: ROOT_ARN },
      Action: 'kms:*',
      Resource: '*',
    });
  });

  test('uses the account of an env-agnostic stack through AWS::AccountId', () => {
    const stack = new Stack(new App(), 'S');
    const statements = statementsOf(stack, new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true }));
    expect(bySid(statements, 'KmsPatternsAllowAccountRootDelegation').Principal).toEqual({
      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] },
    });
  });

  test('adds the CreateGrant Deny with BoolIfExists on both keys when restrictGrantsToAwsServices is true', () => {
    const stack = newStack();
    const statements = statementsOf(stack, new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true }));
    expect(bySid(statements, 'KmsPatternsDenyCreateGrantExceptForAwsResources')).toEqual({
      Sid: 'KmsPatternsDenyCreateGrantExceptForAwsResources',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        BoolIfExists: {
          'kms:GrantIsForAWSResource': 'false',
          'aws:PrincipalIsAWSService': 'false',
        },
      },
    });
  });

  test('omits the CreateGrant Deny when restrictGrantsToAwsServices is false', () => {
    const stack = newStack();
    const statements = statementsOf(stack, new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false }));
    expect(statements.map(s => s.Sid)).toEqual(['KmsPatternsAllowAccountRootDelegation']);
  });

  test('has no administrator statement without admins, nor with an empty list', () => {
    const stack = newStack();
    const none = statementsOf(stack, new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true }));
    const empty = statementsOf(stack, new KeyPolicyBuilder(stack, { admins: [], restrictGrantsToAwsServices: true }));
    expect(none.map(s => s.Sid)).toEqual(['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsDenyCreateGrantExceptForAwsResources']);
    expect(empty.map(s => s.Sid)).toEqual(['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsDenyCreateGrantExceptForAwsResources']);
  });

  // The document checks the policy as it renders, and keeps aws-cdk-lib's post-processing of it.
  test('renders a statement added twice once, as every aws-cdk-lib policy document does', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    const use = () => new iam.PolicyStatement({ sid: 'Use', principals: [new iam.ArnPrincipal(USER_ROLE_ARN)], actions: ['kms:Decrypt'], resources: ['*'] });
    builder.document.addStatements(use(), use());
    expect(statementsOf(stack, builder).map(s => s.Sid)).toEqual(['KmsPatternsAllowAccountRootDelegation', 'Use']);
  });

  test('passes its own validation', () => {
    const stack = newStack();
    expect(new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true }).validate()).toEqual([]);
  });
});

describe('KeyPolicyBuilder admins', () => {
  function adminStatement(): any {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, {
      admins: [new iam.ArnPrincipal(ADMIN_ROLE_ARN)],
      restrictGrantsToAwsServices: true,
    });
    return bySid(statementsOf(stack, builder), 'KmsPatternsAllowKeyAdministrationOnly');
  }

  test('get exactly the administration actions, on *', () => {
    expect(adminStatement()).toEqual({
      Sid: 'KmsPatternsAllowKeyAdministrationOnly',
      Effect: 'Allow',
      Principal: { AWS: ADMIN_ROLE_ARN },
      Action: ADMIN_ACTIONS,
      Resource: '*',
    });
  });

  test('get no cryptographic action and no wildcard', () => {
    const actions: string[] = adminStatement().Action;
    expect(actions.filter(a => USE_ACTIONS.includes(a))).toEqual([]);
    expect(actions.filter(a => a.includes('*'))).toEqual([]);
  });

  test('may change the policy, rotation, state, aliases, tags and schedule deletion', () => {
    expect(adminStatement().Action).toEqual(expect.arrayContaining([
      'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:DisableKey', 'kms:EnableKey',
      'kms:CreateAlias', 'kms:DeleteAlias', 'kms:TagResource', 'kms:UntagResource',
      'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
    ]));
  });
});

describe('KeyPolicyBuilder key-management Deny', () => {
  const MANAGERS = [ADMIN_ROLE_ARN, 'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1', 'arn:aws:iam::111111111111:root'];

  function denyOf(keyManagers: string[] | undefined): { stack: Stack; builder: KeyPolicyBuilder; statements: any[] } {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true, keyManagers });
    return { stack, builder, statements: statementsOf(stack, builder) };
  }

  test('denies the management and alias actions to *, except the managers by aws:PrincipalArn and AWS services', () => {
    expect(bySid(denyOf(MANAGERS).statements, 'KmsPatternsDenyKeyManagementExceptToManagers')).toEqual({
      Sid: 'KmsPatternsDenyKeyManagementExceptToManagers',
      Effect: 'Deny',
      Principal: '*',
      Action: [
        'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:UpdateKeyDescription',
        'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias', 'kms:RevokeGrant',
        'kms:ReplicateKey', 'kms:UpdatePrimaryRegion',
      ],
      Resource: '*',
      Condition: {
        ArnNotLike: { 'aws:PrincipalArn': MANAGERS },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  });

  test('never denies retiring grants, recovery, or any read', () => {
    const actions: string[] = bySid(denyOf(MANAGERS).statements, 'KmsPatternsDenyKeyManagementExceptToManagers').Action;
    for (const never of ['kms:RetireGrant', 'kms:CancelKeyDeletion', 'kms:EnableKey', 'kms:EnableKeyRotation']) {
      expect(actions).not.toContain(never);
    }
    expect(actions.filter(a => /^kms:(Describe|Get|List)/.test(a))).toEqual([]);
    expect(actions.filter(a => a.includes('*'))).toEqual([]);
  });

  test('uses neither NotPrincipal nor an aws:ViaAWSService exemption, and never bypasses the lockout safety check', () => {
    const text = JSON.stringify(denyOf(MANAGERS).statements);
    expect(text).not.toContain('NotPrincipal');
    expect(text).not.toContain('aws:ViaAWSService');
    expect(text).not.toContain('BypassPolicyLockoutSafetyCheck');
  });

  test('comes after the CreateGrant Deny, and is absent without keyManagers', () => {
    expect(denyOf(MANAGERS).statements.map(s => s.Sid)).toEqual([
      'KmsPatternsAllowAccountRootDelegation', 'KmsPatternsDenyCreateGrantExceptForAwsResources', 'KmsPatternsDenyKeyManagementExceptToManagers',
    ]);
    expect(denyOf(undefined).statements.map(s => s.Sid)).not.toContain('KmsPatternsDenyKeyManagementExceptToManagers');
  });

  test('reads managers added later (a replica Region\'s deploying role) when the policy renders, once each', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true, keyManagers: MANAGERS });
    const replicaRole = 'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1';
    builder.addKeyManagers([replicaRole, ADMIN_ROLE_ARN]);
    expect(bySid(statementsOf(stack, builder), 'KmsPatternsDenyKeyManagementExceptToManagers').Condition.ArnNotLike['aws:PrincipalArn'])
      .toEqual([...MANAGERS, replicaRole]);
  });

  test('addKeyManagers fails without the Deny, and once the policy has rendered', () => {
    const stack = newStack();
    expect(() => new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true }).addKeyManagers([ADMIN_ROLE_ARN]))
      .toThrow('addKeyManagers: this key policy has no key-management Deny');
    const { builder } = denyOf(MANAGERS);
    expect(() => builder.addKeyManagers([ADMIN_ROLE_ARN])).toThrow('addKeyManagers: the key policy has already been synthesized');
  });

  test('passes the builder\'s own validation', () => {
    const { builder } = denyOf(MANAGERS);
    expect(builder.validate()).toEqual([]);
  });
});

describe('KeyPolicyBuilder.allowUse', () => {
  test('gives the principals exactly the cryptographic actions, and no administration action', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true });
    builder.allowUse([new iam.ArnPrincipal(USER_ROLE_ARN)]);
    const statement = bySid(statementsOf(stack, builder), 'KmsPatternsAllowKeyUseOnly');
    expect(statement).toEqual({
      Sid: 'KmsPatternsAllowKeyUseOnly',
      Effect: 'Allow',
      Principal: { AWS: USER_ROLE_ARN },
      Action: CRYPTO_ACTIONS,
      Resource: '*',
    });
    // kms:DescribeKey is the one action both lists share: it reads metadata only.
    const administrative = ADMIN_ACTIONS.filter(a => a !== 'kms:DescribeKey');
    expect((statement.Action as string[]).filter(a => administrative.includes(a))).toEqual([]);
    expect(statement.Action).not.toContain('kms:*');
    expect(statement.Action).not.toContain('kms:CreateGrant');
  });

  test('adds nothing for an empty list', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    builder.allowUse([]);
    expect(statementsOf(stack, builder).map(s => s.Sid)).toEqual(['KmsPatternsAllowAccountRootDelegation']);
  });
});

describe('KeyPolicyBuilder.requireEncryptionContext', () => {
  test('denies the context-bound actions unless the context key has the expected value', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    builder.requireEncryptionContext('tenantId', 'acme');
    expect(bySid(statementsOf(stack, builder), 'KmsPatternsDenyOutsideTenantEncryptionContext')).toEqual({
      Sid: 'KmsPatternsDenyOutsideTenantEncryptionContext',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND_ACTIONS,
      Resource: '*',
      Condition: { StringNotEquals: { 'kms:EncryptionContext:tenantId': 'acme' } },
    });
  });

  test('covers Encrypt, Decrypt and every ReEncrypt and GenerateDataKey variant, but not DescribeKey or CreateGrant', () => {
    expect(CONTEXT_BOUND_ACTIONS).toEqual(['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']);
  });
});

describe('KeyPolicyBuilder.requirePrincipalTag', () => {
  test('denies the context-bound actions to principals without the tag', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    builder.requirePrincipalTag('team');
    expect(bySid(statementsOf(stack, builder), 'KmsPatternsDenyPrincipalsWithoutTenantTag')).toEqual({
      Sid: 'KmsPatternsDenyPrincipalsWithoutTenantTag',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND_ACTIONS,
      Resource: '*',
      Condition: { Null: { 'aws:PrincipalTag/team': 'true' } },
    });
  });
});

describe('KeyPolicyBuilder.requireTenantPrincipal', () => {
  test('reads the principal list when the policy renders, not when the statement is added', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    const arns: string[] = [];
    builder.requireTenantPrincipal({ arns: () => arns });
    arns.push(USER_ROLE_ARN);
    expect(builder.rendered).toBe(false);
    expect(bySid(statementsOf(stack, builder), 'KmsPatternsDenyNonTenantPrincipals')).toEqual({
      Sid: 'KmsPatternsDenyNonTenantPrincipals',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND_ACTIONS,
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [USER_ROLE_ARN] } },
    });
    expect(builder.rendered).toBe(true);
  });

  test('has no condition when there is no principal and no tag: nobody may use the key', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    builder.requireTenantPrincipal({ arns: () => [] });
    expect(bySid(statementsOf(stack, builder), 'KmsPatternsDenyNonTenantPrincipals')).not.toHaveProperty('Condition');
  });

  test('exempts principals with the tenant tag through StringNotEquals, ANDed with the ARN list', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    builder.requireTenantPrincipal({ arns: () => [USER_ROLE_ARN], tag: { key: 'tenant', value: 'acme' } });
    expect(bySid(statementsOf(stack, builder), 'KmsPatternsDenyNonTenantPrincipals').Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': [USER_ROLE_ARN] },
      StringNotEquals: { 'aws:PrincipalTag/tenant': 'acme' },
    });
  });

  test('is not rendered before anything resolves the document', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    expect(builder.rendered).toBe(false);
    builder.requireTenantPrincipal({ arns: () => [] });
    expect(builder.rendered).toBe(false);
  });
});

describe('principalArnsOf', () => {
  const NOT_ROLE_OR_USER = 'must be an IAM role or user (the key policy admits callers by their aws:PrincipalArn; ' +
    'groups, accounts, `*`, services and federated principals have none that fits)';

  test('returns the ARN of an IAM role', () => {
    const stack = newStack();
    expect(principalArnsOf(stack, 'grantee', new iam.ArnPrincipal(USER_ROLE_ARN))).toEqual([USER_ROLE_ARN]);
  });

  test('returns the ARN of an IAM user', () => {
    const stack = newStack();
    const user = new iam.User(stack, 'User');
    const arns = principalArnsOf(stack, 'grantee', user);
    expect(arns.map(a => stack.resolve(a))).toEqual([stack.resolve(user.userArn)]);
  });

  test('returns the ARN of a role created in the stack, still a token', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    const arns = principalArnsOf(stack, 'grantee', role);
    expect(arns.map(a => stack.resolve(a))).toEqual([stack.resolve(role.roleArn)]);
  });

  const ROOT_OF = (account: string) => `{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::${account}:root"]]}`;

  test.each([
    ['AnyPrincipal', () => new iam.AnyPrincipal(), '{"AWS":["*"]}'],
    ['ArnPrincipal("*")', () => new iam.ArnPrincipal('*'), '{"AWS":["*"]}'],
    ['the account root', () => new iam.AccountRootPrincipal(), `{"AWS":[${ROOT_OF('111111111111')}]}`],
    ['another account', () => new iam.AccountPrincipal('222222222222'), `{"AWS":[${ROOT_OF('222222222222')}]}`],
    ['an account root given by ARN', () => new iam.ArnPrincipal('arn:aws:iam::111111111111:root'), '{"AWS":["arn:aws:iam::111111111111:root"]}'],
    ['a group given by ARN', () => new iam.ArnPrincipal('arn:aws:iam::111111111111:group/Devs'), '{"AWS":["arn:aws:iam::111111111111:group/Devs"]}'],
    ['a service principal', () => new iam.ServicePrincipal('lambda.amazonaws.com'), '{"Service":["lambda.amazonaws.com"]}'],
    [
      'a federated principal',
      () => new iam.FederatedPrincipal('cognito-identity.amazonaws.com', {}, 'sts:AssumeRoleWithWebIdentity'),
      '{"Federated":["cognito-identity.amazonaws.com"]}',
    ],
    [
      'an IAM ARN mixed with a federated principal',
      () => new iam.CompositePrincipal(new iam.ArnPrincipal(USER_ROLE_ARN), new iam.FederatedPrincipal('accounts.google.com', {}, 'sts:AssumeRoleWithWebIdentity')),
      `{"AWS":["${USER_ROLE_ARN}"],"Federated":["accounts.google.com"]}`,
    ],
    [
      'a role mixed with a group given by ARN',
      () => new iam.CompositePrincipal(new iam.ArnPrincipal(USER_ROLE_ARN), new iam.ArnPrincipal('arn:aws:iam::111111111111:group/Devs')),
      `{"AWS":["${USER_ROLE_ARN}","arn:aws:iam::111111111111:group/Devs"]}`,
    ],
    [
      'an IAM ARN mixed with a service',
      () => new iam.CompositePrincipal(new iam.ArnPrincipal(USER_ROLE_ARN), new iam.ServicePrincipal('lambda.amazonaws.com')),
      `{"AWS":["${USER_ROLE_ARN}"],"Service":["lambda.amazonaws.com"]}`,
    ],
  ])('fails when the principal is %s', (_, principal, json) => {
    const stack = newStack();
    expect(() => principalArnsOf(stack, 'grantee', principal())).toThrow(new Error(`S: \`grantee\` ${NOT_ROLE_OR_USER}, got "${json}"`));
  });

  test('fails when the principal is an IAM group, echoing its resolved ARN', () => {
    const stack = newStack();
    const group = new iam.Group(stack, 'Devs');
    const logicalId = stack.getLogicalId(group.node.defaultChild as CfnElement);
    expect(logicalId).toMatch(/^Devs/);
    expect(() => principalArnsOf(stack, 'grantee', group)).toThrow(new Error(
      `S: \`grantee\` ${NOT_ROLE_OR_USER}, got "{"AWS":[{"Fn::GetAtt":["${logicalId}","Arn"]}]}"`,
    ));
  });

  test('fails when the principal is an imported IAM group', () => {
    const stack = newStack();
    const group = iam.Group.fromGroupArn(stack, 'Devs', 'arn:aws:iam::111111111111:group/Devs');
    expect(() => principalArnsOf(stack, 'grantee', group)).toThrow(new Error(
      `S: \`grantee\` ${NOT_ROLE_OR_USER}, got "{"AWS":["arn:aws:iam::111111111111:group/Devs"]}"`,
    ));
  });
});

describe('render-time validation of the whole key policy', () => {
  /** A TenantKey at `S/K` whose underlying key gets `statement` through addToResourcePolicy. */
  function keyWith(statement: (stack: Stack) => iam.PolicyStatement, stack = newStack()): Stack {
    const tenantKey = new TenantKey(stack, 'K', { tenantId: 'acme' });
    tenantKey.key.addToResourcePolicy(statement(stack));
    return stack;
  }

  test.each([
    ['kms:*', ['kms:*']],
    ['KMS:* (action names are case-insensitive)', ['KMS:*']],
    ['Kms:* among other actions', ['kms:Decrypt', 'Kms:*']],
    ['*', ['*']],
  ])('fails synth when an Allow of %s goes to a principal other than the account root', (_, actions) => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'TooBroad',
      principals: [new iam.ArnPrincipal(USER_ROLE_ARN)],
      actions,
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      `  [S/K/Key] key policy statement TooBroad allows kms:* (or NotAction) to {"AWS":"${USER_ROLE_ARN}"}; only the account root may hold kms:*`,
    ));
  });

  test('fails synth when an Allow with NotAction goes to a principal other than the account root', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'AllButDecrypt',
      principals: [new iam.ArnPrincipal(USER_ROLE_ARN)],
      notActions: ['kms:Decrypt'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      `  [S/K/Key] key policy statement AllButDecrypt allows kms:* (or NotAction) to {"AWS":"${USER_ROLE_ARN}"}; only the account root may hold kms:*`,
    ));
  });

  test('fails synth on a statement without Sid, and says it has none', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      principals: [new iam.ArnPrincipal(USER_ROLE_ARN)],
      actions: ['kms:*'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      `  [S/K/Key] a key policy statement without Sid allows kms:* (or NotAction) to {"AWS":"${USER_ROLE_ARN}"}; only the account root may hold kms:*`,
    ));
  });

  test('fails synth when an Allow of * goes to another account\'s root', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'OtherRoot',
      principals: [new iam.AccountPrincipal('222222222222')],
      actions: ['*'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      '  [S/K/Key] key policy statement OtherRoot allows kms:* (or NotAction) to ' +
      '{"AWS":{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::222222222222:root"]]}}; only the account root may hold kms:*',
    ));
  });

  test('fails synth when an Allow goes to a * principal without conditions', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'Public',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      '  [S/K/Key] key policy statement Public allows a * principal without a condition',
    ));
  });

  test('fails synth on a * principal without a condition in a statement without Sid, and says it has none', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      '  [S/K/Key] a key policy statement without Sid allows a * principal without a condition',
    ));
  });

  test('reports both violations of one statement', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'Worst',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:*'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      '  [S/K/Key] key policy statement Worst allows kms:* (or NotAction) to {"AWS":"*"}; only the account root may hold kms:*\n' +
      '  [S/K/Key] key policy statement Worst allows a * principal without a condition',
    ));
  });

  test('fails synth when * is one of several principals of an Allow without conditions', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'PublicAmongOthers',
      principals: [new iam.ArnPrincipal(USER_ROLE_ARN), new iam.AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      '  [S/K/Key] key policy statement PublicAmongOthers allows a * principal without a condition',
    ));
  });

  test('fails synth when the principal is the bare "*" (StarPrincipal) without conditions', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'Star',
      principals: [new iam.StarPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      '  [S/K/Key] key policy statement Star allows a * principal without a condition',
    ));
  });

  // aws-cdk-lib refuses a resource-policy statement without a principal; the checks must let its error through.
  test('an Allow without a principal fails synth with aws-cdk-lib\'s error, not one of the checks', () => {
    const stack = keyWith(() => new iam.PolicyStatement({ sid: 'NoPrincipal', actions: ['kms:Decrypt'], resources: ['*'] }));
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      '  [S/K/Key] A PolicyStatement used in a resource-based policy must specify at least one IAM principal.',
    ));
  });

  test('accepts an Allow to several named principals without conditions', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'TwoRoles',
      principals: [new iam.ArnPrincipal(USER_ROLE_ARN), new iam.ArnPrincipal(ADMIN_ROLE_ARN)],
      actions: ['kms:Decrypt'],
      resources: ['*'],
    }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('accepts an Allow to a * principal that carries a condition', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'OrgOnly',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'OrgOnly', Principal: { AWS: '*' } })]) },
    });
  });

  test('accepts a second kms:* Allow to the key\'s own account root', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'AlsoRoot',
      principals: [new iam.AccountRootPrincipal()],
      actions: ['kms:*'],
      resources: ['*'],
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AlsoRoot', Principal: { AWS: ROOT_ARN } })]) },
    });
  });

  test('accepts an Allow with NotAction to the key\'s own account root', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'RootAllButDelete',
      principals: [new iam.AccountRootPrincipal()],
      notActions: ['kms:ScheduleKeyDeletion'],
      resources: ['*'],
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'RootAllButDelete', NotAction: 'kms:ScheduleKeyDeletion' })]) },
    });
  });

  test('accepts a Deny with NotAction to *, which only narrows access', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'DenyAllButDecrypt',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      notActions: ['kms:Decrypt'],
      resources: ['*'],
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyAllButDecrypt', Effect: 'Deny' })]) },
    });
  });

  test('accepts a Deny of kms:* to *, which only narrows access', () => {
    const stack = keyWith(() => new iam.PolicyStatement({
      sid: 'DenyAll',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:*'],
      resources: ['*'],
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyAll', Effect: 'Deny' })]) },
    });
  });

  test('fails at construction when an admin is *: the key-management Deny names admins by their ARN', () => {
    const stack = newStack();
    expect(() => new TenantKey(stack, 'K', { tenantId: 'acme', admins: [new iam.AnyPrincipal()] })).toThrow(
      'S/K: `admins` must be an IAM role or user (the key policy admits callers by their aws:PrincipalArn; '
      + 'groups, accounts, `*`, services and federated principals have none that fits), got "{\"AWS\":[\"*\"]}"');
  });

  test('also checks the builder\'s own statements: without the Deny, an admin that is * fails synth', () => {
    const stack = newStack();
    new TenantKey(stack, 'K', { tenantId: 'acme', admins: [new iam.AnyPrincipal()], restrictKeyManagement: false });
    expect(() => Template.fromStack(stack)).toThrow(new Error(
      'Validation failed with the following errors:\n' +
      '  [S/K/Key] key policy statement KmsPatternsAllowKeyAdministrationOnly allows a * principal without a condition',
    ));
  });
});

describe('key policy size', () => {
  const grantImportedRoles = (count: number) => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const key = new TenantKey(stack, 'K', { tenantId: 'acme' });
    for (let i = 0; i < count; i++) {
      // Immutable imports: the grant adds the role to the key policy and nothing else.
      key.grantDecrypt(iam.Role.fromRoleArn(stack, `R${i}`, `arn:aws:iam::111111111111:role/acme-worker-${i}`, { mutable: false }));
    }
    return stack;
  };

  test('a TenantKey with 300 granted roles stays under 32 KB', () => {
    expect(() => Template.fromStack(grantImportedRoles(300))).not.toThrow();
  });

  test('fails at synth when granted principals push the policy past 32 KB', () => {
    expect(() => Template.fromStack(grantImportedRoles(700))).toThrow(
      /\[S\/K\/Key\] key policy is about \d+ bytes, over KMS's limit of 32768: spread tenants over more keys, or use SharedTenantKey/,
    );
  });
});

describe('key policy size, counted on the rendered deferred statements', () => {
  /** A builder whose only large part is the deferred tenant-principal list. */
  function tenantPrincipalErrors(arns: string[]): string[] {
    const builder = new KeyPolicyBuilder(newStack(), { restrictGrantsToAwsServices: true, keyManagers: [ADMIN_ROLE_ARN] });
    builder.requireTenantPrincipal({ arns: () => arns });
    return builder.validate();
  }
  const roles = (count: number) => Array.from({ length: count }, (_, i) => `arn:aws:iam::111111111111:role/acme-worker-${i}`);

  test('counts the tenant-principal list, which only exists once the policy renders', () => {
    expect(tenantPrincipalErrors(roles(10))).toEqual([]);
    const errors = tenantPrincipalErrors(roles(1000));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^key policy is about \d+ bytes, over KMS's limit of 32768: spread tenants over more keys, or use SharedTenantKey, whose policy does not grow with tenants$/);
  });

  // "Resource quotas" (AWS KMS Developer Guide), "Key policy document size": 32 KB (32,768 bytes).
  test('a policy of exactly 32,768 bytes passes; one byte more fails', () => {
    // One padded ARN fills the policy: measure it once well over the limit, then pad to the byte.
    const padded = (pad: number) => [...roles(10), `arn:aws:iam::111111111111:role/${'x'.repeat(pad)}`];
    const big = 40_000;
    const sizeAtBig = Number(/about (\d+) bytes/.exec(tenantPrincipalErrors(padded(big))[0])![1]);
    const exact = big - (sizeAtBig - MAX_KEY_POLICY_BYTES);
    expect(tenantPrincipalErrors(padded(exact))).toEqual([]);
    expect(tenantPrincipalErrors(padded(exact + 1))[0]).toMatch(/^key policy is about 32769 bytes/);
  });
});

describe('KeyPolicyBuilder service statements', () => {
  function built(add: (b: KeyPolicyBuilder) => void): any[] {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    add(builder);
    return statementsOf(stack, builder);
  }
  const rootOnly = () => built(() => undefined);

  test('allowServicesToPublishEncryptedMessages: data keys and decrypt for the named services only', () => {
    expect(bySid(built(b => b.allowServicesToPublishEncryptedMessages(['cloudwatch.amazonaws.com', 'events.amazonaws.com'])),
      'KmsPatternsAllowServicesToPublishEncryptedMessages')).toEqual({
      Sid: 'KmsPatternsAllowServicesToPublishEncryptedMessages',
      Effect: 'Allow',
      Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
    });
    expect(built(b => b.allowServicesToPublishEncryptedMessages([]))).toEqual(rootOnly());
  });

  // "Configure AWS KMS key policies for CloudTrail", Required KMS key policy elements for trails.
  test('allowCloudTrailLogEncryption: encrypt, decrypt and describe, each for the one trail', () => {
    const trail = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/Monitor';
    const statements = built(b => b.allowCloudTrailLogEncryption(trail));
    const principal = { Service: 'cloudtrail.amazonaws.com' };
    expect(bySid(statements, 'KmsPatternsAllowCloudTrailLogEncryption')).toEqual({
      Sid: 'KmsPatternsAllowCloudTrailLogEncryption',
      Effect: 'Allow',
      Principal: principal,
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceArn': trail, 'aws:SourceAccount': '111111111111' },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:111111111111:trail/*']] } },
      },
    });
    expect(bySid(statements, 'KmsPatternsAllowCloudTrailDecryptForBucketKey')).toEqual({
      Sid: 'KmsPatternsAllowCloudTrailDecryptForBucketKey',
      Effect: 'Allow',
      Principal: principal,
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': trail } },
    });
    expect(bySid(statements, 'KmsPatternsAllowCloudTrailDescribeKey')).toEqual({
      Sid: 'KmsPatternsAllowCloudTrailDescribeKey',
      Effect: 'Allow',
      Principal: principal,
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': trail } },
    });
  });

  // "Encrypt log data in CloudWatch Logs using AWS Key Management Service": kms:EncryptionContext:aws:logs:arn.
  test('allowLogGroupEncryption: the Regional CloudWatch Logs principal, bound to the log groups by their ARN', () => {
    const pattern = 'arn:aws:logs:us-east-1:111111111111:log-group:/app/*';
    expect(bySid(built(b => b.allowLogGroupEncryption(pattern)), 'KmsPatternsAllowLogGroupEncryption')).toEqual({
      Sid: 'KmsPatternsAllowLogGroupEncryption',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': pattern } },
    });
  });
});

describe('KeyPolicyBuilder cross-account statements', () => {
  function built(add: (b: KeyPolicyBuilder) => void): any[] {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    add(builder);
    return statementsOf(stack, builder);
  }
  const consumerRoot = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } };

  test('decrypt and describe for listed accounts, without conditions when none is asked', () => {
    const statements = built(b => b.allowCrossAccountConsumers({ accountIds: ['222222222222'] }, {}));
    expect(bySid(statements, 'KmsPatternsAllowConsumerAccountsDecrypt')).toEqual({
      Sid: 'KmsPatternsAllowConsumerAccountsDecrypt', Effect: 'Allow', Principal: consumerRoot, Action: 'kms:Decrypt', Resource: '*',
    });
    expect(bySid(statements, 'KmsPatternsAllowConsumerAccountsDescribeKey')).toEqual({
      Sid: 'KmsPatternsAllowConsumerAccountsDescribeKey', Effect: 'Allow', Principal: consumerRoot, Action: 'kms:DescribeKey', Resource: '*',
    });
    expect(statements.filter(s => /Organization/.test(s.Sid))).toEqual([]);
    expect(statements.filter(s => /SnapshotSharing|GrantsForAwsResources/.test(s.Sid))).toEqual([]);
  });

  test('ReEncryptFrom when asked; a required context and viaServices bind decrypt, viaServices alone bind describe', () => {
    const statements = built(b => b.allowCrossAccountConsumers(
      { accountIds: ['222222222222'] },
      { viaServices: ['s3.us-east-1.amazonaws.com'], allowReEncryptFrom: true, requiredEncryptionContext: { app: 'billing' } }));
    expect(bySid(statements, 'KmsPatternsAllowConsumerAccountsDecrypt')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Condition: { StringEquals: { 'kms:EncryptionContext:app': 'billing', 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] } },
    });
    expect(bySid(statements, 'KmsPatternsAllowConsumerAccountsDescribeKey').Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] },
    });
  });

  test('an organization is a * principal bound to its ID, minus the key\'s own account; no account statement without accounts', () => {
    const statements = built(b => b.allowCrossAccountConsumers({ accountIds: [], organizationId: 'o-abc123' }, { viaServices: [] }));
    expect(bySid(statements, 'KmsPatternsAllowConsumerOrganizationDecrypt')).toEqual({
      Sid: 'KmsPatternsAllowConsumerOrganizationDecrypt',
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' },
        StringNotEquals: { 'aws:PrincipalAccount': '111111111111' },
      },
    });
    expect(statements.filter(s => /ConsumerAccounts/.test(s.Sid))).toEqual([]);
  });

  test('snapshot sharing: re-encrypt and data keys, and grants only for AWS resources', () => {
    const statements = built(b => b.allowCrossAccountConsumers({ accountIds: ['222222222222'] }, { allowSnapshotAndAmiSharing: true }));
    expect(bySid(statements, 'KmsPatternsAllowConsumerAccountsSnapshotSharing')).not.toHaveProperty('Condition');
    expect(bySid(statements, 'KmsPatternsAllowConsumerAccountsGrantsForAwsResources')).toEqual({
      Sid: 'KmsPatternsAllowConsumerAccountsGrantsForAwsResources',
      Effect: 'Allow',
      Principal: consumerRoot,
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });
});

describe('key policy checks in a nested stack (rendered before validation, to hash its template)', () => {
  const OPEN = () => new iam.PolicyStatement({ sid: 'TooOpen', principals: [new iam.ArnPrincipal(USER_ROLE_ARN)], actions: ['kms:*'], resources: ['*'] });
  const TOO_OPEN = `key policy statement TooOpen allows kms:* (or NotAction) to {"AWS":"${USER_ROLE_ARN}"}; only the account root may hold kms:*`;

  test('validation reuses a render\'s checks only while no statement was added since', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true });
    stack.resolve(builder.document);
    builder.document.addStatements(OPEN());
    expect(builder.validate()).toEqual([TOO_OPEN]);
  });

  test('a render in another stack (another account) leaves the key\'s own checks alone', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true });
    const other = new Stack(new App(), 'Other', { env: { account: '222222222222', region: 'us-east-1' } });
    // There the root delegation names the other account's root, which the key's checks would refuse.
    expect(JSON.stringify(other.resolve(builder.document))).toContain(':iam::222222222222:root');
    expect(builder.validate()).toEqual([]);
  });


  function nestedKey(): { app: App; parent: Stack; key: TenantKey } {
    const app = new App();
    const parent = new Stack(app, 'S', { env: ENV });
    const key = new TenantKey(new NestedStack(parent, 'N'), 'K', { tenantId: 'acme', verifyRotation: false, monitoring: false });
    return { app, parent, key };
  }

  test('fail as in a stack of its own: the checks of that render count', () => {
    const { app, key } = nestedKey();
    key.key.addToResourcePolicy(OPEN());
    expect(() => app.synth()).toThrow(`[S/N/K/Key] key policy statement TooOpen allows kms:* (or NotAction) to {"AWS":"${USER_ROLE_ARN}"}`);
  });

  test('a statement added after a render is checked too', () => {
    const { app, key } = nestedKey();
    const nested = Stack.of(key.key);
    nested.resolve((nested as unknown as { _toCloudFormation(): unknown })._toCloudFormation());
    key.key.addToResourcePolicy(OPEN());
    expect(() => app.synth()).toThrow('key policy statement TooOpen allows kms:*');
  });

  test('a list of the parent stack in a statement becomes a parameter, as with the whole policy (CDK_DEBUG)', () => {
    const synthesized = (): any => {
      const { app, parent, key } = nestedKey();
      const endpoints = new CfnParameter(parent, 'Endpoints', { type: 'CommaDelimitedList' });
      key.key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DenyOutsideEndpoints',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringNotEquals: { 'aws:SourceVpce': endpoints.valueAsList } },
      }));
      const assembly = app.synth();
      return writtenTemplate(assembly, Stack.of(key.key) as NestedStack);
    };
    const template = synthesized();
    const policy = Object.values(template.Resources as Record<string, any>).find(r => r.Type === 'AWS::KMS::Key').Properties.KeyPolicy;
    const condition = bySid(policy.Statement, 'DenyOutsideEndpoints').Condition.StringNotEquals['aws:SourceVpce'];
    expect(Object.keys(template.Parameters)).toHaveLength(1);
    expect(JSON.stringify(condition)).toContain(`{"Ref":"${Object.keys(template.Parameters)[0]}"}`);
    withDebug(() => expect(synthesized()).toEqual(template));
  });

  test('a grant to a role of the parent stack becomes a parameter, with or without CDK_DEBUG (which records where tokens sit)', () => {
    const synthesized = (): unknown => {
      const { app, parent, key } = nestedKey();
      key.grantDecrypt(new iam.Role(parent, 'R', { assumedBy: new iam.AccountRootPrincipal() }));
      const assembly = app.synth();
      return writtenTemplate(assembly, Stack.of(key.key) as NestedStack);
    };
    const template = synthesized() as { Parameters: Record<string, unknown>; Resources: Record<string, any> };
    expect(Object.keys(template.Parameters)).toHaveLength(1);
    const [parameter] = Object.keys(template.Parameters);
    const policy = Object.values(template.Resources).find(r => r.Type === 'AWS::KMS::Key').Properties.KeyPolicy;
    expect(bySid(policy.Statement, 'KmsPatternsDenyNonTenantPrincipals').Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([{ Ref: parameter }]);
    withDebug(() => expect(synthesized()).toEqual(template));
  });

  /** What a reference pass (aws-cdk-lib's `preparing` resolve) gets from `builder`'s document. */
  function preparedBy(stack: Stack, builder: KeyPolicyBuilder): unknown {
    return builder.document.resolve({ scope: stack, preparing: true, documentPath: [], registerPostProcessor: () => undefined, resolve: x => x });
  }

  test('a reference pass meets every token of the policy, wherever it sits, and nothing else', () => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: false });
    const param = (id: string, type?: string) => new CfnParameter(stack, id, { type });
    const lazy = param('Lazy');
    builder.document.addStatements(new iam.PolicyStatement({
      sid: 'Tokens',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          [`kms:EncryptionContext:${param('ContextKey').valueAsString}`]: 'v',
          'aws:SourceVpce': param('Endpoints', 'CommaDelimitedList').valueAsList,
          'aws:SourceIp': Lazy.any({ produce: () => lazy.valueAsString }),
        },
        NumericLessThan: { 'kms:Size': param('Size', 'Number').valueAsNumber },
        // Values that hold nothing, as an optional prop passed through would give.
        StringLike: { 'aws:SourceArn': undefined, 'aws:SourceAccount': null },
      },
    }));
    // The root's ARN (a string), a condition key, a list token, an IResolvable and a number.
    expect(stack.resolve(preparedBy(stack, builder))).toEqual({
      0: [ROOT_ARN],
      1: [{ 'Fn::Join': ['', ['kms:EncryptionContext:', { Ref: 'ContextKey' }]] }],
      2: [{ Ref: 'Endpoints' }],
      3: [{ Ref: 'Lazy' }],
      4: [{ Ref: 'Size' }],
    });
  });

  // aws-cdk-lib's debug mode reads CDK_DEBUG as "1", "on" or "true", in any case (core/lib/debug.ts):
  // every value it takes for on must give the reference passes the whole policy, and no other.
  test.each([
    ['1', true], ['on', true], ['true', true], ['TRUE', true], ['On', true],
    ['0', false], ['off', false], ['false', false], ['yes', false], ['', false],
  ])('a reference pass with CDK_DEBUG=%j gets the whole policy: %s', (value, whole) => {
    const stack = newStack();
    const builder = new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true });
    let rendered: unknown;
    withDebug(() => { rendered = preparedBy(stack, builder); }, value);
    expect(Object.keys(rendered as object)).toEqual(whole ? ['Statement', 'Version'] : ['0']);
  });

  /** Runs `f` with aws-cdk-lib's debug mode on, in which the policy gives the reference passes its whole text. */
  function withDebug(f: () => void, value = 'true'): void {
    const debug = process.env.CDK_DEBUG;
    process.env.CDK_DEBUG = value;
    try {
      f();
    } finally {
      if (debug === undefined) {
        delete process.env.CDK_DEBUG;
      } else {
        process.env.CDK_DEBUG = debug;
      }
    }
  }
});
