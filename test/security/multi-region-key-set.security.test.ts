import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { builtBeforeAll, kmsStar } from './fixture';
import { MultiRegionKeySet } from '../../src';
import {
  RegionalTemplate, regionalKeyArnFor, regionalTemplates, resolvedRegionalIdentityPolicies, resolvedRegionalKeyPolicy,
} from '../helpers/multi-region';
import { FAKE_ENV, principalArnFor } from '../helpers/resolve-template';
import { KmsDecision, KmsRequest, expectKms, simulateKms } from '../helpers/simulate';

// What a multi-Region key set promises, evaluated as AWS would evaluate the synthesized
// key policies (primary and replicas) and IAM policies: every Region's key admits the
// same principals, for the same actions, and no others. Each denial has a positive
// control beside it: the same request with the one fact changed that decides it.

const PRIMARY = FAKE_ENV.region; // us-east-1: resolve-template's environment
const REPLICAS = ['eu-west-1', 'eu-central-1'];
const REGIONS = [PRIMARY, ...REPLICAS];

interface Fixture {
  readonly all: RegionalTemplate[];
  /** The stack (by Region) and logical ID of each Region's key. */
  readonly keys: Map<string, { stack: RegionalTemplate; logicalId: string }>;
  /** Each role's stack and logical ID. */
  readonly roles: Map<string, { stack: RegionalTemplate; logicalId: string }>;
}

function logicalIdOf(c: IConstruct): string {
  const cfn = (c.node.defaultChild ?? c) as CfnResource;
  return Stack.of(cfn).resolve(cfn.logicalId);
}

function buildFixture(): Fixture {
  const app = new App();
  const primary = new Stack(app, 'Security', { env: { account: FAKE_ENV.account, region: PRIMARY } });
  const role = (stack: Stack, name: string, ...statements: iam.PolicyStatement[]) => {
    const r = new iam.Role(stack, name, { roleName: name, assumedBy: new iam.AccountRootPrincipal() });
    statements.forEach(s => r.addToPolicy(s));
    return r;
  };
  const keyAdmin = role(primary, 'KeyAdminRole');
  const set = new MultiRegionKeySet(primary, 'Keys', { replicaRegions: REPLICAS, alias: 'data', admins: [keyAdmin] });
  const euWest = set.replicaStack('eu-west-1');

  const roles = {
    KeyAdminRole: keyAdmin,
    // Granted through the set, in the primary stack: decrypt (and encrypt) everywhere.
    WriterRole: role(primary, 'WriterRole'),
    // Granted through the set, in a replica stack: what a DR workload in eu-west-1 looks like.
    DrReaderRole: role(euWest, 'DrReaderRole'),
    // Granted on one replica only, through replicaKey(region).
    LocalReaderRole: role(euWest, 'LocalReaderRole'),
    // kms:* in IAM on every key: the account-root delegation lets IAM decide, but for key management.
    PowerUserRole: role(primary, 'PowerUserRole', kmsStar()),
    // Nothing at all.
    UngrantedRole: role(primary, 'UngrantedRole'),
  };
  set.grantEncryptDecrypt(roles.WriterRole);
  set.grantDecrypt(roles.DrReaderRole);
  set.replicaKey('eu-west-1').grantDecrypt(roles.LocalReaderRole);

  const all = regionalTemplates(app);
  const byStack = (stack: Stack) => all.find(t => t.stackName === stack.stackName)!;
  const keys = new Map<string, { stack: RegionalTemplate; logicalId: string }>([
    [PRIMARY, { stack: byStack(primary), logicalId: logicalIdOf(set.primaryKey) }],
    ...REPLICAS.map(r => [r, { stack: byStack(set.replicaStack(r)), logicalId: logicalIdOf(set.replicaKey(r)) }] as const),
  ]);
  const roleEntries = Object.entries(roles).map(([name, r]) => [name, { stack: byStack(Stack.of(r)), logicalId: logicalIdOf(r) }] as const);
  return { all, keys, roles: new Map(roleEntries) };
}

describe('MultiRegionKeySet, simulated', () => {
  const fixture = builtBeforeAll(buildFixture);

  function request(roleName: string, region: string, action: string, extra: Partial<KmsRequest> = {}): KmsRequest {
    const key = fixture().keys.get(region)!;
    const role = fixture().roles.get(roleName)!;
    return {
      keyPolicy: resolvedRegionalKeyPolicy(key.stack, fixture().all, key.logicalId),
      keyArn: regionalKeyArnFor(key.stack, fixture().all, key.logicalId),
      principalArn: principalArnFor(role.stack.template, role.logicalId),
      identityPolicies: resolvedRegionalIdentityPolicies(role.stack, fixture().all, role.logicalId),
      action,
      ...extra,
    };
  }

  test('every key has the same key ID, in its own Region', () => {
    const arns = REGIONS.map(r => regionalKeyArnFor(fixture().keys.get(r)!.stack, fixture().all, fixture().keys.get(r)!.logicalId));
    const ids = new Set(arns.map(a => a.split('/')[1]));
    expect(ids.size).toBe(1);
    expect(arns.map(a => a.split(':')[3])).toEqual(REGIONS);
  });

  /** A key policy with the key-management Deny's manager list taken out, and that list. */
  function splitManagers(region: string): { policy: any; managers: string[] } {
    const key = fixture().keys.get(region)!;
    const policy = structuredClone(resolvedRegionalKeyPolicy(key.stack, fixture().all, key.logicalId)) as any;
    const deny = policy.Statement.find((st: any) => st.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers');
    const managers = deny.Condition.ArnNotLike['aws:PrincipalArn'];
    deny.Condition.ArnNotLike['aws:PrincipalArn'] = '<managers>';
    return { policy, managers };
  }
  const execRole = (region: string) => `arn:aws:iam::${FAKE_ENV.account}:role/cdk-hnb659fds-cfn-exec-role-${FAKE_ENV.account}-${region}`;
  const ADMIN_ARN = `arn:aws:iam::${FAKE_ENV.account}:role/KeyAdminRole`;
  const ROOT_ARN = `arn:aws:iam::${FAKE_ENV.account}:root`;

  test.each(REPLICAS)('the replica in %s has the primary\'s key policy, resolved, but for the managers', (region) => {
    expect(splitManagers(region).policy).toEqual(splitManagers(PRIMARY).policy);
  });

  test.each(REPLICAS)('the replica in %s is managed by the admin, its own Region\'s deploying role and the root', (region) => {
    expect(splitManagers(region).managers).toEqual([ADMIN_ARN, execRole(region), ROOT_ARN]);
  });

  test('the primary is managed by the admin, every Region\'s deploying role (ReplicateKey is authorized by its policy) and the root', () => {
    expect(splitManagers(PRIMARY).managers).toEqual([ADMIN_ARN, execRole(PRIMARY), ROOT_ARN, ...REPLICAS.map(execRole)]);
  });

  // The same request in every Region: the decision must not depend on the Region.
  const everywhere: Array<[string, string, string, Partial<KmsRequest>, KmsDecision]> = [
    // Key administrators administer and cannot use.
    ['the key admin can put the key policy', 'KeyAdminRole', 'kms:PutKeyPolicy', {}, 'Allowed'],
    ['the key admin can schedule deletion', 'KeyAdminRole', 'kms:ScheduleKeyDeletion', {}, 'Allowed'],
    ['the key admin cannot decrypt', 'KeyAdminRole', 'kms:Decrypt', {}, 'ImplicitlyDenied'],
    ['the key admin cannot generate a data key', 'KeyAdminRole', 'kms:GenerateDataKey', {}, 'ImplicitlyDenied'],
    // Account-root delegation: IAM decides for the account's principals.
    ['a role with kms:* in IAM can decrypt (root delegation)', 'PowerUserRole', 'kms:Decrypt', {}, 'Allowed'],
    ['a role with kms:* in IAM cannot rewrite the key policy: it is no key manager', 'PowerUserRole', 'kms:PutKeyPolicy', {}, 'ExplicitlyDenied'],
    // CT.KMS.PR.3 in every Region.
    ['a role with kms:* in IAM cannot create a grant for itself', 'PowerUserRole', 'kms:CreateGrant', {}, 'ExplicitlyDenied'],
    ['control: a grant for an AWS resource passes the guard rail', 'PowerUserRole', 'kms:CreateGrant',
      { extraContext: { 'kms:GrantIsForAWSResource': 'true' } }, 'Allowed'],
    // Grants through the set reach every Region's key.
    ['a role granted encrypt/decrypt in the primary stack can decrypt', 'WriterRole', 'kms:Decrypt', {}, 'Allowed'],
    ['a role granted encrypt/decrypt in the primary stack can generate a data key', 'WriterRole', 'kms:GenerateDataKey', {}, 'Allowed'],
    ['a role granted encrypt/decrypt cannot administer the key', 'WriterRole', 'kms:ScheduleKeyDeletion', {}, 'ExplicitlyDenied'],
    ['a role granted decrypt in a replica stack can decrypt', 'DrReaderRole', 'kms:Decrypt', {}, 'Allowed'],
    ['a role granted decrypt only cannot encrypt', 'DrReaderRole', 'kms:Encrypt', {}, 'ImplicitlyDenied'],
    // Nobody else.
    ['an ungranted role cannot decrypt', 'UngrantedRole', 'kms:Decrypt', {}, 'ImplicitlyDenied'],
    ['an ungranted role cannot describe the key', 'UngrantedRole', 'kms:DescribeKey', {}, 'ImplicitlyDenied'],
  ];

  describe.each(REGIONS)('the key in %s', (region) => {
    test.each(everywhere)('%s', async (_name, role, action, extra, expected) => {
      await expectKms(request(role, region, action, extra), expected);
    });
  });

  test('every request above gets the same decision from the primary and from each replica', async () => {
    for (const [name, role, action, extra] of everywhere) {
      const decisions = await Promise.all(REGIONS.map(r => simulateKms(request(role, r, action, extra))));
      expect({ name, decisions }).toEqual({ name, decisions: REGIONS.map(() => decisions[0]) });
    }
  });

  test.each<[string, string, KmsDecision]>([
    ['decrypts with the eu-west-1 replica it was granted', 'eu-west-1', 'Allowed'],
    ['cannot decrypt with the eu-central-1 replica', 'eu-central-1', 'ImplicitlyDenied'],
    ['cannot decrypt with the primary', PRIMARY, 'ImplicitlyDenied'],
  ])('a role granted through replicaKey(\'eu-west-1\') %s', async (_name, region, expected) => {
    await expectKms(request('LocalReaderRole', region, 'kms:Decrypt'), expected);
  });
});
