// The safe defaults every key construct shares, tested once per construct
// (test/helpers/key-constructs.ts lists them): a new key construct gets these tests by being
// added there. What is special about a construct (its tenant Denies, its consumers, its
// replicas) stays in its own test file.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { SafeKeyOptions } from '../src';
import { KEY_CONSTRUCT_CASES, KEY_OPTION_CASES, KeyConstruct, buildKeyConstruct } from './helpers/key-constructs';
import { logicalIdsUnder, ownKeyLogicalId, ownKeyResource, ownKeyTemplate } from './helpers/own-key';
import { RotationVerificationProvider } from '../src/rotation-verification/provider';

const ROOT = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] };
/** The synthesizer's CloudFormation execution role: the role that deploys the stack. */
const DEPLOYING_ROLE = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1' };
/** What a key administrator may do: manage the key, never use it. */
const ADMIN = [
  'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:DescribeKey', 'kms:DisableKey',
  'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus', 'kms:ListGrants', 'kms:ListKeyPolicies', 'kms:ListKeyRotations',
  'kms:ListResourceTags', 'kms:PutKeyPolicy', 'kms:RevokeGrant', 'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource', 'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];
/** Actions that read or write data under the key. */
const CRYPTOGRAPHIC = [
  'kms:*', 'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
  'kms:GenerateDataKey', 'kms:GenerateDataKey*', 'kms:GenerateDataKeyWithoutPlaintext',
];
const CREATE_GRANT_DENY = 'KmsPatternsDenyCreateGrantExceptForAwsResources';

function statementsOf(template: Template, construct: IConstruct): any[] {
  return ownKeyResource(template, construct).Properties.KeyPolicy.Statement;
}

function keyPolicyWith(statement: Record<string, unknown>): Record<string, unknown> {
  return { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike(statement)]) } };
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

describe.each(KEY_CONSTRUCT_CASES)('$name defaults', (c) => {
  let stack: Stack;
  let construct: KeyConstruct;
  let template: Template;
  /** The construct's own key only: no other key of the stack may meet an assertion about it. */
  let keyOnly: Template;
  beforeAll(() => {
    ({ stack, construct } = buildKeyConstruct(c));
    template = Template.fromStack(stack);
    keyOnly = ownKeyTemplate(template, construct);
  });

  test('creates one key and one alias of its own; the stack\'s other keys and aliases are the verification\'s and the monitor\'s', () => {
    expect(logicalIdsUnder(construct, 'AWS::KMS::Key')).toEqual([ownKeyLogicalId(construct)]);
    expect(logicalIdsUnder(construct, 'AWS::KMS::Alias')).toHaveLength(1);
    // Rotation verification and monitoring are on by default; each brings one key (and alias) of its own.
    const provider = stack.node.findChild(RotationVerificationProvider.ID);
    const monitor = c.monitorOf(construct)!;
    for (const type of ['AWS::KMS::Key', 'AWS::KMS::Alias']) {
      expect(Object.keys(template.findResources(type)).sort())
        .toEqual([...logicalIdsUnder(construct, type), ...logicalIdsUnder(provider, type), ...logicalIdsUnder(monitor, type)].sort());
      expect(logicalIdsUnder(provider, type)).toHaveLength(1);
      expect(logicalIdsUnder(monitor, type)).toHaveLength(1);
    }
  });

  test('verifies its key\'s rotation and is watched by the stack\'s monitor', () => {
    expect(construct.rotationVerification).toBeDefined();
    expect(c.monitorOf(construct)).toBeDefined();
    template.hasResourceProperties('Custom::KmsPatternsRotationVerification', {
      Keys: Match.arrayWith([{ KeyId: { 'Fn::GetAtt': [ownKeyLogicalId(construct), 'Arn'] }, MaxRotationPeriodDays: 365 }]),
    });
  });

  test('turns rotation on every 365 days', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', Match.objectLike({ EnableKeyRotation: true, RotationPeriodInDays: 365 }));
  });

  test('waits 30 days before deletion', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', Match.objectLike({ PendingWindowInDays: 30 }));
  });

  test('retains the key on delete and on replacement', () => {
    keyOnly.hasResource('AWS::KMS::Key', Match.objectLike({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }));
  });

  test('describes the key with what it is for and the construct path', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', Match.objectLike({ Description: c.defaultDescription }));
  });

  test('names its alias by default and points it at the key', () => {
    const aliasName = typeof c.defaultAlias === 'string' ? c.defaultAlias : Match.stringLikeRegexp(c.defaultAlias.source);
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: aliasName,
      TargetKeyId: { 'Fn::GetAtt': [ownKeyLogicalId(construct), 'Arn'] },
    });
  });

  test('delegates to the account root', () => {
    keyOnly.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsAllowAccountRootDelegation', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*',
    }));
  });

  test('denies CreateGrant unless for an AWS resource or by an AWS service (CT.KMS.PR.3)', () => {
    expect(statementsOf(template, construct).find(s => s.Sid === CREATE_GRANT_DENY)).toEqual({
      Sid: CREATE_GRANT_DENY,
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  test('denies key management to all but the deploying role and the account root', () => {
    const deny = statementsOf(template, construct).find(s => s.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Resource: '*' });
    expect(deny.Action).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:UpdateAlias']));
    const managers: unknown[] = deny.Condition.ArnNotLike['aws:PrincipalArn'];
    expect(managers.slice(0, 2)).toEqual([DEPLOYING_ROLE, ROOT]);
    // Besides them, only the deploying roles of the other Regions a key is replicated to (MultiRegionKeySet).
    expect(managers.slice(2).filter(arn => !JSON.stringify(arn).includes(':role/cdk-hnb659fds-cfn-exec-role-111111111111-'))).toEqual([]);
  });

  test('allows no wildcard principal, and kms:* to the account root alone', () => {
    const allows = statementsOf(template, construct).filter(s => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) {
      expect([s.Principal, ...asList(s.Principal?.AWS)]).not.toContainEqual('*');
      if (asList(s.Action).includes('kms:*')) {
        expect(s.Principal).toEqual({ AWS: ROOT });
      }
    }
  });

  test('has no administrator statement when no admins are given', () => {
    expect(statementsOf(template, construct).map(s => s.Sid)).not.toContain('KmsPatternsAllowKeyAdministrationOnly');
  });
});

describe.each(KEY_OPTION_CASES)('$name key options', (c) => {
  const keyOf = (options: SafeKeyOptions) => {
    const { stack, construct } = buildKeyConstruct(c, options);
    const template = Template.fromStack(stack);
    return { stack, construct, template, keyOnly: ownKeyTemplate(template, construct) };
  };

  test.each([
    ['Duration.days(180)', Duration.days(180), 180],
    ['the lower bound, given in hours', Duration.hours(90 * 24), 90],
    ['the upper bound', Duration.days(2560), 2560],
  ])('rotationPeriod %s sets RotationPeriodInDays, keeps rotation on and is what the verification holds it to', (_, rotationPeriod, days) => {
    const { construct, template, keyOnly } = keyOf({ rotationPeriod });
    keyOnly.hasResourceProperties('AWS::KMS::Key', Match.objectLike({ EnableKeyRotation: true, RotationPeriodInDays: days }));
    template.hasResourceProperties('Custom::KmsPatternsRotationVerification', {
      Keys: Match.arrayWith([{ KeyId: { 'Fn::GetAtt': [ownKeyLogicalId(construct), 'Arn'] }, MaxRotationPeriodDays: days }]),
    });
  });

  test.each([7, 14])('pendingWindow of %d days sets PendingWindowInDays', (days) => {
    keyOf({ pendingWindow: Duration.days(days) }).keyOnly.hasResourceProperties('AWS::KMS::Key', Match.objectLike({ PendingWindowInDays: days }));
  });

  test('removalPolicy DESTROY deletes the key on delete and on replacement', () => {
    keyOf({ removalPolicy: RemovalPolicy.DESTROY }).keyOnly
      .hasResource('AWS::KMS::Key', Match.objectLike({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }));
  });

  test('description replaces the default description', () => {
    keyOf({ description: 'Invoices' }).keyOnly.hasResourceProperties('AWS::KMS::Key', Match.objectLike({ Description: 'Invoices' }));
  });

  test('admins get exactly the administration actions, no cryptographic action, and are spared the key-management Deny', () => {
    let admin: iam.Role | undefined;
    const { stack, construct } = buildKeyConstruct(c, s => {
      admin = new iam.Role(s, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      return { admins: [admin] };
    });
    const adminArn = stack.resolve(admin!.roleArn);
    const statements = statementsOf(Template.fromStack(stack), construct);
    const allow = statements.find(s => s.Sid === 'KmsPatternsAllowKeyAdministrationOnly');
    expect(allow).toEqual({ Sid: 'KmsPatternsAllowKeyAdministrationOnly', Effect: 'Allow', Principal: { AWS: adminArn }, Action: ADMIN, Resource: '*' });
    expect((allow.Action as string[]).filter(a => CRYPTOGRAPHIC.includes(a))).toEqual([]);
    expect(statements.find(s => s.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers').Condition.ArnNotLike['aws:PrincipalArn']).toContainEqual(adminArn);
  });

  test('restrictGrantsToAwsServices false removes the CreateGrant Deny and nothing else', () => {
    const sidsOf = (options: SafeKeyOptions) => {
      const { template, construct } = keyOf(options);
      return statementsOf(template, construct).map(s => s.Sid);
    };
    const withDeny = sidsOf({});
    expect(withDeny).toContain(CREATE_GRANT_DENY);
    expect(sidsOf({ restrictGrantsToAwsServices: false })).toEqual(withDeny.filter(s => s !== CREATE_GRANT_DENY));
  });

  test('restrictGrantsToAwsServices true keeps the CreateGrant Deny', () => {
    const { template, construct } = keyOf({ restrictGrantsToAwsServices: true });
    expect(statementsOf(template, construct).map(s => s.Sid)).toContain(CREATE_GRANT_DENY);
  });
});
