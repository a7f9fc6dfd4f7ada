import { App, CfnParameter, CliCredentialsStackSynthesizer, DefaultStackSynthesizer, LegacyStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EncryptionMonitor, KeyManagement, RotatedSecret, TenantKey, TenantKeyProps } from '../../src';
import { noteKeyManagersOnce, PERMISSION_SET_NAME } from '../../src/private/key-managers';
import { DB_CONNECTION } from '../helpers/db-connection';

const ACCOUNT = '111111111111';
const ENV = { account: ACCOUNT, region: 'us-east-1' };
const ROOT = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] };
const EXEC_ROLE = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1` };
const SID = 'KmsPatternsDenyKeyManagementExceptToManagers';

function newStack(synthesizer?: DefaultStackSynthesizer | CliCredentialsStackSynthesizer | LegacyStackSynthesizer): Stack {
  return new Stack(new App(), 'S', { env: ENV, synthesizer });
}

/** The ArnNotLike list of the key-management Deny of every AWS::KMS::Key in the stack, by logical ID. */
function managersByKey(stack: Stack): Record<string, unknown[] | undefined> {
  const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
  return Object.fromEntries(Object.entries(keys).map(([id, key]: [string, any]) => {
    const deny = (key.Properties.KeyPolicy.Statement as any[]).find(s => s.Sid === SID);
    return [id, deny?.Condition.ArnNotLike['aws:PrincipalArn']];
  }));
}

function managersOf(stack: Stack, key: TenantKey): unknown[] | undefined {
  return managersByKey(stack)[stack.getLogicalId(key.key.node.defaultChild as any)];
}

const quiet: Partial<TenantKeyProps> = { verifyRotation: false, monitoring: false };

describe('key managers', () => {
  test('default: the synthesizer\'s CloudFormation execution role and the account root', () => {
    const stack = newStack();
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', ...quiet });
    expect(managersOf(stack, key)).toEqual([EXEC_ROLE, ROOT]);
  });

  test('admins made in the app are named by their ARN, which holds their path', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal(), path: '/ops/' });
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', admins: [admin], ...quiet });
    expect(managersOf(stack, key)).toEqual([stack.resolve(admin.roleArn), EXEC_ROLE, ROOT]);
  });

  test('an admin imported by name is matched under any path: aws:PrincipalArn holds a path Role.fromRoleName drops', () => {
    const stack = newStack();
    const admin = iam.Role.fromRoleName(stack, 'Admin', 'key-admin');
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', admins: [admin], ...quiet });
    const arn = stack.resolve(admin.roleArn);
    expect(managersOf(stack, key)).toEqual([
      arn,
      { 'Fn::Join': [':role/*/', { 'Fn::Split': [':role/', arn] }] },
      EXEC_ROLE,
      ROOT,
    ]);
  });

  test('an admin given by a literal ARN without a path is matched under any path too', () => {
    const stack = newStack();
    const arn = `arn:aws:iam::${ACCOUNT}:user/alice`;
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', admins: [new iam.ArnPrincipal(arn)], ...quiet });
    expect(managersOf(stack, key)).toEqual([arn, `arn:aws:iam::${ACCOUNT}:user/*/alice`, EXEC_ROLE, ROOT]);
  });

  test('an admin given by a literal ARN with a path is matched exactly', () => {
    const stack = newStack();
    const arn = `arn:aws:iam::${ACCOUNT}:role/ops/key-admin`;
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', admins: [iam.Role.fromRoleArn(stack, 'A', arn)], ...quiet });
    expect(managersOf(stack, key)).toEqual([arn, EXEC_ROLE, ROOT]);
  });

  test('an admin user made in the app is named by its ARN alone', () => {
    const stack = newStack();
    const admin = new iam.User(stack, 'Admin', { path: '/ops/' });
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', admins: [admin], ...quiet });
    expect(managersOf(stack, key)).toEqual([stack.resolve(admin.userArn), EXEC_ROLE, ROOT]);
  });

  test('an admin user imported by name is matched under any path, as a user', () => {
    const stack = newStack();
    const admin = iam.User.fromUserName(stack, 'Admin', 'alice');
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', admins: [admin], ...quiet });
    const arn = stack.resolve(admin.userArn);
    expect(managersOf(stack, key)).toEqual([
      arn,
      { 'Fn::Join': [':user/*/', { 'Fn::Split': [':user/', arn] }] },
      EXEC_ROLE,
      ROOT,
    ]);
  });

  test('an admin given by an ARN token that names no role or user kind is matched by that ARN alone', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'AdminArn').valueAsString;
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', admins: [new iam.ArnPrincipal(arn)], ...quiet });
    expect(managersOf(stack, key)).toEqual([{ Ref: 'AdminArn' }, EXEC_ROLE, ROOT]);
  });

  test('adminPermissionSets match the IAM Identity Center roles of the set, with and without a Region in their path', () => {
    const stack = newStack();
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', adminPermissionSets: ['KeyAdmins'], ...quiet });
    const sso = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${rest}`]] });
    expect(managersOf(stack, key)).toEqual([
      sso('AWSReservedSSO_KeyAdmins_*'),
      sso('*/AWSReservedSSO_KeyAdmins_*'),
      EXEC_ROLE,
      ROOT,
    ]);
  });

  test('deploymentRole replaces the synthesizer\'s role', () => {
    const stack = newStack();
    const deployer = iam.Role.fromRoleArn(stack, 'Deployer', `arn:aws:iam::${ACCOUNT}:role/pipeline/deployer`);
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', deploymentRole: deployer, ...quiet });
    expect(managersOf(stack, key)).toEqual([`arn:aws:iam::${ACCOUNT}:role/pipeline/deployer`, ROOT]);
  });

  test('follows a custom bootstrap qualifier', () => {
    const stack = newStack(new DefaultStackSynthesizer({ qualifier: 'tenant01' }));
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', ...quiet });
    expect(managersOf(stack, key)).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-tenant01-cfn-exec-role-${ACCOUNT}-us-east-1` },
      ROOT,
    ]);
  });

  test('restrictKeyManagement: false leaves the Deny out and the admins unchecked', () => {
    const stack = newStack();
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', restrictKeyManagement: false, ...quiet });
    expect(managersOf(stack, key)).toBeUndefined();
  });

  test('restrictKeyManagement: false keeps the admins\' administration statement', () => {
    const stack = newStack();
    const admin = iam.Role.fromRoleArn(stack, 'Admin', `arn:aws:iam::${ACCOUNT}:role/ops/key-admin`);
    new TenantKey(stack, 'K', { tenantId: 'acme', admins: [admin], restrictKeyManagement: false, ...quiet });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'KmsPatternsAllowKeyAdministrationOnly', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ops/key-admin` } })]) },
    });
  });

  test('no key sets BypassPolicyLockoutSafetyCheck', () => {
    const stack = newStack();
    new TenantKey(stack, 'K', { tenantId: 'acme' });
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
    expect(Object.keys(keys).length).toBeGreaterThan(1); // the construct's and the library's own
    for (const key of Object.values(keys) as any[]) {
      expect(key.Properties.BypassPolicyLockoutSafetyCheck).toBeUndefined();
    }
  });
});

describe('key managers: info at synth', () => {
  const INFO = 'No `admins` or `adminPermissionSets`: only the role that deploys the stack and the account root may manage '
    + 'this key (change its policy, disable it, schedule its deletion, move its alias).';

  test('without admins, an info annotation (not a warning: `cdk synth --strict` fails on warnings) says who manages the key', () => {
    const stack = newStack();
    new TenantKey(stack, 'K', { tenantId: 'acme', ...quiet });
    const annotations = Annotations.fromStack(stack);
    annotations.hasInfo('/S/K', INFO);
    annotations.hasNoWarning('*', Match.anyValue());
  });

  test.each<[string, Partial<TenantKeyProps>]>([
    ['admins', { admins: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/a`)] }],
    ['adminPermissionSets', { adminPermissionSets: ['KeyAdmins'] }],
    ['restrictKeyManagement: false', { restrictKeyManagement: false }],
  ])('no such annotation with %s', (_, props) => {
    const stack = newStack();
    new TenantKey(stack, 'K', { tenantId: 'acme', ...quiet, ...props });
    Annotations.fromStack(stack).hasNoInfo('/S/K', INFO);
  });
});

describe('key managers: one info for a group of keys', () => {
  const GROUP_INFO = 'No `admins` or `adminPermissionSets`: only the role that deploys each stack and the account root may manage '
    + 'these keys (change their policies, disable them, schedule their deletion, move their aliases).';

  test('keys made under a group share one info, on the group; a key outside it keeps its own', () => {
    const stack = newStack();
    const group = new Construct(stack, 'Group');
    noteKeyManagersOnce(group);
    new TenantKey(new Construct(group, 'Deeper'), 'A', { tenantId: 'a', ...quiet });
    new TenantKey(group, 'B', { tenantId: 'b', ...quiet });
    new TenantKey(stack, 'Alone', { tenantId: 'c', ...quiet });
    const infos = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('No `admins`'));
    expect(infos.map(i => [i.id, i.entry.data])).toEqual([
      ['/S/Group', GROUP_INFO],
      ['/S/Alone', expect.stringContaining('may manage this key')],
    ]);
  });

  test('a key says it in its nearest group', () => {
    const stack = newStack();
    const outer = new Construct(stack, 'Outer');
    const inner = new Construct(outer, 'Inner');
    noteKeyManagersOnce(outer);
    noteKeyManagersOnce(inner);
    new TenantKey(inner, 'A', { tenantId: 'a', ...quiet });
    const infos = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('No `admins`'));
    expect(infos.map(i => i.id)).toEqual(['/S/Outer/Inner']);
  });

  test('a group whose keys all have admins has no info', () => {
    const stack = newStack();
    const group = new Construct(stack, 'Group');
    noteKeyManagersOnce(group);
    new TenantKey(group, 'A', { tenantId: 'a', ...quiet, admins: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/a`)] });
    Annotations.fromStack(stack).hasNoInfo('*', Match.stringLikeRegexp('No `admins`'));
  });
});

describe('key managers: synth errors', () => {
  const UNKNOWN = (synthesizer: string) => `S/K: \`deploymentRole\` must be given: the stack's synthesizer (${synthesizer}) does not `
    + 'say which role deploys it, and the key-management Deny must exempt that role exactly (KMS\'s lockout safety check '
    + 'tests only the caller, so a wrong role leaves a key no deployment can update). Give `deploymentRole` for the whole stack '
    + 'with `KeyManagement.setStackDefaults(stack, { deploymentRole })`, before the first construct: it also covers the keys '
    + 'the library makes for itself (a RotatedSecret\'s key, the rotation verification\'s and the monitor\'s), which take '
    + 'no key options; or give `deploymentRole` on a key construct; or set `restrictKeyManagement: false` '
    + '(on the construct or for the stack) to leave key management to IAM, got undefined';

  test.each([
    ['CliCredentialsStackSynthesizer', () => new CliCredentialsStackSynthesizer()],
    ['LegacyStackSynthesizer', () => new LegacyStackSynthesizer()],
  ])('fails when the deploying role is unknown (%s) and no deploymentRole is given', (name, synthesizer) => {
    const stack = newStack(synthesizer());
    expect(() => new TenantKey(stack, 'K', { tenantId: 'acme', ...quiet })).toThrow(UNKNOWN(name));
  });

  test('control: with an unknown synthesizer, deploymentRole or the opt-out each let synth pass', () => {
    const stack = newStack(new CliCredentialsStackSynthesizer());
    const deployer = iam.Role.fromRoleArn(stack, 'Deployer', `arn:aws:iam::${ACCOUNT}:role/deployer`);
    expect(() => new TenantKey(stack, 'A', { tenantId: 'a', deploymentRole: deployer, ...quiet })).not.toThrow();
    expect(() => new TenantKey(stack, 'B', { tenantId: 'b', restrictKeyManagement: false, ...quiet })).not.toThrow();
  });

  test('fails when the deploymentRole is a group\'s ARN imported as a role: the error names `deploymentRole`', () => {
    const stack = newStack();
    const group = iam.Role.fromRoleArn(stack, 'Deployer', `arn:aws:iam::${ACCOUNT}:group/deployers`);
    expect(() => new TenantKey(stack, 'K', { tenantId: 'acme', deploymentRole: group, ...quiet }))
      .toThrow(/^S\/K: `deploymentRole` must be an IAM role or user/);
  });

  test.each([
    ['a group', (s: Stack) => new iam.Group(s, 'G')],
    ['the account root', () => new iam.AccountRootPrincipal()],
    ['a service principal', () => new iam.ServicePrincipal('lambda.amazonaws.com')],
  ])('fails when an admin is %s: the Deny names managers by aws:PrincipalArn', (_, admin) => {
    const stack = newStack();
    expect(() => new TenantKey(stack, 'K', { tenantId: 'acme', admins: [admin(stack) as iam.IPrincipal], ...quiet }))
      .toThrow(/^S\/K: `admins` must be an IAM role or user/);
  });

  // "AWS::SSO::PermissionSet" resource schema (as cfn-lint ships it), property Name:
  // minLength 1, maxLength 32, pattern [\w+=,.@-]+.
  test.each(['', 'x'.repeat(33), 'Key Admins', 'Admins*', 'Admins?', 'a/b'])('fails when a permission set name is %p', (name) => {
    const stack = newStack();
    expect(() => new TenantKey(stack, 'K', { tenantId: 'acme', adminPermissionSets: [name], ...quiet })).toThrow(
      `S/K: \`adminPermissionSets[0]\` must be an IAM Identity Center permission set name: 1-32 letters, digits or "_+=,.@-", got "${name}"`);
  });

  test.each(['A', 'x'.repeat(32), 'Key_Admins+=,.@-1'])('accepts the permission set name %p', (name) => {
    expect(PERMISSION_SET_NAME.test(name)).toBe(true);
  });
});

describe('KeyManagement.setStackDefaults', () => {
  test('gives every key of the stack its managers, the library\'s own keys included', () => {
    const stack = newStack(new CliCredentialsStackSynthesizer());
    const deployer = `arn:aws:iam::${ACCOUNT}:role/deployer`;
    KeyManagement.setStackDefaults(stack, {
      deploymentRole: iam.Role.fromRoleArn(stack, 'Deployer', deployer),
      adminPermissionSets: ['KeyAdmins'],
    });
    new EncryptionMonitor(stack, 'Monitor'); // the trail key and the alarm-topic key
    new TenantKey(stack, 'K', { tenantId: 'acme' }); // and the rotation verification's log key
    new RotatedSecret(stack, 'Secret', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION }); // and the secret's own key
    const byKey = managersByKey(stack);
    expect(Object.keys(byKey)).toHaveLength(5);
    for (const managers of Object.values(byKey)) {
      expect(managers).toEqual(expect.arrayContaining([deployer, ROOT]));
      // Two Identity Center patterns, the deployer (an ARN without a path: also under any path), root.
      expect(managers).toHaveLength(5);
    }
  });

  test('admins for the stack administer every key of it and are its managers', () => {
    const stack = newStack();
    const admin = iam.Role.fromRoleArn(stack, 'Admin', `arn:aws:iam::${ACCOUNT}:role/ops/key-admin`);
    KeyManagement.setStackDefaults(stack, { admins: [admin] });
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', ...quiet });
    expect(managersOf(stack, key)).toEqual([`arn:aws:iam::${ACCOUNT}:role/ops/key-admin`, EXEC_ROLE, ROOT]);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'KmsPatternsAllowKeyAdministrationOnly', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ops/key-admin` } })]) },
    });
  });

  test('an option on the construct replaces the stack\'s', () => {
    const stack = newStack();
    KeyManagement.setStackDefaults(stack, { adminPermissionSets: ['StackAdmins'] });
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', adminPermissionSets: [], ...quiet });
    expect(managersOf(stack, key)).toEqual([EXEC_ROLE, ROOT]);
  });

  test('restrictKeyManagement: false for the stack turns the Deny off for every key', () => {
    const stack = newStack(new CliCredentialsStackSynthesizer());
    KeyManagement.setStackDefaults(stack, { restrictKeyManagement: false });
    new TenantKey(stack, 'K', { tenantId: 'acme' });
    expect(Object.values(managersByKey(stack)).every(m => m === undefined)).toBe(true);
  });

  test('fails once a key of the stack exists: that key would keep other managers', () => {
    const stack = newStack();
    new TenantKey(stack, 'K', { tenantId: 'acme', ...quiet });
    expect(() => KeyManagement.setStackDefaults(stack, {})).toThrow(
      'S: `KeyManagement.setStackDefaults` must be called before the first key of the stack is created '
      + '(a key already created would keep the managers it was given), got "S"');
  });

  test('fails when called twice for a stack', () => {
    const stack = newStack();
    KeyManagement.setStackDefaults(stack, {});
    expect(() => KeyManagement.setStackDefaults(stack, {})).toThrow(
      'S: `KeyManagement.setStackDefaults` must be called at most once per stack, got "S"');
  });

  test('fails on an invalid permission set name', () => {
    expect(() => KeyManagement.setStackDefaults(newStack(), { adminPermissionSets: ['no spaces'] })).toThrow(
      'S: `adminPermissionSets[0]` must be an IAM Identity Center permission set name: 1-32 letters, digits or "_+=,.@-", got "no spaces"');
  });
});
