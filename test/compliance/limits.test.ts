// Service limits and name grammars AWS enforces only at deploy time, checked over every
// template the library synthesizes: each example app (test/helpers/examples.ts) and one app
// that uses every construct with every option, with construct paths and a stack name at the
// long end of what a user may choose. Intrinsics are replaced by the longest value they can
// take once deployed (the longest Region, partition and URL suffix, a multi-Region key ID,
// a 140-character secret ARN, ...), so a check that passes here passes in every account.
//
// Each limit names the AWS document and section it comes from.
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  CrossAccountDecryptKey, EncryptionMonitor, MonitorScope, MonitorTrail, MultiRegionKeySet, RandomTokenRotation, RotatedSecret,
  RotationVerification, ServiceExemption, SharedTenantKey, TenantKey,
} from '../../src';
import { DB_CONNECTION } from '../helpers/db-connection';
import { synthesizeExamples } from '../helpers/examples';

const TMP_DIR = path.resolve(__dirname, '..', '..', '.tmp');

/** "Amazon EventBridge quotas": event pattern size, 2,048 characters by default (adjustable); the monitor assumes the default. */
const EVENT_PATTERN_LIMIT = 2048;

// ---------------------------------------------------------------------------------------
// The templates

interface Synthesized {
  readonly source: string;
  readonly stackName: string;
  readonly template: { Resources: Record<string, { Type: string; Properties?: any }> };
}

/** The longest stack name CloudFormation accepts ("CreateStack": StackName, 128 characters). */
const LONG_STACK_NAME = `Encryption${'x'.repeat(108)}Stack01`;
/** A construct id as long as a user might write one. */
const LONG_ID = (base: string) => `${base}${'Long'.repeat(12)}`;

/**
 * One app using every construct with every option it has, in a stack and with ids at the
 * long end. Options that exclude each other get a construct each; the verification's VPC is
 * left out: every verification of a stack shares one provider, and its network adds no name.
 */
function everyConstruct(): Synthesized[] {
  const app = new App();
  const stack = new Stack(app, 'Everything', { stackName: LONG_STACK_NAME, env: { account: '111111111111', region: 'us-east-1' } });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const workload = new iam.Role(stack, 'Workload', { assumedBy: new iam.AccountRootPrincipal() });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  });
  const keyOptions = {
    admins: [admin],
    description: 'd'.repeat(300),
    rotationPeriod: Duration.days(90),
    pendingWindow: Duration.days(7),
    removalPolicy: RemovalPolicy.RETAIN,
    restrictGrantsToAwsServices: true,
  };

  // The stack's monitor first, with every option: it creates the app's trail.
  const monitor = new EncryptionMonitor(stack, LONG_ID('Monitor'), {
    trail: MonitorTrail.createOncePerApp(),
    deniedDecryptThreshold: 3,
    deniedCallThreshold: 7,
    evaluationPeriods: 2,
    period: Duration.minutes(10),
    scope: MonitorScope.MONITORED_RESOURCES,
    rotationGracePeriod: Duration.days(2),
    dashboard: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const tenant = new TenantKey(stack, LONG_ID('Tenant'), {
    ...keyOptions,
    tenantId: `tenant-${'a'.repeat(50)}`,
    aliasPrefix: 'tenants/by-id',
    encryptionContextKey: 'tenantId',
    tenantTagKey: 'tenant',
    serviceExemptions: [ServiceExemption.s3(), ServiceExemption.secretsManager(), ServiceExemption.sqs()],
  });
  tenant.grantEncryptDecrypt(workload);
  new SharedTenantKey(stack, LONG_ID('Shared'), {
    ...keyOptions,
    alias: 'shared/tenants',
    tenantTagKey: 'tenantId',
    encryptionContextKey: 'tenantId',
    serviceExemptions: [ServiceExemption.s3()],
  }).grantTenantAccess(workload);
  new CrossAccountDecryptKey(stack, LONG_ID('CrossAccount'), {
    ...keyOptions,
    consumerAccountIds: ['222222222222', '333333333333'],
    consumerOrganizationId: 'o-abcdefghij',
    alias: 'shared/cross-account',
    viaServices: ['s3.us-east-1.amazonaws.com'],
    requiredEncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::reports-bucket' },
  });
  // ReEncryptFrom cannot be combined with a required context (undocumented semantics).
  new CrossAccountDecryptKey(stack, LONG_ID('ReEncrypt'), {
    ...keyOptions,
    consumerAccountIds: ['222222222222'],
    alias: 'shared/re-encrypt',
    allowReEncryptFrom: true,
  });
  // Snapshot sharing excludes a required encryption context (EC2 and RDS set their own).
  new CrossAccountDecryptKey(stack, LONG_ID('Snapshots'), {
    ...keyOptions,
    consumerAccountIds: ['222222222222'],
    alias: 'shared/snapshots',
    allowSnapshotAndAmiSharing: true,
  });
  const rotation = new RandomTokenRotation(stack, LONG_ID('TokenRotation'), { tokenLength: 64, excludePunctuation: false, removalPolicy: RemovalPolicy.RETAIN });
  new RotatedSecret(stack, LONG_ID('Token'), {
    rotationLambda: rotation.function,
    rotationInterval: Duration.hours(12),
    rotateImmediatelyOnUpdate: true,
    generateSecretString: { passwordLength: 48 },
    description: 'API token',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  new RotatedSecret(stack, LONG_ID('Db'), { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc }), generateSecretString: DB_CONNECTION });
  new RotationVerification(stack, LONG_ID('Verify'), {
    keys: [tenant.key],
    secrets: [new secretsmanager.Secret(stack, 'Plain')],
    maxKeyRotationPeriod: Duration.days(365),
    maxSecretRotationInterval: Duration.days(30),
    rotationGracePeriod: Duration.days(1),
    testRotation: true,
    strict: true,
  });
  // In a stack of its own with an ordinary name: its replica stacks' names grow from the
  // primary's (the long-name case is the test 'MultiRegionKeySet replica stack names').
  const keysStack = new Stack(app, 'Keys', { env: { account: '111111111111', region: 'us-east-1' } });
  new MultiRegionKeySet(keysStack, LONG_ID('Regions'), { ...keyOptions, replicaRegions: ['eu-west-1', 'ap-southeast-2'], alias: 'orders/data' });
  void monitor;

  return app.node.findAll().filter(Stack.isStack).map(s => ({
    source: 'every construct',
    stackName: s.stackName,
    template: Template.fromStack(s).toJSON() as Synthesized['template'],
  }));
}

// ---------------------------------------------------------------------------------------
// Deployed values: intrinsics replaced by the longest value they can take

/** The longest Region name (15), partition (10) and URL suffix of any partition. */
const LONGEST = { region: 'us-isof-south-1', partition: 'aws-us-gov', account: '123456789012', urlSuffix: 'amazonaws.com.cn' };
const MRK_ID = `mrk-${'0'.repeat(32)}`;
/** The monitor's own bound on a secret's ARN (src/monitoring/encryption-monitor.ts). */
const SECRET_ARN = `arn:${LONGEST.partition}:secretsmanager:${LONGEST.region}:${LONGEST.account}:secret:`.padEnd(140, 's');
const arn = (service: string, resource: string) => `arn:${LONGEST.partition}:${service}:${LONGEST.region}:${LONGEST.account}:${resource}`;

/** What `Ref` to a resource of each type returns at most, as far as the templates use it. */
function refOf(s: Synthesized, id: string): string {
  const r = s.template.Resources[id];
  const props = r?.Properties ?? {};
  const named = (prop: string, max: number) => (typeof props[prop] === 'string' ? props[prop] : 'n'.repeat(max));
  switch (r?.Type) {
    case 'AWS::KMS::Key': case 'AWS::KMS::ReplicaKey': return MRK_ID;
    case 'AWS::SecretsManager::Secret': return SECRET_ARN;
    case 'AWS::Config::ConfigRule': return named('ConfigRuleName', 128);
    case 'AWS::Lambda::Function': return named('FunctionName', 64);
    case 'AWS::IAM::Role': return named('RoleName', 64);
    case 'AWS::Logs::LogGroup': return typeof props.LogGroupName === 'string' ? props.LogGroupName : 'l'.repeat(512);
    case 'AWS::S3::Bucket': return 'b'.repeat(63);
    case 'AWS::SNS::Topic': return arn('sns', 't'.repeat(256));
    case 'AWS::SQS::Queue': return `https://sqs.${LONGEST.region}.${LONGEST.urlSuffix}/${LONGEST.account}/${'q'.repeat(80)}`;
    case 'AWS::Events::Rule': return named('Name', 64);
    case 'AWS::StepFunctions::StateMachine': return arn('states', `stateMachine:${'m'.repeat(80)}`);
    case 'AWS::CloudTrail::Trail': return named('TrailName', 128);
    case 'AWS::IAM::ManagedPolicy': return arn('iam', `policy/${'p'.repeat(128)}`).replace(`:${LONGEST.region}:`, '::');
    case 'AWS::EC2::SecurityGroup': return 'sg-0123456789abcdef0';
    default: throw new Error(`${s.stackName}: no deployed value known for Ref to ${id} (${r?.Type})`);
  }
}

function getAttOf(s: Synthesized, id: string, attr: string): string {
  const type = s.template.Resources[id]?.Type;
  if (attr === 'Arn') {
    switch (type) {
      case 'AWS::KMS::Key': case 'AWS::KMS::ReplicaKey': return arn('kms', `key/${MRK_ID}`);
      case 'AWS::IAM::Role': return arn('iam', `role/${refOf(s, id)}`).replace(`:${LONGEST.region}:`, '::');
      case 'AWS::Logs::LogGroup': return arn('logs', `log-group:${refOf(s, id)}:*`);
      case 'AWS::Lambda::Function': return arn('lambda', `function:${refOf(s, id)}`);
      case 'AWS::S3::Bucket': return `arn:${LONGEST.partition}:s3:::${refOf(s, id)}`;
      case 'AWS::SQS::Queue': return arn('sqs', 'q'.repeat(80));
      case 'AWS::Events::Rule': return arn('events', `rule/${refOf(s, id)}`);
      case 'AWS::CloudTrail::Trail': return arn('cloudtrail', `trail/${refOf(s, id)}`);
      case 'AWS::StepFunctions::StateMachine': return refOf(s, id);
      case 'AWS::SNS::Topic': return refOf(s, id);
      default:
    }
  }
  if ((type === 'AWS::KMS::Key' || type === 'AWS::KMS::ReplicaKey') && attr === 'KeyId') return MRK_ID;
  if (type === 'AWS::SQS::Queue' && attr === 'QueueName') return 'q'.repeat(80);
  if (type === 'AWS::SNS::Topic' && attr === 'TopicName') return 't'.repeat(256);
  if (type === 'AWS::S3::Bucket' && attr === 'DomainName') return `${refOf(s, id)}.s3.${LONGEST.urlSuffix}`;
  throw new Error(`${s.stackName}: no deployed value known for Fn::GetAtt ${id}.${attr} (${type})`);
}

function pseudo(s: Synthesized, name: string): string {
  switch (name) {
    case 'AWS::Region': return LONGEST.region;
    case 'AWS::AccountId': return LONGEST.account;
    case 'AWS::Partition': return LONGEST.partition;
    case 'AWS::URLSuffix': return LONGEST.urlSuffix;
    case 'AWS::StackName': return s.stackName;
    case 'AWS::StackId': return arn('cloudformation', `stack/${s.stackName}/00000000-0000-0000-0000-000000000000`);
    default: throw new Error(`unknown pseudo parameter ${name}`);
  }
}

/** `value` as deployed, every intrinsic at its longest. */
function deployed(s: Synthesized, value: unknown): any {
  if (Array.isArray(value)) return value.map(v => deployed(s, v));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [fn, arg] = entries[0] as [string, any];
    switch (fn) {
      case 'Ref': return arg.startsWith('AWS::') ? pseudo(s, arg) : refOf(s, arg);
      case 'Fn::GetAtt': { const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.'); return getAttOf(s, id, attr); }
      case 'Fn::Join': return (deployed(s, arg[1]) as string[]).join(arg[0]);
      case 'Fn::Select': return (deployed(s, arg[1]) as string[])[Number(arg[0])];
      case 'Fn::Split': return String(deployed(s, arg[1])).split(arg[0]);
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
          if (name in vars) return String(deployed(s, vars[name]));
          const [id, attr] = name.split('.');
          return attr ? getAttOf(s, id, attr) : (name.startsWith('AWS::') ? pseudo(s, name) : refOf(s, name));
        });
      }
      // A weak cross-Region reference of a replica stack: the primary key's ARN.
      case 'Fn::GetStackOutput': return arn('kms', `key/${MRK_ID}`);
      default:
        if (fn.startsWith('Fn::')) throw new Error(`unsupported intrinsic ${fn}`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, deployed(s, v)]));
}

// ---------------------------------------------------------------------------------------
// The limits

interface Finding { readonly where: string; readonly problem: string }
type Check = (s: Synthesized, id: string, props: any) => Finding[];

const at = (s: Synthesized, id: string, prop: string) => `${s.source}: ${s.stackName}/${id}.${prop}`;

/** A string property within `max` characters and, when given, matching `pattern`; absent means CloudFormation generates it. */
function nameRule(prop: string, max: number, pattern?: RegExp, min = 1): Check {
  return (s, id, props) => {
    if (props[prop] === undefined) return [];
    const value = String(deployed(s, props[prop]));
    const problems: string[] = [];
    if (value.length < min || value.length > max) problems.push(`${value.length} characters, not ${min}-${max}`);
    if (pattern && !pattern.test(value)) problems.push(`does not match ${pattern}`);
    return problems.map(p => ({ where: at(s, id, prop), problem: `${p}: ${value.slice(0, 300)}` }));
  };
}

/** Every policy document a resource carries, by property. */
const POLICY_PROPERTIES: Record<string, string[]> = {
  'AWS::IAM::Policy': ['PolicyDocument'],
  'AWS::IAM::ManagedPolicy': ['PolicyDocument'],
  'AWS::IAM::Role': ['AssumeRolePolicyDocument'],
  'AWS::KMS::Key': ['KeyPolicy'],
  'AWS::KMS::ReplicaKey': ['KeyPolicy'],
  'AWS::S3::BucketPolicy': ['PolicyDocument'],
  'AWS::SNS::TopicPolicy': ['PolicyDocument'],
  'AWS::SQS::QueuePolicy': ['PolicyDocument'],
  'AWS::SecretsManager::ResourcePolicy': ['ResourcePolicy'],
};

/**
 * "IAM JSON policy elements: Sid": ASCII letters and digits only, unique within the policy.
 * The grammar IAM enforces; other services' resource policies accept it too, so one grammar
 * holds for every policy the library writes.
 */
const sids: Check = (s, id, props) => {
  const docs = [
    ...(POLICY_PROPERTIES[s.template.Resources[id].Type] ?? []).map(p => [p, props[p]] as const),
    ...((props.Policies ?? []) as any[]).map((p, i) => [`Policies[${i}]`, p.PolicyDocument] as const),
  ].filter(([, doc]) => doc);
  return docs.flatMap(([prop, doc]) => {
    const list: string[] = ([doc.Statement ?? []].flat() as any[]).map(st => st.Sid).filter((sid): sid is string => sid !== undefined);
    const bad = list.filter(sid => !/^[A-Za-z0-9]*$/.test(sid)).map(sid => `Sid "${sid}" has characters other than ASCII letters and digits`);
    const dupes = list.filter((sid, i) => list.indexOf(sid) !== i).map(sid => `Sid "${sid}" appears more than once`);
    return [...bad, ...dupes].map(problem => ({ where: at(s, id, prop), problem }));
  });
};

/** The event pattern, as EventBridge receives it, within the quota. */
const eventPattern: Check = (s, id, props) => {
  if (!props.EventPattern) return [];
  const length = JSON.stringify(deployed(s, props.EventPattern)).length;
  return length > EVENT_PATTERN_LIMIT ? [{ where: at(s, id, 'EventPattern'), problem: `${length} characters, over ${EVENT_PATTERN_LIMIT}` }] : [];
};

/**
 * "PutTargets" / "InputTransformer" (Amazon EventBridge API Reference): a target's Input and
 * an InputTemplate hold at most 8,192 characters; an InputPathsMap at most 100 entries.
 */
const targetInputs: Check = (s, id, props) => ((props.Targets ?? []) as any[]).flatMap((t, i) => {
  const findings: Finding[] = [];
  const size = (prop: string, value: unknown) => {
    const length = typeof value === 'string' ? String(deployed(s, value)).length : JSON.stringify(deployed(s, value)).length;
    if (length > 8192) findings.push({ where: at(s, id, `Targets[${i}].${prop}`), problem: `${length} characters, over 8192` });
  };
  if (t.Input !== undefined) size('Input', t.Input);
  if (t.InputTransformer?.InputTemplate !== undefined) size('InputTransformer.InputTemplate', t.InputTransformer.InputTemplate);
  const paths = Object.keys(t.InputTransformer?.InputPathsMap ?? {}).length;
  if (paths > 100) findings.push({ where: at(s, id, `Targets[${i}].InputTransformer.InputPathsMap`), problem: `${paths} entries, over 100` });
  return findings;
});

/**
 * "Naming requirements for CloudTrail resources, S3 buckets, and KMS keys", CloudTrail resource
 * naming requirements: letters, digits, `.`, `_`, `-`; starts and ends with a letter or digit;
 * 3-128 characters; no two of `.`, `_`, `-` adjacent; not an IP address.
 */
const trailName: Check = (s, id, props) => {
  if (props.TrailName === undefined) return [];
  const name = String(deployed(s, props.TrailName));
  const ok = /^[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9]))*$/.test(name) && name.length >= 3 && name.length <= 128
    && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
  return ok ? [] : [{ where: at(s, id, 'TrailName'), problem: `breaks CloudTrail's naming rules: ${name}` }];
};

/**
 * "CreateAlias" (AWS KMS API Reference): AliasName 1-256 characters of `[a-zA-Z0-9:/_-]`,
 * beginning `alias/`, never `alias/aws/` (reserved for AWS managed keys).
 */
const aliasName: Check = (s, id, props) => {
  const name = String(deployed(s, props.AliasName));
  const problems = [
    ...(name.length > 256 ? [`${name.length} characters, over 256`] : []),
    ...(!/^alias\/[a-zA-Z0-9:/_-]+$/.test(name) ? ['not `alias/` followed by letters, digits, `:`, `/`, `_` or `-`'] : []),
    ...(name.toLowerCase().startsWith('alias/aws/') ? ['in the reserved `alias/aws/` space'] : []),
  ];
  return problems.map(problem => ({ where: at(s, id, 'AliasName'), problem: `${problem}: ${name}` }));
};

const LIMITS: Record<string, { types: string[]; check: Check }> = {
  // "PutRule" (Amazon EventBridge API Reference): Name 1-64 of [.-_A-Za-z0-9]; Description at most 512.
  'EventBridge rule names': { types: ['AWS::Events::Rule'], check: nameRule('Name', 64, /^[.\-_A-Za-z0-9]+$/) },
  'EventBridge rule descriptions': { types: ['AWS::Events::Rule'], check: nameRule('Description', 512, undefined, 0) },
  'EventBridge event pattern sizes': { types: ['AWS::Events::Rule'], check: eventPattern },
  'EventBridge target inputs': { types: ['AWS::Events::Rule'], check: targetInputs },
  // "PutMetricAlarm" (Amazon CloudWatch API Reference): AlarmName 1-255, AlarmDescription at most 1,024.
  'alarm names': { types: ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'], check: nameRule('AlarmName', 255) },
  'alarm descriptions': { types: ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'], check: nameRule('AlarmDescription', 1024, undefined, 0) },
  // "CreateLogGroup" (Amazon CloudWatch Logs API Reference): 1-512 of a-z, A-Z, 0-9, `_`, `-`, `/`, `.`, `#`.
  'log group names': { types: ['AWS::Logs::LogGroup'], check: nameRule('LogGroupName', 512, /^[.\-_/#A-Za-z0-9]+$/) },
  'KMS alias names': { types: ['AWS::KMS::Alias'], check: aliasName },
  'policy Sids': { types: [...Object.keys(POLICY_PROPERTIES)], check: sids },
  // "PutInsightRule" (Amazon CloudWatch API Reference): RuleName 1-128 printable ASCII; RuleDefinition at most 8,192.
  'Contributor Insights rule names': { types: ['AWS::CloudWatch::InsightRule'], check: nameRule('RuleName', 128, /^[\x20-\x7E]+$/) },
  'Contributor Insights rule bodies': { types: ['AWS::CloudWatch::InsightRule'], check: nameRule('RuleBody', 8192) },
  // "IAM and AWS STS quotas", IAM and AWS STS character limits: role name 64, policy name 128;
  // IAM name requirements: letters, digits and `+=,.@_-`.
  'IAM role names': { types: ['AWS::IAM::Role'], check: nameRule('RoleName', 64, /^[\w+=,.@-]+$/) },
  'IAM policy names': {
    types: ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role'],
    check: (s, id, props) => [
      ...nameRule('PolicyName', 128, /^[\w+=,.@-]+$/)(s, id, props),
      ...nameRule('ManagedPolicyName', 128, /^[\w+=,.@-]+$/)(s, id, props),
      ...((props.Policies ?? []) as any[]).flatMap(p => nameRule('PolicyName', 128, /^[\w+=,.@-]+$/)(s, id, p)),
    ],
  },
  'CloudTrail trail names': { types: ['AWS::CloudTrail::Trail'], check: trailName },
  // "Amazon SQS queue quotas": a queue name has up to 80 letters, digits, `-` and `_` (a FIFO queue's includes `.fifo`).
  'SQS queue names': { types: ['AWS::SQS::Queue'], check: nameRule('QueueName', 80, /^[A-Za-z0-9_-]+(\.fifo)?$/) },
  // "CreateTopic" (Amazon SNS API Reference): up to 256 letters, digits, `-` and `_` (and `.fifo`).
  'SNS topic names': { types: ['AWS::SNS::Topic'], check: nameRule('TopicName', 256, /^[A-Za-z0-9_-]+(\.fifo)?$/) },
  // "CreateFunction" (AWS Lambda API Reference): a function name is 1-64 characters.
  'Lambda function names': { types: ['AWS::Lambda::Function'], check: nameRule('FunctionName', 64, /^[A-Za-z0-9_-]+$/) },
};

describe('service limits over every template the library synthesizes', () => {
  let outdir: string;
  let templates: Synthesized[];

  beforeAll(() => {
    fs.mkdirSync(TMP_DIR, { recursive: true });
    outdir = fs.mkdtempSync(path.join(TMP_DIR, 'limits-'));
    templates = [
      ...synthesizeExamples(outdir).map(e => ({
        source: `examples/${e.example}.ts`,
        stackName: e.stackName,
        template: JSON.parse(fs.readFileSync(e.templatePath, 'utf-8')),
      })),
      ...everyConstruct(),
    ];
  });

  afterAll(() => {
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('the walk covers the examples, the every-construct app with its replica stacks, and each resource type it checks', () => {
    const sources = new Set(templates.map(t => t.source));
    expect(sources.size).toBeGreaterThan(4);
    expect(templates.filter(t => t.source === 'every construct').length).toBe(4);
    const types = new Set(templates.flatMap(t => Object.values(t.template.Resources).map(r => r.Type)));
    // Each limit below has something to judge: a check over no resource could never fail.
    for (const [name, limit] of Object.entries(LIMITS)) {
      if (['SQS queue names', 'SNS topic names', 'Lambda function names'].includes(name)) continue; // checked when the library names one
      expect({ name, judged: limit.types.some(t => types.has(t)) }).toEqual({ name, judged: true });
    }
  });

  test.each(Object.keys(LIMITS))('%s', (name) => {
    const { types, check } = LIMITS[name];
    const findings = templates.flatMap(s => Object.entries(s.template.Resources)
      .filter(([, r]) => types.includes(r.Type))
      .flatMap(([id, r]) => check(s, id, r.Properties ?? {})));

    expect(findings.map(f => `${f.where}: ${f.problem}`)).toEqual([]);
  });

  // "CreateStack" (AWS CloudFormation API Reference): StackName at most 128 characters. A
  // replica stack is named after the primary stack, the set's path and the Region, so a
  // primary stack with a long name must still give replica stacks a name CloudFormation takes.
  test('MultiRegionKeySet replica stack names stay within 128 characters for the longest primary stack name', () => {
    const app = new App();
    const primary = new Stack(app, 'Primary', { stackName: LONG_STACK_NAME, env: { account: '111111111111', region: 'us-east-1' } });
    new MultiRegionKeySet(primary, 'DataKey', { replicaRegions: ['ap-southeast-2'] });
    const names = app.node.findAll().filter(Stack.isStack).map(st => st.stackName);

    expect(names.filter(n => n.length > 128)).toEqual([]);
  });

  test('the deployed-value substitution refuses what it cannot size, so no limit passes on a guess', () => {
    const s: Synthesized = { source: 't', stackName: 'S', template: { Resources: { X: { Type: 'AWS::Foo::Bar' } } } };
    expect(() => deployed(s, { Ref: 'X' })).toThrow('no deployed value known for Ref to X (AWS::Foo::Bar)');
    expect(() => deployed(s, { 'Fn::If': ['c', 'a', 'b'] })).toThrow('unsupported intrinsic Fn::If');
  });

  test('the checks fail on what AWS refuses (negative controls)', () => {
    const s: Synthesized = { source: 't', stackName: 'S', template: { Resources: {} } };
    expect(LIMITS['EventBridge rule names'].check(s, 'R', { Name: 'r'.repeat(65) })).toHaveLength(1);
    expect(LIMITS['Contributor Insights rule names'].check(s, 'I', { RuleName: 'i'.repeat(129) })).toHaveLength(1);
    expect(LIMITS['KMS alias names'].check(s, 'A', { AliasName: 'alias/aws/mine' })).toHaveLength(1);
    expect(LIMITS['CloudTrail trail names'].check(s, 'T', { TrailName: 'my--trail' })).toHaveLength(1);
    expect(LIMITS['EventBridge event pattern sizes'].check(s, 'P', { EventPattern: { detail: { k: ['v'.repeat(EVENT_PATTERN_LIMIT)] } } })).toHaveLength(1);
    const keyPolicy = { KeyPolicy: { Statement: [{ Sid: 'Allow CloudTrail' }, { Sid: 'Same' }, { Sid: 'Same' }] } };
    const withKey: Synthesized = { ...s, template: { Resources: { K: { Type: 'AWS::KMS::Key', Properties: keyPolicy } } } };
    expect(LIMITS['policy Sids'].check(withKey, 'K', keyPolicy)).toHaveLength(2);
  });
});
