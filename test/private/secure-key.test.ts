import { App, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  SecureKey, SecureKeyProps, SecureReplicaKeyProps, createSecureKey, createSecureReplicaKey, validateAliasName,
} from '../../src/private/secure-key';

/**
 * `validateAliasName` on its own. It checks the alias a prop makes, but names the
 * prop and echoes the value the user gave, so a test passes the two separately.
 * (The same messages are asserted through TenantKey, prop `aliasPrefix`, and
 * SharedTenantKey, prop `alias`.)
 */
function scope(): Construct {
  return new Construct(new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } }), 'K');
}

describe('validateAliasName', () => {
  test.each([
    'alias/a',
    'alias/shared/tenants',
    'alias/A_b-1/c',
    'alias/awsome',
    'alias/aws',
    `alias/${'x'.repeat(250)}`,
  ])('accepts %p', (aliasName) => {
    expect(() => validateAliasName(scope(), 'alias', aliasName, aliasName)).not.toThrow();
  });

  test.each([
    ['a Lazy alias name, even one in alias/aws/', Lazy.string({ produce: () => 'alias/aws/x' })],
    ['an alias name with a token inside', `alias/${Lazy.string({ produce: () => 'not valid!' })}`],
  ])('skips %s', (_, aliasName) => {
    expect(() => validateAliasName(scope(), 'alias', aliasName, aliasName)).not.toThrow();
  });

  test.each([
    ['has no "alias/"', 'shared', 'shared'],
    ['has something before "alias/"', 'xalias/data', 'xalias/data'],
    ['is only "alias/"', '', 'alias/'],
    ['contains a space', 'a b', 'alias/a b'],
    ['contains a dot', 'alias/a.b', 'alias/a.b'],
    ['is not ASCII', 'ü', 'alias/ü'],
  ])('fails when the alias %s', (_, value, aliasName) => {
    expect(() => validateAliasName(scope(), 'alias', value, aliasName)).toThrow(new Error(
      `S/K: \`alias\` must make an alias name of letters, digits, "/", "_" or "-" after "alias/" (it makes "${aliasName}"), got "${value}"`,
    ));
  });

  test.each([
    ['aws/x', 'alias/aws/x'],
    ['alias/AWS/x', 'alias/AWS/x'],
    ['Aws/', 'alias/Aws/'],
  ])('fails when the alias %p makes %p, in the reserved alias/aws/', (value, aliasName) => {
    expect(() => validateAliasName(scope(), 'alias', value, aliasName)).toThrow(new Error(
      `S/K: \`alias\` must not make an alias under "alias/aws/", which is reserved for AWS managed keys, got "${value}"`,
    ));
  });

  test('fails when the alias is longer than 256 characters including "alias/"', () => {
    const value = 'x'.repeat(251);
    const aliasName = `alias/${value}`;
    expect(() => validateAliasName(scope(), 'alias', value, aliasName)).toThrow(new Error(
      `S/K: \`alias\` must make an alias of at most 256 characters including "alias/" ("${aliasName}" has 257), got "${value}"`,
    ));
  });

  test('names the prop it is given, not "alias"', () => {
    expect(() => validateAliasName(scope(), 'aliasPrefix', 'a b', 'alias/a b/acme')).toThrow(new Error(
      'S/K: `aliasPrefix` must make an alias name of letters, digits, "/", "_" or "-" after "alias/" (it makes "alias/a b/acme"), got "a b"',
    ));
  });
});

/**
 * The factory itself, without a construct around it: the defaults it applies to a primary
 * and to a replica, and what each option changes. (The constructs' suites assert the same
 * through their props; these make a mutant of the factory fail in its own file.)
 */
describe('createSecureKey and createSecureReplicaKey', () => {
  const ENV = { account: '111111111111', region: 'us-east-1' };
  const base = { aliasSource: { prop: 'alias', value: 'data' }, defaultDescription: 'the default' };

  function primaryIn(stack: Stack, props: Partial<SecureKeyProps> = {}): SecureKey {
    return createSecureKey(new Construct(stack, 'P'), { ...base, aliasName: 'alias/data', ...props });
  }

  function statementsOf(template: Template, type: string): any[] {
    const [key] = Object.values(template.findResources(type)) as any[];
    return key.Properties.KeyPolicy.Statement;
  }

  test('a primary: rotation on every 365 days, a 30-day window, retained, the default description, its alias', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const made = primaryIn(stack);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30, Description: 'the default' }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/data' });
    expect(made.key.node.path).toBe('S/P/Key');
    expect(statementsOf(template, 'AWS::KMS::Key').map(s => s.Sid)).toEqual([
      'KmsPatternsAllowAccountRootDelegation', 'KmsPatternsDenyCreateGrantExceptForAwsResources', 'KmsPatternsDenyKeyManagementExceptToManagers',
    ]);
  });

  test('a primary takes every option it is given', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    primaryIn(stack, {
      description: 'mine',
      rotationPeriod: Duration.days(90),
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
      restrictGrantsToAwsServices: false,
      restrictKeyManagement: false,
      multiRegion: true,
      tags: { team: 'data' },
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({
        RotationPeriodInDays: 90, PendingWindowInDays: 7, Description: 'mine', MultiRegion: true, Tags: [{ Key: 'team', Value: 'data' }],
      }),
      DeletionPolicy: 'Delete',
    });
    expect(statementsOf(template, 'AWS::KMS::Key').map(s => s.Sid)).toEqual(['KmsPatternsAllowAccountRootDelegation']);
  });

  test('a primary\'s policy is checked at synth', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const made = primaryIn(stack);
    made.key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'Open', actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.StarPrincipal()] }));
    expect(() => Template.fromStack(stack)).toThrow(/key policy statement Open allows a \* principal without a condition/);
  });

  test.each([
    ['rotationPeriod', { rotationPeriod: Duration.days(89) }],
    ['pendingWindow', { pendingWindow: Duration.days(31) }],
  ])('a primary\'s %s is validated', (prop, props) => {
    expect(() => primaryIn(new Stack(new App(), 'S', { env: ENV }), props)).toThrow(`S/P: \`${prop}\``);
  });

  describe('a replica', () => {
    function replicaOf(props: Partial<SecureReplicaKeyProps> = {}, primaryProps: Partial<SecureKeyProps> = {}) {
      const app = new App();
      const primaryStack = new Stack(app, 'Primary', { env: ENV });
      const primary = primaryIn(primaryStack, { multiRegion: true, ...primaryProps });
      const replicaStack = new Stack(app, 'Replica', { env: { ...ENV, region: 'eu-west-1' } });
      const replica = createSecureReplicaKey(new Construct(replicaStack, 'R'), { ...base, aliasName: 'alias/data', primary, ...props });
      return { primaryStack, replicaStack, primary, replica };
    }

    test('replicates the primary with a 30-day window, retained, the default description and the same alias', () => {
      const { replicaStack } = replicaOf();
      const template = Template.fromStack(replicaStack);
      template.hasResource('AWS::KMS::ReplicaKey', {
        Properties: Match.objectLike({ PendingWindowInDays: 30, Description: 'the default' }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/data' });
      expect(statementsOf(template, 'AWS::KMS::ReplicaKey').map(s => s.Sid)).toEqual([
        'KmsPatternsAllowAccountRootDelegation', 'KmsPatternsDenyCreateGrantExceptForAwsResources', 'KmsPatternsDenyKeyManagementExceptToManagers',
      ]);
    });

    test('takes every option it is given', () => {
      const { replicaStack } = replicaOf({
        description: 'mine',
        pendingWindow: Duration.days(7),
        removalPolicy: RemovalPolicy.DESTROY,
        restrictGrantsToAwsServices: false,
        restrictKeyManagement: false,
        tags: { team: 'data' },
      });
      const template = Template.fromStack(replicaStack);
      template.hasResource('AWS::KMS::ReplicaKey', {
        Properties: Match.objectLike({ PendingWindowInDays: 7, Description: 'mine', Tags: [{ Key: 'team', Value: 'data' }] }),
        DeletionPolicy: 'Delete',
      });
      expect(statementsOf(template, 'AWS::KMS::ReplicaKey').map(s => s.Sid)).toEqual(['KmsPatternsAllowAccountRootDelegation']);
    });

    test('its deploying role becomes a manager of the primary: kms:ReplicateKey is authorized by the primary\'s policy', () => {
      const { primaryStack } = replicaOf();
      const deny = statementsOf(Template.fromStack(primaryStack), 'AWS::KMS::Key').find(s => s.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers');
      expect(deny.Condition.ArnNotLike['aws:PrincipalArn']).toContainEqual({
        'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1',
      });
    });

    test('without its own management Deny, the primary\'s is left as it is', () => {
      const { primaryStack } = replicaOf({ restrictKeyManagement: false });
      const deny = statementsOf(Template.fromStack(primaryStack), 'AWS::KMS::Key').find(s => s.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers');
      expect(deny.Condition.ArnNotLike['aws:PrincipalArn']).toHaveLength(2); // the primary's deploying role and the account root
    });

    test('its policy is checked at synth', () => {
      const { replicaStack, replica } = replicaOf();
      replica.policy.document.addStatements(new iam.PolicyStatement({ sid: 'Open', actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.StarPrincipal()] }));
      expect(() => Template.fromStack(replicaStack)).toThrow(/key policy statement Open allows a \* principal without a condition/);
    });
  });
});
