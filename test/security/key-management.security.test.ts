import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { kmsStar } from './fixture';
import { MultiRegionKeySet, TenantKey } from '../../src';
import {
  RegionalTemplate, regionalKeyArnFor, regionalTemplates, resolvedRegionalIdentityPolicies, resolvedRegionalKeyPolicy,
} from '../helpers/multi-region';
import { FAKE_ENV, keyArnFor } from '../helpers/resolve-template';
import { KmsDecision, KmsRequest, expectKms } from '../helpers/simulate';

// Issue #12, items 1 and 2: a principal whose IAM allows kms:* but who is none of the key's
// managers must not rewrite the key policy, disable or delete the key, revoke its grants,
// or move its alias (alias swap: UpdateAlias, or DeleteAlias then CreateAlias). Every
// attack has a control beside it: the same action by a manager (the deploying role, an
// admin, an IAM Identity Center role of a managing permission set, the account root).
// The policies are resolved in each partition, where the ARNs differ.

const ACCOUNT = FAKE_ENV.account;
const PARTITIONS = [
  { partition: 'aws', primary: 'us-east-1', replica: 'eu-west-1' },
  { partition: 'aws-cn', primary: 'cn-north-1', replica: 'cn-northwest-1' },
  { partition: 'aws-us-gov', primary: 'us-gov-west-1', replica: 'us-gov-east-1' },
] as const;

/** An administrator's IAM policy, as a deploying role or an Identity Center admin has. */
const ADMINISTRATOR = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Every key-management action the Deny covers. */
const MANAGEMENT = [
  'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:UpdateKeyDescription',
  'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias', 'kms:RevokeGrant',
];

function logicalIdOf(c: IConstruct): string {
  const cfn = (c.node.defaultChild ?? c) as CfnResource;
  return Stack.of(cfn).resolve(cfn.logicalId);
}

/**
 * A template as CloudFormation would see it in `partition`. resolve-template.ts knows one
 * environment (partition `aws`), so what it would resolve there is made literal first: the
 * partition and stack pseudo parameters, and the ARNs of the template's roles and keys. A
 * hard-coded `arn:aws:` in a policy stays as it is, and fails the tests of other partitions.
 */
function inPartition(t: RegionalTemplate, partition: string): RegionalTemplate {
  const stackId = `arn:${partition}:cloudformation:${t.region}:${ACCOUNT}:stack/${t.stackName}/0a1b2c3d-0000-4000-8000-000000000000`;
  const text = JSON.stringify(t.template)
    .split('{"Ref":"AWS::Partition"}').join(JSON.stringify(partition))
    .split('${AWS::Partition}').join(partition)
    .split('{"Ref":"AWS::StackName"}').join(JSON.stringify(t.stackName))
    .split('{"Ref":"AWS::StackId"}').join(JSON.stringify(stackId));
  const template = JSON.parse(text);
  const literalArns = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(literalArns);
    }
    if (!value || typeof value !== 'object') {
      return value;
    }
    const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    const target = getAtt && getAtt[1] === 'Arn' ? template.Resources?.[getAtt[0]] : undefined;
    if (target?.Type === 'AWS::IAM::Role') {
      return `arn:${partition}:iam::${ACCOUNT}:role${target.Properties.Path ?? '/'}${target.Properties.RoleName}`;
    }
    if (target?.Type === 'AWS::KMS::Key') {
      return keyArnFor(getAtt![0]).replace(/^arn:aws:kms:[^:]+:/, `arn:${partition}:kms:${t.region}:`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalArns(v)]));
  };
  return { ...t, template: { ...template, Resources: literalArns(template.Resources) } };
}

interface World {
  readonly partition: string;
  readonly arn: (resource: string) => string;
  readonly request: (principalArn: string, key: string, action: string, extra?: Partial<KmsRequest>) => KmsRequest;
  readonly keyIdsOfStack: (stackName: string) => string[];
  readonly requestOn: (stackName: string, logicalId: string, principalArn: string, action: string) => KmsRequest;
}

function buildWorld(p: typeof PARTITIONS[number]): World {
  const app = new App();
  const stack = new Stack(app, 'Keys', { env: { account: ACCOUNT, region: p.primary } });
  const role = (name: string, props: Partial<iam.RoleProps> = {}, ...statements: iam.PolicyStatement[]) => {
    const r = new iam.Role(stack, name, { roleName: name, assumedBy: new iam.AccountRootPrincipal(), ...props });
    statements.forEach(s => r.addToPolicy(s));
    return r;
  };
  const stranger = role('StrangerRole', {}, kmsStar());
  const tenant = role('TenantRole', {}, kmsStar());
  const keyAdmin = role('KeyAdminRole', { path: '/ops/' });
  // Imported by name: the real role sits under a path the app does not know.
  const importedAdmin = iam.Role.fromRoleName(stack, 'ImportedAdmin', 'imported-admin');

  const tenantKey = new TenantKey(stack, 'Acme', {
    tenantId: 'acme',
    admins: [keyAdmin, importedAdmin],
    adminPermissionSets: ['KeyAdmins'],
  });
  tenantKey.grantEncryptDecrypt(tenant);
  const set = new MultiRegionKeySet(stack, 'Set', { replicaRegions: [p.replica], alias: 'data', verifyRotation: false, monitoring: false });

  const all = regionalTemplates(app).map(t => inPartition(t, p.partition));
  const byName = (name: string) => all.find(t => t.stackName === name)!;
  const primary = byName('Keys');
  const keys: Record<string, { stack: RegionalTemplate; logicalId: string }> = {
    Tenant: { stack: primary, logicalId: logicalIdOf(tenantKey.key) },
    Primary: { stack: primary, logicalId: logicalIdOf(set.primaryKey) },
    Replica: { stack: byName(set.replicaStack(p.replica).stackName), logicalId: logicalIdOf(set.replicaKey(p.replica)) },
  };
  const identity: Record<string, string> = {
    [`arn:${p.partition}:iam::${ACCOUNT}:role/StrangerRole`]: logicalIdOf(stranger),
    [`arn:${p.partition}:iam::${ACCOUNT}:role/TenantRole`]: logicalIdOf(tenant),
    [`arn:${p.partition}:iam::${ACCOUNT}:role/ops/KeyAdminRole`]: logicalIdOf(keyAdmin),
  };
  const requestOn = (stackName: string, logicalId: string, principalArn: string, action: string, extra: Partial<KmsRequest> = {}) => {
    const s = byName(stackName);
    const roleId = identity[principalArn];
    return {
      keyPolicy: resolvedRegionalKeyPolicy(s, all, logicalId),
      keyArn: regionalKeyArnFor(s, all, logicalId).replace(/^arn:aws:/, `arn:${p.partition}:`),
      principalArn,
      // Roles outside the template (the deploying role, Identity Center roles, imported ones) are administrators,
      // and so is the root user, which holds every permission in its account.
      identityPolicies: roleId ? resolvedRegionalIdentityPolicies(primary, all, roleId) : [ADMINISTRATOR],
      action,
      ...extra,
    };
  };
  return {
    partition: p.partition,
    arn: (resource: string) => `arn:${p.partition}:iam::${ACCOUNT}:${resource}`,
    request: (principalArn, key, action, extra) => requestOn(keys[key].stack.stackName, keys[key].logicalId, principalArn, action, extra),
    keyIdsOfStack: (stackName: string) => Object.entries(byName(stackName).template.Resources ?? {})
      .filter(([, r]) => r.Type === 'AWS::KMS::Key' || r.Type === 'AWS::KMS::ReplicaKey').map(([id]) => id),
    requestOn,
  };
}

describe.each(PARTITIONS)('key management in partition $partition, simulated', (p) => {
  const w = buildWorld(p);
  const execRole = (region: string) => w.arn(`role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${region}`);
  const STRANGER = w.arn('role/StrangerRole');

  const managers: Array<[string, string]> = [
    ['the deploying role (the bootstrap\'s CloudFormation execution role)', execRole(p.primary)],
    ['an admin made in the app, under its path', w.arn('role/ops/KeyAdminRole')],
    ['an admin imported by name, whose real role has a path', w.arn('role/team/imported-admin')],
    ['an admin imported by name, whose real role has none', w.arn('role/imported-admin')],
    ['an Identity Center role of the managing permission set', w.arn(`role/aws-reserved/sso.amazonaws.com/${p.primary}/AWSReservedSSO_KeyAdmins_0123456789abcdef`)],
    ['an Identity Center role of the set, identity source in us-east-1 (no Region in the path)', w.arn('role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_KeyAdmins_0123456789abcdef')],
    ['the account root', w.arn('root')],
  ];
  test.each(managers)('control: %s may PutKeyPolicy, UpdateAlias and DeleteAlias', async (_name, principal) => {
    for (const action of ['kms:PutKeyPolicy', 'kms:UpdateAlias', 'kms:DeleteAlias']) {
      await expectKms(w.request(principal, 'Tenant', action), 'Allowed');
    }
  });

  test.each(MANAGEMENT)('a stranger with kms:* in IAM may not %s on a tenant\'s key', async (action) => {
    await expectKms(w.request(STRANGER, 'Tenant', action), 'ExplicitlyDenied');
  });

  test.each([
    ['UpdateAlias: point alias/tenant/acme at a key of its own', 'kms:UpdateAlias'],
    ['DeleteAlias, to re-create the name on a key of its own', 'kms:DeleteAlias'],
    ['CreateAlias: add a name of its own choosing to the tenant\'s key', 'kms:CreateAlias'],
  ])('alias swap: the tenant\'s own role, with kms:* in IAM, may not %s', async (_name, action) => {
    await expectKms(w.request(w.arn('role/TenantRole'), 'Tenant', action), 'ExplicitlyDenied');
  });

  test.each<[string, string]>([
    ['a deploying role of another bootstrap qualifier', w.arn(`role/cdk-other-cfn-exec-role-${ACCOUNT}-${p.primary}`)],
    ['an Identity Center role of another permission set', w.arn(`role/aws-reserved/sso.amazonaws.com/${p.primary}/AWSReservedSSO_Developers_0123456789abcdef`)],
    ['a role named like the permission set outside the reserved path', w.arn('role/AWSReservedSSO_KeyAdmins_0123456789abcdef')],
    ['a role whose name only ends like the imported admin\'s', w.arn('role/team/not-imported-admin')],
  ])('%s, with administrator IAM, may not PutKeyPolicy', async (_name, principal) => {
    await expectKms(w.request(principal, 'Tenant', 'kms:PutKeyPolicy'), 'ExplicitlyDenied');
  });

  test.each(['kms:RetireGrant', 'kms:CancelKeyDeletion', 'kms:EnableKey', 'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:ListResourceTags'])(
    'the Deny never covers %s: a stranger with kms:* in IAM is allowed it', async (action) => {
      await expectKms(w.request(STRANGER, 'Tenant', action), 'Allowed');
    });

  test('an AWS service\'s RetireGrant is not denied (it retires through its grant, which the simulator does not model)', async () => {
    await expectKms(w.request('rds.amazonaws.com', 'Tenant', 'kms:RetireGrant'), 'ImplicitlyDenied');
  });

  test('the replica Region\'s deploying role may ReplicateKey on the primary', async () => {
    await expectKms(w.request(execRole(p.replica), 'Primary', 'kms:ReplicateKey'), 'Allowed');
  });

  test.each<[string, () => string, KmsDecision]>([
    ['a stranger with kms:* in IAM', () => STRANGER, 'ExplicitlyDenied'],
    // A role name only: the bootstrap role a Region outside the set would have.
    ['a deploying role of a Region outside the set, with administrator IAM', () => execRole('us-west-2'), 'ExplicitlyDenied'],
  ])('%s may not ReplicateKey or UpdatePrimaryRegion on the primary', async (_name, principal, expected) => {
    await expectKms(w.request(principal(), 'Primary', 'kms:ReplicateKey'), expected);
    await expectKms(w.request(principal(), 'Primary', 'kms:UpdatePrimaryRegion'), expected);
  });

  test('on the replica: its own Region\'s deploying role may PutKeyPolicy, a stranger may not', async () => {
    await expectKms(w.request(execRole(p.replica), 'Replica', 'kms:PutKeyPolicy'), 'Allowed');
    await expectKms(w.request(STRANGER, 'Replica', 'kms:PutKeyPolicy'), 'ExplicitlyDenied');
    await expectKms(w.request(STRANGER, 'Replica', 'kms:UpdatePrimaryRegion'), 'ExplicitlyDenied');
  });

  test('every key of the stack, the library\'s own included, refuses the stranger and admits the deploying role', async () => {
    const ids = w.keyIdsOfStack('Keys');
    expect(ids.length).toBeGreaterThanOrEqual(4); // tenant key, rotation log key, alarm topic key, primary
    for (const id of ids) {
      await expectKms(w.requestOn('Keys', id, STRANGER, 'kms:PutKeyPolicy'), 'ExplicitlyDenied');
      await expectKms(w.requestOn('Keys', id, execRole(p.primary), 'kms:PutKeyPolicy'), 'Allowed');
    }
  });
});
