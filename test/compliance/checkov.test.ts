// checkov (PyPI, pinned in scripts/requirements-dev.txt) is the policy scanner many
// organisations gate CloudFormation and CDK apps with. It runs here on every example's
// template and on an app with every construct at its defaults: every failed check fails
// the test. What the library creates either passes, or carries the check's id and its
// reason in the resource's `Metadata.checkov.skip` (the template form checkov reads),
// beside the matching cdk-nag acknowledgement.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  CrossAccountDecryptKey, EncryptionMonitor, MultiRegionKeySet, RandomTokenRotation, RotatedSecret, RotationVerification,
  SharedTenantKey, TenantKey,
} from '../../src';
import { RotationVerificationProvider } from '../../src/rotation-verification/provider';
import { synthesizeExamples } from '../helpers/examples';

const ROOT = path.resolve(__dirname, '..', '..');
const CHECKOV = path.join(ROOT, '.venv-checkov', 'bin', 'checkov');

interface CheckovResult {
  readonly check_id: string;
  readonly resource: string;
  readonly file_path: string;
  readonly check_name: string;
  readonly check_result: { result: string; suppress_comment?: string };
}
interface CheckovReport {
  readonly results: { failed_checks: CheckovResult[]; skipped_checks: CheckovResult[]; passed_checks: CheckovResult[] };
}

/** Runs checkov on the templates (offline: no policy or guideline download). */
function checkov(templates: string[]): CheckovReport {
  let out: string;
  try {
    out = execFileSync(CHECKOV, ['--framework', 'cloudformation', '--output', 'json', '--compact', '--skip-download',
      ...templates.flatMap(t => ['--file', t])], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    // Exit code 1 means failed checks; the report is on stdout all the same.
    out = (e as { stdout?: string }).stdout ?? '';
    if (!out) throw e;
  }
  const parsed = JSON.parse(out) as CheckovReport | CheckovReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const all = (k: keyof CheckovReport['results']) => reports.flatMap(r => r.results?.[k] ?? []);
  return { results: { failed_checks: all('failed_checks'), skipped_checks: all('skipped_checks'), passed_checks: all('passed_checks') } };
}

const findings = (r: CheckovReport) => r.results.failed_checks
  .map(c => `${path.basename(c.file_path)} ${c.resource}: ${c.check_id} ${c.check_name}`).sort();

/** Writes each stack's template into `dir`, as `cdk synth` would. */
function writeTemplates(app: App, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const assembly = app.synth({ force: true });
  return assembly.stacks.map(s => {
    const file = path.join(dir, `${s.stackName}.template.json`);
    fs.writeFileSync(file, JSON.stringify(s.template, undefined, 1));
    return file;
  });
}

/** Every construct of the library at its defaults, and the verification provider in a VPC too. */
function everyConstruct(outdir: string): App {
  const app = new App({ outdir });
  const env = { account: '111111111111', region: 'us-east-1' };
  const stack = new Stack(app, 'Everything', { env });
  const workload = new iam.Role(stack, 'Workload', { assumedBy: new iam.AccountRootPrincipal() });
  new EncryptionMonitor(stack, 'Monitor');
  new TenantKey(stack, 'Tenant', { tenantId: 'acme' }).grantEncryptDecrypt(workload);
  new SharedTenantKey(stack, 'Shared', { alias: 'shared/tenants' }).grantTenantAccess(workload);
  new CrossAccountDecryptKey(stack, 'CrossAccount', { consumerAccountIds: ['222222222222'], alias: 'shared/reports' });
  const rotation = new RandomTokenRotation(stack, 'TokenRotation');
  new RotatedSecret(stack, 'Token', { rotationLambda: rotation.function, rotationInterval: Duration.days(30) });
  new MultiRegionKeySet(stack, 'Regions', { replicaRegions: ['eu-west-1'], alias: 'orders/data' });

  const networked = new Stack(app, 'InVpc', { env });
  const vpc = ec2.Vpc.fromVpcAttributes(networked, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'],
  });
  RotationVerification.useNetwork(networked, { vpc });
  new TenantKey(networked, 'Tenant', { tenantId: 'globex' });
  return app;
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkov-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('checkov finds nothing unacknowledged in any example', () => {
  const templates = synthesizeExamples(path.join(dir, 'examples')).map(s => s.templatePath);
  expect(templates.length).toBeGreaterThan(0);
  const report = checkov(templates);
  expect(findings(report)).toEqual([]);
  expect(report.results.passed_checks.length).toBeGreaterThan(0);
});

test('checkov finds nothing unacknowledged on every construct at its defaults, the provider in a VPC included', () => {
  const out = path.join(dir, 'every');
  const templates = writeTemplates(everyConstruct(path.join(out, 'cdk.out')), out);
  const report = checkov(templates);
  expect(findings(report)).toEqual([]);
  // Every acknowledgement carries its reason into checkov's report.
  expect(report.results.skipped_checks.length).toBeGreaterThan(0);
  const unexplained = report.results.skipped_checks.filter(c => (c.check_result.suppress_comment ?? '').length < 40);
  expect(unexplained.map(c => `${c.resource} ${c.check_id}`)).toEqual([]);
  expect([...new Set(report.results.skipped_checks.map(c => c.check_id))].sort())
    .toEqual(['CKV_AWS_111', 'CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117', 'CKV_AWS_18']);
  // In a VPC, the provider's functions are not excused from CKV_AWS_117: they pass it.
  const inVpc = report.results.skipped_checks.filter(c => path.basename(c.file_path).startsWith('InVpc') && c.check_id === 'CKV_AWS_117');
  expect(inVpc).toEqual([]);
});

test('control: checkov reports a function nobody acknowledged', () => {
  // The library's acknowledgements are on its own resources only: a plain function of the
  // app still gets checkov's findings, so the tests above can fail.
  const app = new App({ outdir: path.join(dir, 'control', 'cdk.out') });
  const stack = new Stack(app, 'Control');
  new lambda.Function(stack, 'Plain', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    environment: { MODE: 'plain' },
  });
  const ids = checkov(writeTemplates(app, path.join(dir, 'control'))).results.failed_checks.map(c => c.check_id);
  expect(ids).toEqual(expect.arrayContaining(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117', 'CKV_AWS_173']));
});

test('the provider\'s functions encrypt their environment with the provider\'s own key (CKV_AWS_173 fixed, not skipped)', () => {
  const stack = new Stack(new App(), 'S');
  new TenantKey(stack, 'Tenant', { tenantId: 'acme' });
  const provider = stack.node.findChild(RotationVerificationProvider.ID) as RotationVerificationProvider;
  const keyId = stack.getLogicalId(provider.logKey.node.defaultChild as CfnElement);
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  expect(Object.keys(functions)).toHaveLength(5);
  for (const fn of Object.values(functions)) {
    expect(fn.Properties.KmsKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  }
});
