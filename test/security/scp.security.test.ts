import * as fs from 'fs';
import * as path from 'path';
import { ScpDecision, ScpRequest, loadScp, simulateScp } from './scp';

// The SCP examples the README points to, loaded from examples/scp/ and evaluated as
// AWS Organizations would. Each attack sits beside the legitimate call it must let through.

const ACCOUNT = '111111111111';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const DEPLOYING_ROLE = role(`cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`);
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const TENANT_ALIAS = `arn:aws:kms:us-east-1:${ACCOUNT}:alias/tenant/acme`;
const TENANT_ROLE = role('tenant-acme-app');

const tagKeys = (key: string) => ({ 'aws:TagKeys': [key], [`aws:RequestTag/${key}`]: 'acme' });

describe('examples/scp/tenant-tags.json, simulated', () => {
  const scp = loadScp('tenant-tags.json');

  // "Tag key-value pairs are not case sensitive" (STS AssumeRole, Tags): a session tag
  // TENANTID=acme satisfies aws:PrincipalTag/tenantId, so the SCP must match every case.
  test.each(['tenantId', 'TenantId', 'TENANTID', 'tenantid'])('attack: a non-broker passes the session tag %s', async (key) => {
    await expectScp(scp, { principalArn: role('app'), action: 'sts:TagSession', resource: TENANT_ROLE, context: tagKeys(key) }, 'ExplicitlyDenied');
  });

  test.each(['tenantId', 'TENANTID'])('control: the broker passes the session tag %s', async (key) => {
    await expectScp(scp, { principalArn: role('tenant-broker'), action: 'sts:TagSession', resource: TENANT_ROLE, context: tagKeys(key) }, 'Allowed');
  });

  test('control: a non-broker passes another session tag', async () => {
    await expectScp(scp, { principalArn: role('app'), action: 'sts:TagSession', resource: TENANT_ROLE, context: tagKeys('costCenter') }, 'Allowed');
  });

  test.each<[string, string]>([
    ['iam:TagRole', 'tenantId'], ['iam:TagRole', 'TenantId'], ['iam:TagRole', 'TENANTID'],
    ['iam:CreateRole', 'TENANTID'], ['iam:UntagRole', 'tenantid'],
  ])('attack: a non-provisioner calls %s with the tag key %s', async (action, key) => {
    const context = action === 'iam:UntagRole' ? { 'aws:TagKeys': [key] } : tagKeys(key);
    await expectScp(scp, { principalArn: role('app'), action, resource: TENANT_ROLE, context }, 'ExplicitlyDenied');
  });

  test('control: the provisioner tags a tenant role', async () => {
    await expectScp(scp, { principalArn: role('tenant-provisioner'), action: 'iam:TagRole', resource: TENANT_ROLE, context: tagKeys('TenantId') }, 'Allowed');
  });

  // With tenantPrincipalPath: '/tenants/', a role under the path is a tenant principal; only
  // the provisioner may create one there or change who may assume it.
  test.each(['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole'])('attack: a non-provisioner calls %s under /tenants/', async (action) => {
    await expectScp(scp, { principalArn: role('app'), action, resource: role('tenants/acme-app') }, 'ExplicitlyDenied');
  });

  test('control: the provisioner creates a role under /tenants/', async () => {
    await expectScp(scp, { principalArn: role('tenant-provisioner'), action: 'iam:CreateRole', resource: role('tenants/acme-app') }, 'Allowed');
  });

  test('control: a non-provisioner creates a role elsewhere', async () => {
    await expectScp(scp, { principalArn: role('app'), action: 'iam:CreateRole', resource: role('apps/worker') }, 'Allowed');
  });

  test('attack: an administrator with kms:* rewrites a key policy', async () => {
    await expectScp(scp, { principalArn: role('admin'), action: 'kms:PutKeyPolicy', resource: KEY }, 'ExplicitlyDenied');
  });

  // A deploy that adds a grant to a TenantKey rewrites its key policy, as the CDK's
  // CloudFormation execution role: denying it would fail every such deploy.
  test('control: the CDK deploying role rewrites a key policy', async () => {
    await expectScp(scp, { principalArn: DEPLOYING_ROLE, action: 'kms:PutKeyPolicy', resource: KEY }, 'Allowed');
  });

  test('control: break-glass rewrites a key policy', async () => {
    await expectScp(scp, { principalArn: role('break-glass-kms'), action: 'kms:PutKeyPolicy', resource: KEY }, 'Allowed');
  });

  test('attack: a principal creates a grant for itself', async () => {
    await expectScp(scp, { principalArn: role('app'), action: 'kms:CreateGrant', resource: KEY, context: { 'kms:GrantIsForAWSResource': 'false' } }, 'ExplicitlyDenied');
  });

  test('control: a grant for an AWS resource (EBS, RDS) passes', async () => {
    await expectScp(scp, { principalArn: role('app'), action: 'kms:CreateGrant', resource: KEY, context: { 'kms:GrantIsForAWSResource': 'true' } }, 'Allowed');
  });
});

describe('examples/scp/tenant-aliases.json, simulated', () => {
  const scp = loadScp('tenant-aliases.json');

  // No key policy can stop this: once alias/tenant/acme is deleted, the name belongs to
  // no key, and CreateAlias is authorized by the new target key's policy only.
  test.each(['kms:UpdateAlias', 'kms:DeleteAlias', 'kms:CreateAlias'])('attack: a principal with kms:* calls %s on a tenant alias', async (action) => {
    await expectScp(scp, { principalArn: role('admin'), action, resource: TENANT_ALIAS }, 'ExplicitlyDenied');
  });

  test.each(['kms:UpdateAlias', 'kms:DeleteAlias', 'kms:CreateAlias'])('control: the CDK deploying role calls %s on a tenant alias', async (action) => {
    await expectScp(scp, { principalArn: DEPLOYING_ROLE, action, resource: TENANT_ALIAS }, 'Allowed');
  });

  test('control: aliases outside alias/tenant/ are left alone', async () => {
    await expectScp(scp, { principalArn: role('admin'), action: 'kms:UpdateAlias', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/reports` }, 'Allowed');
  });
});

describe('examples/scp/', () => {
  const files = fs.readdirSync(path.join(__dirname, '..', '..', 'examples', 'scp')).filter(f => f.endsWith('.json'));

  test('holds the two SCPs, and the README links each', () => {
    expect(files.sort()).toEqual(['tenant-aliases.json', 'tenant-tags.json']);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    files.forEach(f => expect(readme).toContain(`(examples/scp/${f})`));
  });

  test.each(files)('%s matches aws:TagKeys only with IgnoreCase operators', (file) => {
    const statements = (loadScp(file) as { Statement: Array<{ Condition?: Record<string, Record<string, unknown>> }> }).Statement;
    const operators = statements.flatMap(st => Object.entries(st.Condition ?? {}))
      .filter(([, block]) => Object.keys(block).some(k => k.toLowerCase() === 'aws:tagkeys'))
      .map(([operator]) => operator);
    operators.forEach(op => expect(op).toMatch(/IgnoreCase$/));
  });
});

async function expectScp(scp: unknown, request: ScpRequest, expected: ScpDecision): Promise<void> {
  expect(await simulateScp(scp, request)).toBe(expected);
}
