import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  AssuranceOptions, CrossAccountDecryptKey, EncryptionMonitor, MonitorScope, MonitorTrail, MultiRegionKeySet, RotatedSecret,
  RotationVerification, SharedTenantKey, TenantKey,
} from '../../src';
import { RotationVerificationProvider } from '../../src/rotation-verification/rotation-verification';
import { DB_CONNECTION } from '../helpers/db-connection';
import { logicalIdOf, logicalIdsUnder, ownKeyLogicalId } from '../helpers/own-key';

// The wiring of `assureKey` (src/private/assurance.ts) and of RotatedSecret's own: every key and
// secret construct verifies rotation and is monitored by the stack's EncryptionMonitor unless told
// otherwise.

const ENV = { account: '111111111111', region: 'us-east-1' };
const VERIFICATION = 'Custom::KmsPatternsRotationVerification';
const KEY_RULES = ['DeniedDecrypts', 'DeniedKeyCalls', 'KeyLifecycle'];
const SECRET_RULES = ['RotationFailures', 'RotationOverdue'];
const REPLICA_REGIONS = ['eu-west-1', 'eu-central-1'];

function newStack(app = new App(), id = 'S'): Stack {
  return new Stack(app, id, { env: ENV });
}

const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
/** How a monitor's event patterns match a key of the stack: by its ID, at the end of the ARN. */
const keyMatcherOf = (logicalId: string) => ({ suffix: { 'Fn::Join': ['', ['/', { Ref: logicalId }]] } });

/** A construct of the library that verifies rotation. */
type Assured = Construct & { readonly rotationVerification?: RotationVerification };
/** The options every construct here takes; `rotationPeriod` only where the construct has it. */
type Options = AssuranceOptions & { readonly rotationPeriod?: Duration };

interface Subject {
  readonly construct: Assured;
  /** The monitor watching the construct's key, in the construct's own stack. */
  readonly monitor: EncryptionMonitor | undefined;
}

/** Each maker puts its construct at `<stack>/K`. */
type Make = (stack: Stack, options?: Options) => Subject;

const tenantKey: Make = (stack, options) => {
  const c = new TenantKey(stack, 'K', { tenantId: 'acme', ...options });
  return { construct: c, monitor: c.monitor };
};
const sharedTenantKey: Make = (stack, options) => {
  const c = new SharedTenantKey(stack, 'K', { alias: 'shared/tenants', ...options });
  return { construct: c, monitor: c.monitor };
};
const crossAccountKey: Make = (stack, options) => {
  const c = new CrossAccountDecryptKey(stack, 'K', { consumerAccountIds: ['222222222222'], ...options });
  return { construct: c, monitor: c.monitor };
};
const multiRegionKeySet: Make = (stack, options) => {
  const c = new MultiRegionKeySet(stack, 'K', { replicaRegions: REPLICA_REGIONS, ...options });
  return { construct: c, monitor: c.monitorIn(ENV.region) };
};
const rotatedSecret: Make = (stack, options) => {
  const { rotationPeriod, ...assurance } = options ?? {};
  if (rotationPeriod) {
    throw new Error('RotatedSecret has no rotationPeriod');
  }
  const c = new RotatedSecret(stack, 'K', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION, ...assurance });
  return { construct: c, monitor: c.monitor };
};

/** The constructs whose key has a `rotationPeriod`. */
const KEY_CONSTRUCTS: Array<[string, Make]> = [
  ['TenantKey', tenantKey],
  ['SharedTenantKey', sharedTenantKey],
  ['CrossAccountDecryptKey', crossAccountKey],
  ['MultiRegionKeySet', multiRegionKeySet],
];
const ALL_CONSTRUCTS: Array<[string, Make]> = [...KEY_CONSTRUCTS, ['RotatedSecret', rotatedSecret]];

/** The rule `name` of `monitor` in `template`, found by the description the monitor gives it. */
function ruleOf(template: Template, monitor: EncryptionMonitor, name: string): { logicalId: string; props: any } {
  const found = Object.entries(template.findResources('AWS::Events::Rule', {
    Properties: { Description: `EncryptionMonitor ${monitor.node.path}: ${name}` },
  }));
  expect(found).toHaveLength(1);
  return { logicalId: found[0][0], props: found[0][1].Properties };
}

/** The construct's verification custom resource: its logical ID and resource. */
function verificationOf(template: Template, construct: Assured): { logicalId: string; resource: any } {
  const ids = logicalIdsUnder(construct.rotationVerification!, VERIFICATION);
  expect(ids).toHaveLength(1);
  return { logicalId: ids[0], resource: template.toJSON().Resources[ids[0]] };
}

/** The managed policies in `template` that allow `kms:GetKeyRotationStatus` on `keyArn`. */
function policiesNamingKey(template: Template, keyArn: unknown): string[] {
  return Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([, p]) => (p.Properties.PolicyDocument.Statement as any[]).some(st => st.Action === 'kms:GetKeyRotationStatus'
      && [st.Resource].flat().some(r => JSON.stringify(r) === JSON.stringify(keyArn))))
    .map(([id]) => id);
}

function typesIn(template: Template): string[] {
  return Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map(r => r.Type);
}

function hasMonitor(scope: Construct): boolean {
  return scope.node.findAll().some(c => c instanceof EncryptionMonitor);
}

describe.each(ALL_CONSTRUCTS)('%s, by default', (_name, make) => {
  const stack = newStack();
  const { construct, monitor } = make(stack);
  const template = Template.fromStack(stack);
  const keyArn = arnOf(ownKeyLogicalId(construct));

  test('one rotation verification, the construct\'s, checks the construct\'s key against a 365-day period', () => {
    const verification = verificationOf(template, construct);
    expect(construct.rotationVerification).toBeInstanceOf(RotationVerification);
    expect(construct.rotationVerification!.node.scope).toBe(construct);
    expect(Object.keys(template.findResources(VERIFICATION))).toEqual([verification.logicalId]);
    expect(verification.resource.Properties.Keys).toEqual([{ KeyId: keyArn, MaxRotationPeriodDays: 365 }]);
  });

  test('the verification depends on the provider policy that names the key', () => {
    const policies = policiesNamingKey(template, keyArn);
    expect(policies).toEqual([logicalIdOf(RotationVerificationProvider.of(stack).policy)]);
    expect(verificationOf(template, construct).resource.DependsOn).toEqual(expect.arrayContaining(policies));
  });

  test('the stack\'s monitor watches the key: each key rule\'s pattern lists its key ID', () => {
    expect(monitor).toBeInstanceOf(EncryptionMonitor);
    expect(monitor).toBe(EncryptionMonitor.of(stack));
    expect(monitor!.node.path).toBe('S/EncryptionMonitor');
    for (const name of KEY_RULES) {
      expect(ruleOf(template, monitor!, name).props.EventPattern.detail.resources.ARN).toEqual([keyMatcherOf(ownKeyLogicalId(construct))]);
    }
  });

  test('the default monitor relies on the account\'s trail: no trail, bucket or log group of its own', () => {
    expect(monitor!.trail).toBeUndefined();
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    // The one log group is the rotation verification provider's.
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toEqual([logicalIdOf(RotationVerificationProvider.of(stack).logGroup)]);
  });

  test('every key rule has an alarm on its TriggeredRules, to the monitor\'s topic', () => {
    for (const name of KEY_RULES) {
      const rule = ruleOf(template, monitor!, name);
      const alarms = template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { Namespace: 'AWS/Events', MetricName: 'TriggeredRules', Dimensions: [{ Name: 'RuleName', Value: { Ref: rule.logicalId } }] },
      });
      expect(Object.values(alarms).map(a => a.Properties.AlarmActions)).toEqual([[{ Ref: logicalIdOf(monitor!.alarmTopic) }]]);
    }
  });
});

describe.each(KEY_CONSTRUCTS)('%s rotationPeriod', (_name, make) => {
  test.each([
    [Duration.days(90), 90],
    [Duration.days(730), 730],
  ])('%s is the verification\'s MaxRotationPeriodDays, and the key\'s RotationPeriodInDays', (rotationPeriod, days) => {
    const stack = newStack();
    const { construct } = make(stack, { rotationPeriod });
    const template = Template.fromStack(stack);
    const keyArn = arnOf(ownKeyLogicalId(construct));
    expect(verificationOf(template, construct).resource.Properties.Keys).toEqual([{ KeyId: keyArn, MaxRotationPeriodDays: days }]);
    expect(template.toJSON().Resources[ownKeyLogicalId(construct)].Properties.RotationPeriodInDays).toBe(days);
  });
});

describe.each(ALL_CONSTRUCTS)('%s opt-outs', (_name, make) => {
  test('verifyRotation: false adds no verification and, with nothing else verifying, no provider', () => {
    const stack = newStack();
    const { construct, monitor } = make(stack, { verifyRotation: false });
    const template = Template.fromStack(stack);
    expect(construct.rotationVerification).toBeUndefined();
    expect(stack.node.tryFindChild(RotationVerificationProvider.ID)).toBeUndefined();
    for (const type of [VERIFICATION, 'AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine', 'AWS::IAM::ManagedPolicy']) {
      template.resourceCountIs(type, 0);
    }
    // Monitoring stays on.
    expect(monitor).toBe(EncryptionMonitor.of(stack));
    expect(ruleOf(template, monitor!, 'DeniedDecrypts').props.EventPattern.detail.resources.ARN).toEqual([keyMatcherOf(ownKeyLogicalId(construct))]);
  });

  test('monitoring: false adds no monitor, rule, alarm or topic', () => {
    const stack = newStack();
    const { construct, monitor } = make(stack, { monitoring: false });
    const template = Template.fromStack(stack);
    expect(monitor).toBeUndefined();
    expect(hasMonitor(stack)).toBe(false);
    for (const type of ['AWS::Events::Rule', 'AWS::CloudWatch::Alarm', 'AWS::SNS::Topic', 'AWS::Config::ConfigRule']) {
      template.resourceCountIs(type, 0);
    }
    // Verification stays on.
    const keyArn = arnOf(ownKeyLogicalId(construct));
    expect(verificationOf(template, construct).resource.Properties.Keys).toEqual([{ KeyId: keyArn, MaxRotationPeriodDays: 365 }]);
    // A monitor the user creates afterwards is the stack's first, so it may be created.
    expect(() => new EncryptionMonitor(stack, 'Later', { trail: MonitorTrail.existing() })).not.toThrow();
  });

  test('both false: the stack holds only the construct\'s own resources', () => {
    const stack = newStack();
    const { construct } = make(stack, { verifyRotation: false, monitoring: false });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.toJSON().Resources).sort()).toEqual(logicalIdsUnder(construct).sort());
    expect(logicalIdsUnder(construct, 'AWS::KMS::Key')).toEqual([ownKeyLogicalId(construct)]);
  });
});

describe.each(ALL_CONSTRUCTS)('%s app-wide defaults from context', (_name, make) => {
  const appWith = (context: Record<string, unknown>) => new App({ context });

  test.each([false, 'false'])('context %j for both checks: the stack holds only the construct\'s own resources', (value) => {
    const stack = newStack(appWith({ 'cdk-kms-patterns:verifyRotation': value, 'cdk-kms-patterns:monitoring': value }));
    const { construct, monitor } = make(stack);
    expect(construct.rotationVerification).toBeUndefined();
    expect(monitor).toBeUndefined();
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources).sort()).toEqual(logicalIdsUnder(construct).sort());
  });

  test('the construct\'s own option wins over the context', () => {
    const stack = newStack(appWith({ 'cdk-kms-patterns:verifyRotation': false, 'cdk-kms-patterns:monitoring': false }));
    const { construct, monitor } = make(stack, { verifyRotation: true, monitoring: true });
    expect(construct.rotationVerification).toBeDefined();
    expect(monitor).toBe(EncryptionMonitor.of(stack));
  });

  test.each([
    ['cdk-kms-patterns:verifyRotation', 'verifyRotation', 'no', '"no"'],
    ['cdk-kms-patterns:monitoring', 'monitoring', 0, '0'],
  ])('fails when the context key %s is not a boolean', (contextKey, option, value, shown) => {
    const stack = newStack(appWith({ [contextKey]: value }));
    expect(() => make(stack)).toThrow(new Error(
      `S/K: \`${contextKey}\` (the app-wide default of \`${option}\`, a context value) must be true or false, got ${shown}`));
  });
});

/** The metric methods TenantKey, SharedTenantKey and CrossAccountDecryptKey share. */
type KeyMetrics = Pick<TenantKey, 'metricDeniedDecrypts' | 'metricDeniedKeyCalls' | 'metricKeyLifecycleEvents'>;
const asKey = (construct: Assured): KeyMetrics => construct as unknown as KeyMetrics;

describe.each<[string, Make]>([
  ['TenantKey', tenantKey],
  ['SharedTenantKey', sharedTenantKey],
  ['CrossAccountDecryptKey', crossAccountKey],
])('%s metrics', (_name, make) => {
  test.each([
    ['metricDeniedDecrypts', 'DeniedDecrypts'],
    ['metricDeniedKeyCalls', 'DeniedKeyCalls'],
    ['metricKeyLifecycleEvents', 'KeyLifecycle'],
  ] as const)('%s is TriggeredRules of the monitor\'s %s rule', (method, rule) => {
    const stack = newStack();
    const { construct, monitor } = make(stack);
    const metric = asKey(construct)[method]({ period: Duration.hours(1) });
    expect(metric.namespace).toBe('AWS/Events');
    expect(metric.metricName).toBe('TriggeredRules');
    expect(metric.statistic).toBe('Sum');
    expect(metric.period.toSeconds()).toBe(3600);
    expect(stack.resolve(metric.dimensions)).toEqual({ RuleName: { Ref: ruleOf(Template.fromStack(stack), monitor!, rule).logicalId } });
    expect(stack.resolve(metric.dimensions)).toEqual(stack.resolve(monitor![method]().dimensions));
  });

  test.each(['metricDeniedDecrypts', 'metricDeniedKeyCalls', 'metricKeyLifecycleEvents'] as const)('%s fails without monitoring, naming the construct and the prop', (method) => {
    const { construct } = make(newStack(), { monitoring: false });
    const rule = method.replace(/^metric/, '');
    expect(() => asKey(construct)[method]()).toThrow(new Error(
      `S/K: \`monitoring\` must be on (the default) for metric${rule}(): the key has no monitor, got false`));
  });
});

describe('RotatedSecret metrics', () => {
  test.each([
    ['metricRotationFailures', 'RotationFailures'],
    ['metricRotationOverdue', 'RotationOverdue'],
  ] as const)('%s is TriggeredRules of the monitor\'s %s rule', (method, rule) => {
    const stack = newStack();
    const secret = rotatedSecret(stack).construct as RotatedSecret;
    const metric = secret[method]();
    expect(metric.namespace).toBe('AWS/Events');
    expect(metric.metricName).toBe('TriggeredRules');
    expect(stack.resolve(metric.dimensions)).toEqual({ RuleName: { Ref: ruleOf(Template.fromStack(stack), secret.monitor!, rule).logicalId } });
  });

  test.each(['metricRotationFailures', 'metricRotationOverdue'] as const)('%s fails without monitoring, naming the construct and the prop', (method) => {
    const secret = rotatedSecret(newStack(), { monitoring: false }).construct as RotatedSecret;
    expect(() => secret[method]()).toThrow(new Error(
      `S/K: \`monitoring\` must be on (the default) for ${method}(): the secret has no monitor, got false`));
  });
});

describe.each(ALL_CONSTRUCTS)('%s and a monitor of the user\'s', (_name, make) => {
  test('a monitor created before the construct is the stack\'s monitor, and watches the construct\'s key with its options', () => {
    const stack = newStack();
    const mine = new EncryptionMonitor(stack, 'Mine', { dashboard: true, deniedDecryptThreshold: 3 });
    const { construct, monitor } = make(stack);
    const template = Template.fromStack(stack);

    expect(monitor).toBe(mine);
    expect(stack.node.tryFindChild('EncryptionMonitor')).toBeUndefined();
    expect(ruleOf(template, mine, 'DeniedDecrypts').props.EventPattern.detail.resources.ARN).toEqual([keyMatcherOf(ownKeyLogicalId(construct))]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'RuleName', Value: { Ref: ruleOf(template, mine, 'DeniedDecrypts').logicalId } }],
      Threshold: 3,
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // Created with the default trail option, it makes the app's trail.
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
  });

  test('a monitor created after the construct made the stack\'s default one fails, naming both', () => {
    const stack = newStack();
    const { construct } = make(stack);
    const message = (id: string): string => `S/${id}: an EncryptionMonitor must be created before ${construct.node.path}, which made `
      + 'the stack\'s default monitor (S/EncryptionMonitor, through EncryptionMonitor.of): create this monitor before the '
      + 'constructs that use it, and it becomes the stack\'s monitor';
    expect(() => new EncryptionMonitor(stack, 'Late', { dashboard: true, deniedDecryptThreshold: 3 })).toThrow(new Error(message('Late')));
    // The id the docs suggest is the default monitor's own: the same message, not a name clash.
    expect(() => new EncryptionMonitor(stack, 'EncryptionMonitor')).toThrow(new Error(message('EncryptionMonitor')));
  });
});

describe('MultiRegionKeySet across Regions', () => {
  function build(options: Options = {}): { primary: Stack; set: MultiRegionKeySet } {
    const primary = newStack(new App(), 'Primary');
    return { primary, set: new MultiRegionKeySet(primary, 'Keys', { replicaRegions: REPLICA_REGIONS, ...options }) };
  }

  test('each replica stack has a monitor of its own, watching only its replica', () => {
    const { primary, set } = build();
    for (const region of REPLICA_REGIONS) {
      const stack = set.replicaStack(region);
      const monitor = set.monitorIn(region)!;
      expect(monitor).toBe(EncryptionMonitor.of(stack));
      expect(monitor.node.scope).toBe(stack);
      expect(monitor).not.toBe(set.monitorIn(ENV.region));
      const template = Template.fromStack(stack);
      for (const name of KEY_RULES) {
        expect(ruleOf(template, monitor, name).props.EventPattern.detail.resources.ARN).toEqual([
          { suffix: { 'Fn::Join': ['', ['/', { 'Fn::GetAtt': [logicalIdOf(set.replicaKey(region)), 'KeyId'] }]] } },
        ]);
      }
      // It relies on the account's trail, like every monitor the library makes.
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    }
    expect(set.monitorIn(ENV.region)).toBe(EncryptionMonitor.of(primary));
  });

  test('the primary stack\'s monitor lists the primary key only', () => {
    const { primary, set } = build();
    const template = Template.fromStack(primary);
    for (const name of KEY_RULES) {
      expect(ruleOf(template, set.monitorIn(ENV.region)!, name).props.EventPattern.detail.resources.ARN)
        .toEqual([keyMatcherOf(ownKeyLogicalId(set))]);
    }
  });

  test('only the primary key is verified (KMS rotates the replicas with it): no verification or provider in a replica stack', () => {
    const { primary, set } = build();
    const keyArn = arnOf(ownKeyLogicalId(set));
    expect(verificationOf(Template.fromStack(primary), set).resource.Properties.Keys).toEqual([{ KeyId: keyArn, MaxRotationPeriodDays: 365 }]);
    for (const region of REPLICA_REGIONS) {
      const stack = set.replicaStack(region);
      expect(stack.node.tryFindChild(RotationVerificationProvider.ID)).toBeUndefined();
      const types = typesIn(Template.fromStack(stack));
      expect(types.filter(t => t.startsWith('Custom::') || t.startsWith('AWS::Lambda::'))).toEqual([]);
    }
  });

  test('monitorIn fails for a Region outside the set', () => {
    const { set } = build();
    expect(() => set.monitorIn('ap-south-1')).toThrow(new Error(
      'Primary/Keys: `region` must be one of the set\'s Regions ["us-east-1","eu-west-1","eu-central-1"], got "ap-south-1"'));
  });

  test('monitoring: false leaves every Region without a monitor', () => {
    const { primary, set } = build({ monitoring: false });
    for (const region of set.regions) {
      expect(set.monitorIn(region)).toBeUndefined();
    }
    for (const stack of [primary, ...REPLICA_REGIONS.map(r => set.replicaStack(r))]) {
      expect(hasMonitor(stack)).toBe(false);
      Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 0);
    }
  });
});

describe('RotatedSecret monitoring', () => {
  test('the RotationFailures rule lists the secret; the monitor watches the key the construct made', () => {
    const stack = newStack();
    const secret = new RotatedSecret(stack, 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    const template = Template.fromStack(stack);
    const secretId = logicalIdOf(secret.secret);
    expect(ruleOf(template, secret.monitor!, 'RotationFailures').props.EventPattern.detail.additionalEventData).toEqual({ SecretId: [{ Ref: secretId }] });
    expect(ruleOf(template, secret.monitor!, 'DeniedDecrypts').props.EventPattern.detail.resources.ARN).toEqual([keyMatcherOf(ownKeyLogicalId(secret))]);
    // The Config rule of the overdue check covers the secret by the monitor's tag.
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Tags: [{ Key: EncryptionMonitor.ROTATION_MONITOR_TAG, Value: secret.monitor!.node.addr }],
    });
    // Hosted rotation: no function of the stack's to watch.
    template.resourceCountIs('AWS::CloudWatch::Alarm', KEY_RULES.length + SECRET_RULES.length);
  });

  test.each([
    ['the default 30 days', undefined, 31],
    ['12 hours', Duration.hours(12), 2],
    ['25 hours', Duration.hours(25), 3],
    ['7 days', Duration.days(7), 8],
  ])('a rotationInterval of %s allows that, rounded up to whole days, plus a day of grace before it is overdue', (_name, rotationInterval, days) => {
    const stack = newStack();
    new RotatedSecret(stack, 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION, rotationInterval });
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::Config::ConfigRule'));
    expect(rules.map(r => r.Properties.InputParameters)).toEqual([{ maxDaysSinceRotation: days }]);
  });

  test('a rotationLambda of the stack joins the RotationFunctionErrors alarm', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Rotator', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    new RotatedSecret(stack, 'Db', { rotationLambda: fn });
    const template = Template.fromStack(stack);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(a => a.Properties.Metrics);
    expect(alarms).toHaveLength(1);
    expect(alarms[0].Properties.Metrics[0].Expression).toEqual({
      'Fn::Join': ['', ['SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = \'', { Ref: logicalIdOf(fn) }, '\'']],
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', KEY_RULES.length + SECRET_RULES.length + 1);
  });

  test('a given encryptionKey is neither verified nor monitored by the construct; the secret is', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const secret = new RotatedSecret(stack, 'Db', { encryptionKey: key, hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    const template = Template.fromStack(stack);
    const { resource } = verificationOf(template, secret);
    expect(resource.Properties.Keys).toEqual([]);
    expect(resource.Properties.Secrets).toEqual([expect.objectContaining({ SecretId: { Ref: logicalIdOf(secret.secret) } })]);
    expect(policiesNamingKey(template, arnOf(logicalIdOf(key)))).toEqual([]);
    // No key rules at all: the monitor watches no key, only the secret.
    expect(Object.values(template.findResources('AWS::Events::Rule')).map(r => r.Properties.Description).sort())
      .toEqual(SECRET_RULES.map(name => `EncryptionMonitor S/EncryptionMonitor: ${name}`).sort());
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).not.toContain(logicalIdOf(key));
  });
});

describe('scale', () => {
  const COUNTED = ['AWS::Events::Rule', 'AWS::CloudWatch::Alarm', 'AWS::Logs::MetricFilter', 'AWS::Lambda::Function',
    'AWS::StepFunctions::StateMachine', 'AWS::CloudTrail::Trail'];

  function tenantKeys(n: number): { stack: Stack; keys: TenantKey[]; template: Template } {
    const stack = newStack();
    const keys = Array.from({ length: n }, (_, i) => new TenantKey(stack, `Tenant${i}`, { tenantId: `tenant-${i}` }));
    return { stack, keys, template: Template.fromStack(stack) };
  }
  const counts = (template: Template) => Object.fromEntries(COUNTED.map(t => [t, Object.keys(template.findResources(t)).length]));

  test('1 and 20 TenantKeys make the same rules, alarms, metric filters, functions, state machines and trails', () => {
    const one = tenantKeys(1);
    const twenty = tenantKeys(20);
    expect(counts(twenty.template)).toEqual(counts(one.template));
    expect(counts(one.template)).toEqual({
      'AWS::Events::Rule': 3,
      'AWS::CloudWatch::Alarm': 3,
      'AWS::Logs::MetricFilter': 0,
      'AWS::Lambda::Function': 5,
      'AWS::StepFunctions::StateMachine': 1,
      'AWS::CloudTrail::Trail': 0,
    });
    // The keys are data: every ARN in each key rule, every ARN in the provider's policy.
    const monitor = EncryptionMonitor.of(twenty.stack);
    for (const name of KEY_RULES) {
      expect(ruleOf(twenty.template, monitor, name).props.EventPattern.detail.resources.ARN)
        .toEqual(twenty.keys.map(k => keyMatcherOf(ownKeyLogicalId(k))));
    }
  });

  test('each TenantKey adds exactly three resources: its key, its alias and its verification', () => {
    const one = tenantKeys(1);
    const twenty = tenantKeys(20);
    for (const key of twenty.keys) {
      expect(logicalIdsUnder(key).map(id => twenty.template.toJSON().Resources[id].Type).sort())
        .toEqual(['AWS::KMS::Alias', 'AWS::KMS::Key', VERIFICATION]);
    }
    const size = (t: Template) => Object.keys(t.toJSON().Resources).length;
    expect(size(twenty.template) - size(one.template)).toBe(19 * 3);
  });

  test('a two-stack app with TenantKeys in both: no trail (the default monitors use the existing one), one provider per stack', () => {
    const app = new App();
    const stacks = [newStack(app, 'A'), new Stack(app, 'B', { env: { ...ENV, region: 'eu-west-1' } })];
    for (const stack of stacks) {
      new TenantKey(stack, 'K1', { tenantId: 'one' });
      new TenantKey(stack, 'K2', { tenantId: 'two' });
    }
    for (const stack of stacks) {
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
      template.resourceCountIs('AWS::Lambda::Function', 5);
      template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      expect(logicalIdsUnder(stack.node.findChild(RotationVerificationProvider.ID), 'AWS::Lambda::Function')).toHaveLength(5);
      template.resourceCountIs(VERIFICATION, 2);
      expect(stack.dependencies).toEqual([]);
    }
    expect(RotationVerificationProvider.of(stacks[0])).not.toBe(RotationVerificationProvider.of(stacks[1]));
  });

  test('80 default TenantKeys overflow the default monitor\'s event patterns, and synthesis says what to do', () => {
    const stack = newStack();
    for (let i = 0; i < 80; i++) {
      new TenantKey(stack, `Tenant${i}`, { tenantId: `tenant-${i}` });
    }
    expect(() => Template.fromStack(stack)).toThrow(new RegExp(
      '^Validation failed with the following errors:.*S/EncryptionMonitor.*the DeniedDecrypts event pattern for 80 keys is about \\d+ characters, '
      + 'over EventBridge\'s limit of 4096.*This is the monitor EncryptionMonitor\\.of\\(\\) made for the stack\'s constructs.*'
      + '`scope: MonitorScope\\.ACCOUNT`.*`monitoring: false`', 's'));
  });

  test('80 TenantKeys synthesize with a monitor of scope ACCOUNT created first', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { scope: MonitorScope.ACCOUNT });
    const keys = Array.from({ length: 80 }, (_, i) => new TenantKey(stack, `Tenant${i}`, { tenantId: `tenant-${i}` }));
    expect(keys.every(k => k.monitor === monitor)).toBe(true);
    const template = Template.fromStack(stack);
    expect(ruleOf(template, monitor, 'DeniedDecrypts').props.EventPattern.detail.resources.ARN).toEqual([{
      wildcard: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:*:', { Ref: 'AWS::AccountId' }, ':key/*']] },
    }]);
    template.resourceCountIs(VERIFICATION, 80);
  });
});

describe('RotationVerification.useNetwork', () => {
  function importedVpc(stack: Stack): ec2.IVpc {
    return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-a', 'subnet-b'],
    });
  }

  test('called before a TenantKey, it puts all five provider functions in the VPC', () => {
    const stack = newStack();
    RotationVerification.useNetwork(stack, { vpc: importedVpc(stack) });
    new TenantKey(stack, 'K', { tenantId: 'acme' });
    const functions = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(functions.map(([id]) => id).sort())
      .toEqual(logicalIdsUnder(stack.node.findChild(RotationVerificationProvider.ID), 'AWS::Lambda::Function').sort());
    expect(functions).toHaveLength(5);
    for (const [, fn] of functions) {
      expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: [expect.any(Object)] });
    }
    expect(RotationVerificationProvider.of(stack).network.vpc).toBe(stack.node.findChild('Vpc'));
  });

  test('fails when a later verification asks for another VPC than the provider runs in, naming both', () => {
    const stack = newStack();
    RotationVerification.useNetwork(stack, { vpc: importedVpc(stack) });
    new TenantKey(stack, 'K', { tenantId: 'acme' });
    const other = ec2.Vpc.fromVpcAttributes(stack, 'OtherVpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-c'] });
    expect(() => new RotationVerification(stack, 'Later', { vpc: other })).toThrow(new Error(
      'S/Later: `vpc` must match the network the stack\'s rotation-verification provider already runs in (`vpc` S/Vpc): one provider '
      + 'serves every verification of the stack, so give the same `vpc`, `vpcSubnets` and `securityGroups`, or none, got "S/OtherVpc"'));
  });

  test('fails after a construct made the provider without a VPC', () => {
    const stack = newStack();
    new TenantKey(stack, 'K', { tenantId: 'acme' });
    expect(() => RotationVerification.useNetwork(stack, { vpc: importedVpc(stack) })).toThrow(new Error(
      'S: `vpc` came after the stack\'s rotation-verification provider was made outside a VPC (by the first construct that verifies '
      + 'rotation): call RotationVerification.useNetwork(stack, { vpc }) before creating any key or secret construct of the stack, got "S/Vpc"'));
  });

  test('fails when vpcSubnets come without a vpc, naming vpcSubnets', () => {
    const stack = newStack();
    expect(() => RotationVerification.useNetwork(stack, { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })).toThrow(new Error(
      'S: `vpcSubnets` needs `vpc`: it only places the functions in a VPC, got "given without `vpc`"'));
    expect(stack.node.tryFindChild(RotationVerificationProvider.ID)).toBeUndefined();
  });
});
