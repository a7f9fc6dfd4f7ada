import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  AssuranceOptions, CrossAccountDecryptKey, DailyRotationCheck, EncryptionMonitor, KeyConstructBase, MonitorScope, MonitorTrail, MultiRegionKeySet,
  RotatedSecret, RotationVerification, SharedTenantKey, TenantKey,
} from '../../src';
import { RotationVerificationProvider } from '../../src/rotation-verification/provider';
import { DB_CONNECTION } from '../helpers/db-connection';
import { logicalIdOf, logicalIdsUnder, ownKeyLogicalId } from '../helpers/own-key';

// The wiring of KeyConstructBase (src/key-construct-base.ts) and of RotatedSecret's own, with the
// defaults of src/private/assurance.ts: every key and secret construct verifies rotation and is
// monitored by the stack's EncryptionMonitor unless told otherwise.

const ENV = { account: '111111111111', region: 'us-east-1' };
const VERIFICATION = 'Custom::KmsPatternsRotationVerification';
/** The monitor's rules whose patterns list the monitored keys by ID. */
const KEY_RULES = ['DeniedDecrypts', 'DeniedKeyCalls', 'KeyLifecycle'];
/** The key rules that count refused calls: to the non-paging queue, each with `<Name>Alarm` on its Invocations. */
const COUNT_RULES = ['DeniedDecrypts', 'DeniedKeyCalls'];
/** The key rules that page: to the alarm topic through an input transformer, each with `<Name>DeliveryFailedAlarm`. */
const KEY_PAGING_RULES = ['KeyLifecycle', 'AliasChanges'];
/** Where each paging rule's notification reads the resource it names (src/monitoring/notifications.ts). */
const NOTIFIED_RESOURCE: Record<string, string> = {
  KeyLifecycle: '$.detail.resources[0].ARN',
  AliasChanges: '$.detail.requestParameters.aliasName',
  RotationFailures: '$.detail.additionalEventData.SecretId',
};
/** The alarms of the default monitor once it watches a key with its alias. */
const KEY_ALARMS = ['DeniedDecryptsAlarm', 'DeniedKeyCallsAlarm', 'KeyLifecycleDeliveryFailedAlarm', 'AliasChangesDeliveryFailedAlarm', 'DeadLettersAlarm'];
/** The keys with their aliases a monitor that lists them holds under EventBridge's default 2,048-character pattern quota (README). */
const KEYS_PER_DEFAULT_PATTERN = 19;
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

/** The logical IDs of `monitor`'s topic, queues and the key that encrypts them. */
function deliveryOf(monitor: EncryptionMonitor): { topic: string; eventsQueue: string; deadLetterQueue: string; key: string } {
  return {
    topic: logicalIdOf(monitor.alarmTopic),
    eventsQueue: logicalIdOf(monitor.node.findChild('EventsQueue')),
    deadLetterQueue: logicalIdOf(monitor.node.findChild('DeadLetterQueue')),
    key: logicalIdOf(monitor.node.findChild('AlarmTopicKey').node.findChild('Key')),
  };
}

/** The one target of the paging rule `name`: the topic, through a notification naming the resource, with the dead-letter queue behind it. */
function pagingTargetOf(monitor: EncryptionMonitor, name: string): unknown {
  const delivery = deliveryOf(monitor);
  return {
    Id: 'AlarmTopic',
    Arn: { Ref: delivery.topic },
    DeadLetterConfig: { Arn: arnOf(delivery.deadLetterQueue) },
    InputTransformer: { InputPathsMap: expect.objectContaining({ resource: NOTIFIED_RESOURCE[name] }), InputTemplate: expect.any(String) },
  };
}

/** The alarms in `template` on a metric of the rule `ruleLogicalId`, by logical ID. */
function alarmsOnRule(template: Template, ruleLogicalId: string): Record<string, any> {
  return template.findResources('AWS::CloudWatch::Alarm', {
    Properties: { Namespace: 'AWS/Events', Dimensions: [{ Name: 'RuleName', Value: { Ref: ruleLogicalId } }] },
  });
}

/** The logical ID of the alarm `id` of `scope` (a monitor or the daily check). */
function alarmOf(scope: Construct, id: string): string {
  return logicalIdOf(scope.node.findChild(id));
}

/** The stack's daily rotation check, without making one. */
function dailyCheckOf(stack: Stack): DailyRotationCheck {
  return stack.node.findChild(DailyRotationCheck.ID) as DailyRotationCheck;
}

/** A subject group of the daily check's input: its requirement and the ARNs it applies to. */
interface DailyGroup { readonly Ids: string[]; readonly [requirement: string]: unknown }

/**
 * What the stack's daily rotation check checks: the input of its rule's one target, with each
 * `Ref` rendered `ref:<logical ID>` and each `Fn::GetAtt` `arn:<logical ID>`.
 */
function dailyCheckInput(template: Template, stack: Stack): { Keys: DailyGroup[]; Secrets: DailyGroup[] } {
  const rule = template.toJSON().Resources[logicalIdOf(dailyCheckOf(stack).rule)];
  expect(rule.Properties.Targets).toHaveLength(1);
  const flat = (v: any): string => {
    if (typeof v === 'string') return v;
    if (v.Ref) return `ref:${v.Ref}`;
    if (v['Fn::GetAtt']) return `arn:${v['Fn::GetAtt'][0]}`;
    return (v['Fn::Join'][1] as unknown[]).map(flat).join(v['Fn::Join'][0]);
  };
  return JSON.parse(flat(rule.Properties.Targets[0].Input)).DailyRotationCheck;
}

/** The construct's own alias name, as the template holds it. */
function aliasNameOf(template: Template, construct: Construct): string {
  return template.toJSON().Resources[logicalIdOf(construct.node.findChild('Alias'))].Properties.AliasName;
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

  test('the count rules deliver to the monitor\'s non-paging queue, and each has one alarm, on its Invocations, to the monitor\'s topic', () => {
    const delivery = deliveryOf(monitor!);
    for (const name of COUNT_RULES) {
      const rule = ruleOf(template, monitor!, name);
      expect(rule.props.Targets).toEqual([{
        Id: 'EventsQueue', Arn: arnOf(delivery.eventsQueue), DeadLetterConfig: { Arn: arnOf(delivery.deadLetterQueue) },
      }]);
      const alarms = alarmsOnRule(template, rule.logicalId);
      expect(Object.keys(alarms)).toEqual([alarmOf(monitor!, `${name}Alarm`)]);
      expect(Object.values(alarms).map(a => [a.Properties.MetricName, a.Properties.AlarmActions]))
        .toEqual([['Invocations', [{ Ref: delivery.topic }]]]);
    }
  });

  test('the paging key rules notify the monitor\'s topic through an input transformer, with the dead-letter queue behind it, '
    + 'and each has one alarm, on its FailedInvocations, to the topic', () => {
    const delivery = deliveryOf(monitor!);
    expect(ruleOf(template, monitor!, 'AliasChanges').props.EventPattern.detail.requestParameters.aliasName).toEqual([aliasNameOf(template, construct)]);
    for (const name of KEY_PAGING_RULES) {
      const rule = ruleOf(template, monitor!, name);
      expect(rule.props.Targets).toEqual([pagingTargetOf(monitor!, name)]);
      const alarms = alarmsOnRule(template, rule.logicalId);
      expect(Object.keys(alarms)).toEqual([alarmOf(monitor!, `${name}DeliveryFailedAlarm`)]);
      expect(Object.values(alarms).map(a => [a.Properties.MetricName, a.Properties.AlarmActions]))
        .toEqual([['FailedInvocations', [{ Ref: delivery.topic }]]]);
    }
  });

  test('dead letters alarm to the topic; the topic and both queues are encrypted with the monitor\'s own key', () => {
    const delivery = deliveryOf(monitor!);
    const resources = template.toJSON().Resources;
    expect(resources[alarmOf(monitor!, 'DeadLettersAlarm')].Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [delivery.deadLetterQueue, 'QueueName'] } }],
      AlarmActions: [{ Ref: delivery.topic }],
    });
    expect(delivery.key).not.toBe(ownKeyLogicalId(construct));
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).sort()).toEqual([delivery.deadLetterQueue, delivery.eventsQueue].sort());
    for (const queue of [delivery.eventsQueue, delivery.deadLetterQueue]) {
      expect(resources[queue].Properties.KmsMasterKeyId).toEqual(arnOf(delivery.key));
    }
    expect(resources[delivery.topic].Properties.KmsMasterKeyId).toEqual(arnOf(delivery.key));
  });

  test('the stack\'s daily rotation check runs on the provider\'s function, checks the key, and its findings and heartbeat alarms notify the monitor\'s topic', () => {
    const daily = dailyCheckOf(stack);
    const rule = template.toJSON().Resources[logicalIdOf(daily.rule)];
    expect(rule.Properties.Targets.map((t: any) => t.Arn)).toEqual([arnOf(logicalIdOf(RotationVerificationProvider.of(stack).onEventHandler))]);
    expect(dailyCheckInput(template, stack).Keys).toEqual([{ MaxDays: 365, Ids: [`arn:${ownKeyLogicalId(construct)}`] }]);
    for (const id of ['FindingsAlarm', 'HeartbeatAlarm']) {
      expect(template.toJSON().Resources[alarmOf(daily, id)].Properties.AlarmActions).toEqual([{ Ref: deliveryOf(monitor!).topic }]);
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

describe.each(KEY_CONSTRUCTS)('%s verifyRotation opt-out', (_name, make) => {
  test('verifyRotation: false adds no verification and, with nothing else verifying, no provider and no daily check', () => {
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
    // A key's monitoring needs no daily check (that is the verification's, and the secrets').
    expect(stack.node.tryFindChild(DailyRotationCheck.ID)).toBeUndefined();
  });
});

describe('RotatedSecret verifyRotation opt-out', () => {
  test('verifyRotation: false adds no verification, but the monitored secret is still checked daily: the daily check makes the provider and runs on its function', () => {
    const stack = newStack();
    const { construct, monitor } = rotatedSecret(stack, { verifyRotation: false });
    const template = Template.fromStack(stack);
    expect(construct.rotationVerification).toBeUndefined();
    template.resourceCountIs(VERIFICATION, 0);
    // monitorSecret registers the secret with the stack's DailyRotationCheck, which runs on the provider.
    const provider = RotationVerificationProvider.of(stack);
    expect(stack.node.tryFindChild(RotationVerificationProvider.ID)).toBe(provider);
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).sort()).toEqual(logicalIdsUnder(provider, 'AWS::Lambda::Function').sort());
    const daily = dailyCheckOf(stack);
    expect(template.toJSON().Resources[logicalIdOf(daily.rule)].Properties.Targets.map((t: any) => t.Arn))
      .toEqual([arnOf(logicalIdOf(provider.onEventHandler))]);
    // The secret only: its key is verified by the verification alone, which is off.
    const input = dailyCheckInput(template, stack);
    expect(input.Keys).toEqual([]);
    expect(input.Secrets).toEqual([{ MaxHours: 720, GraceHours: 24, Ids: [`ref:${logicalIdOf((construct as RotatedSecret).secret)}`] }]);
    expect(policiesNamingKey(template, arnOf(ownKeyLogicalId(construct)))).toEqual([]);
    // Monitoring stays on, and the daily check's alarms notify its topic.
    expect(monitor).toBe(EncryptionMonitor.of(stack));
    for (const id of ['FindingsAlarm', 'HeartbeatAlarm']) {
      expect(template.toJSON().Resources[alarmOf(daily, id)].Properties.AlarmActions).toEqual([{ Ref: logicalIdOf(monitor!.alarmTopic) }]);
    }
  });
});

describe.each(ALL_CONSTRUCTS)('%s opt-outs', (_name, make) => {
  test('monitoring: false adds no monitor, topic, queue or alarm: the one rule is the verification\'s daily check, whose alarms nobody asked for', () => {
    const stack = newStack();
    const { construct, monitor } = make(stack, { monitoring: false });
    const template = Template.fromStack(stack);
    expect(monitor).toBeUndefined();
    expect(hasMonitor(stack)).toBe(false);
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::Config::ConfigRule']) {
      template.resourceCountIs(type, 0);
    }
    const daily = dailyCheckOf(stack);
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toEqual([logicalIdOf(daily.rule)]);
    expect(daily.hasAlarms).toBe(false);
    Annotations.fromStack(stack).hasInfo(`/${daily.node.path}`, Match.stringLikeRegexp('^Nobody is told what the daily rotation check finds'));
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

describe.each(ALL_CONSTRUCTS)('%s app-wide defaults from context, on', (_name, make) => {
  // `cdk.json` gives a boolean, `cdk synth -c key=true` the string: both mean on, as no context does.
  test.each([true, 'true'])('context %j for both checks: the construct verifies rotation and is monitored', (value) => {
    const stack = newStack(new App({ context: { 'cdk-kms-patterns:verifyRotation': value, 'cdk-kms-patterns:monitoring': value } }));
    const { construct, monitor } = make(stack);
    expect(construct.rotationVerification).toBeDefined();
    expect(monitor).toBe(EncryptionMonitor.of(stack));
  });
});

/** Every key construct has the metric methods of KeyConstructBase, of the monitor watching its (primary) key. */
const asKey = (construct: Assured): KeyConstructBase => construct as KeyConstructBase;

describe.each(KEY_CONSTRUCTS)('%s metrics', (_name, make) => {
  test.each([
    ['metricDeniedDecrypts', 'DeniedDecrypts'],
    ['metricDeniedKeyCalls', 'DeniedKeyCalls'],
    ['metricKeyLifecycleEvents', 'KeyLifecycle'],
  ] as const)('%s is the Invocations of the monitor\'s %s rule', (method, rule) => {
    const stack = newStack();
    const { construct, monitor } = make(stack);
    const metric = asKey(construct)[method]({ period: Duration.hours(1) });
    expect(metric.namespace).toBe('AWS/Events');
    expect(metric.metricName).toBe('Invocations');
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
  test('metricRotationFailures is the Invocations of the monitor\'s RotationFailures rule', () => {
    const stack = newStack();
    const secret = rotatedSecret(stack).construct as RotatedSecret;
    const metric = secret.metricRotationFailures();
    expect(metric.namespace).toBe('AWS/Events');
    expect(metric.metricName).toBe('Invocations');
    expect(metric.statistic).toBe('Sum');
    expect(stack.resolve(metric.dimensions)).toEqual({ RuleName: { Ref: ruleOf(Template.fromStack(stack), secret.monitor!, 'RotationFailures').logicalId } });
  });

  test('metricRotationOverdue is the Findings of the stack\'s daily rotation check, whose alarm notifies the monitor\'s topic; no AWS Config rule', () => {
    const stack = newStack();
    const secret = rotatedSecret(stack).construct as RotatedSecret;
    const metric = secret.metricRotationOverdue();
    expect(metric.namespace).toBe('KmsPatterns/RotationCheck');
    expect(metric.namespace).toBe(DailyRotationCheck.NAMESPACE);
    expect(metric.metricName).toBe('Findings');
    expect(metric.statistic).toBe('Sum');
    expect(metric.period.toSeconds()).toBe(Duration.days(1).toSeconds());
    expect(stack.resolve(metric.dimensions)).toEqual({ StackName: { Ref: 'AWS::StackName' } });
    const template = Template.fromStack(stack);
    expect(template.toJSON().Resources[alarmOf(dailyCheckOf(stack), 'FindingsAlarm')].Properties).toMatchObject({
      Namespace: 'KmsPatterns/RotationCheck',
      MetricName: 'Findings',
      Dimensions: [{ Name: 'StackName', Value: { Ref: 'AWS::StackName' } }],
      AlarmActions: [{ Ref: logicalIdOf(secret.monitor!.alarmTopic) }],
    });
    template.resourceCountIs('AWS::Config::ConfigRule', 0);
    expect(secret.monitor!.node.tryFindChild('RotationOverdueRule')).toBeUndefined();
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
      Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    }
    // The only rule is the primary stack's daily rotation check, of the verified primary key.
    expect(Object.keys(Template.fromStack(primary).findResources('AWS::Events::Rule'))).toEqual([logicalIdOf(dailyCheckOf(primary).rule)]);
    for (const region of REPLICA_REGIONS) {
      Template.fromStack(set.replicaStack(region)).resourceCountIs('AWS::Events::Rule', 0);
    }
  });
});

describe('RotatedSecret monitoring', () => {
  const hosted = { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION };
  /** The monitor's alarms for a secret (and the key the construct made), and the daily check's two. */
  const alarmIdsOf = (stack: Stack, monitor: EncryptionMonitor, extra: string[] = []) => [
    ...[...KEY_ALARMS, 'RotationFailuresDeliveryFailedAlarm', ...extra].map(id => alarmOf(monitor, id)),
    ...['FindingsAlarm', 'HeartbeatAlarm'].map(id => alarmOf(dailyCheckOf(stack), id)),
  ].sort();

  test('the RotationFailures rule lists the secret and pages the topic; the monitor watches the key the construct made', () => {
    const stack = newStack();
    const secret = new RotatedSecret(stack, 'Db', hosted);
    const template = Template.fromStack(stack);
    const secretId = logicalIdOf(secret.secret);
    const failures = ruleOf(template, secret.monitor!, 'RotationFailures');
    expect(failures.props.EventPattern.detail.additionalEventData).toEqual({ SecretId: [{ Ref: secretId }] });
    expect(failures.props.Targets).toEqual([pagingTargetOf(secret.monitor!, 'RotationFailures')]);
    expect(Object.keys(alarmsOnRule(template, failures.logicalId))).toEqual([alarmOf(secret.monitor!, 'RotationFailuresDeliveryFailedAlarm')]);
    expect(ruleOf(template, secret.monitor!, 'DeniedDecrypts').props.EventPattern.detail.resources.ARN).toEqual([keyMatcherOf(ownKeyLogicalId(secret))]);
    // Overdue rotation: the daily check holds the secret to its interval.
    expect(dailyCheckInput(template, stack).Secrets).toEqual([{ MaxHours: 720, GraceHours: 24, Ids: [`ref:${secretId}`] }]);
    // Hosted rotation: no function of the stack's to watch, so no RotationFunctionErrors alarm.
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort()).toEqual(alarmIdsOf(stack, secret.monitor!));
  });

  const INTERVALS: Array<[string, Duration | undefined, number, number]> = [
    ['the default 30 days', undefined, 720, 31],
    ['12 hours', Duration.hours(12), 12, 2],
    ['25 hours', Duration.hours(25), 25, 3],
    ['7 days', Duration.days(7), 168, 8],
  ];

  test.each(INTERVALS)('a rotationInterval of %s is what the daily check allows, plus a day of grace, before it is overdue; no AWS Config rule by default',
    (_name, rotationInterval, hours) => {
      const stack = newStack();
      const secret = new RotatedSecret(stack, 'Db', { ...hosted, rotationInterval });
      const template = Template.fromStack(stack);
      expect(dailyCheckInput(template, stack).Secrets).toEqual([{ MaxHours: hours, GraceHours: 24, Ids: [`ref:${logicalIdOf(secret.secret)}`] }]);
      template.resourceCountIs('AWS::Config::ConfigRule', 0);
      expect(Object.values(template.findResources('AWS::Events::Rule')).map(r => r.Properties.Description))
        .not.toContain('EncryptionMonitor S/EncryptionMonitor: RotationOverdue');
    });

  test.each(INTERVALS)('with rotationOverdueConfigRule, a rotationInterval of %s allows that, rounded up to whole days, plus a day of grace, '
    + 'in an AWS Config rule without Scope, whose findings the RotationOverdue rule matches by the secret\'s resourceId', (_name, rotationInterval, _hours, days) => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), rotationOverdueConfigRule: true });
    const secret = new RotatedSecret(stack, 'Db', { ...hosted, rotationInterval });
    expect(secret.monitor).toBe(monitor);
    const template = Template.fromStack(stack);
    const configRules = Object.entries(template.findResources('AWS::Config::ConfigRule'));
    expect(configRules).toHaveLength(1);
    const [configRuleId, configRule] = configRules[0];
    expect(configRule.Properties.Source).toEqual({ Owner: 'AWS', SourceIdentifier: 'SECRETSMANAGER_SECRET_PERIODIC_ROTATION' });
    expect(configRule.Properties.InputParameters).toEqual({ maxDaysSinceRotation: days });
    expect(configRule.Properties.Scope).toBeUndefined();
    const overdue = ruleOf(template, monitor, 'RotationOverdue');
    expect(overdue.props.EventPattern.detail).toEqual({
      configRuleName: [{ Ref: configRuleId }],
      resourceType: ['AWS::SecretsManager::Secret'],
      resourceId: [{ Ref: logicalIdOf(secret.secret) }],
      newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
    });
    expect(overdue.props.Targets.map((t: any) => t.Arn)).toEqual([arnOf(deliveryOf(monitor).eventsQueue)]);
    const alarms = alarmsOnRule(template, overdue.logicalId);
    expect(Object.keys(alarms)).toEqual([alarmOf(monitor, 'RotationOverdueAlarm')]);
    expect(Object.values(alarms).map(a => [a.Properties.MetricName, a.Properties.AlarmActions])).toEqual([['Invocations', [{ Ref: deliveryOf(monitor).topic }]]]);
  });

  test('a rotationLambda of the stack joins the RotationFunctionErrors alarm', () => {
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Rotator', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    const secret = new RotatedSecret(stack, 'Db', { rotationLambda: fn });
    const template = Template.fromStack(stack);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(a => a.Properties.Metrics);
    expect(alarms).toHaveLength(1);
    expect(alarms[0].Properties.Metrics).toEqual([
      {
        Id: 'errors0',
        MetricStat: {
          Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(fn) } }] },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
      { Id: 'expr_1', Expression: 'SUM([errors0])', Label: 'Rotation function errors', ReturnData: true },
    ]);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort())
      .toEqual(alarmIdsOf(stack, secret.monitor!, ['RotationFunctionErrorsAlarm']));
  });

  test('a given encryptionKey is neither verified nor monitored by the construct; the secret is', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const secret = new RotatedSecret(stack, 'Db', { encryptionKey: key, ...hosted });
    const template = Template.fromStack(stack);
    const { resource } = verificationOf(template, secret);
    expect(resource.Properties.Keys).toEqual([]);
    expect(resource.Properties.Secrets).toEqual([expect.objectContaining({ SecretId: { Ref: logicalIdOf(secret.secret) } })]);
    expect(policiesNamingKey(template, arnOf(logicalIdOf(key)))).toEqual([]);
    // No key rules at all: the monitor watches no key, only the secret; the daily check likewise.
    expect(Object.values(template.findResources('AWS::Events::Rule')).map(r => r.Properties.Description).filter(d => d.startsWith('EncryptionMonitor')))
      .toEqual(['EncryptionMonitor S/EncryptionMonitor: RotationFailures']);
    expect(dailyCheckInput(template, stack).Keys).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).not.toContain(logicalIdOf(key));
  });
});

describe('scale', () => {
  const COUNTED = ['AWS::Events::Rule', 'AWS::CloudWatch::Alarm', 'AWS::Logs::MetricFilter', 'AWS::Lambda::Function',
    'AWS::StepFunctions::StateMachine', 'AWS::CloudTrail::Trail', 'AWS::SNS::Topic', 'AWS::SQS::Queue'];

  function tenantKeys(n: number): { stack: Stack; keys: TenantKey[]; template: Template } {
    const stack = newStack();
    const keys = Array.from({ length: n }, (_, i) => new TenantKey(stack, `Tenant${i}`, { tenantId: `tenant-${i}` }));
    return { stack, keys, template: Template.fromStack(stack) };
  }
  const counts = (template: Template) => Object.fromEntries(COUNTED.map(t => [t, Object.keys(template.findResources(t)).length]));

  test(`1 and ${KEYS_PER_DEFAULT_PATTERN} TenantKeys (as many as the default monitor's patterns hold) make the same rules, alarms, metric filters, functions, state machines, trails, topics and queues`, () => {
    const one = tenantKeys(1);
    const many = tenantKeys(KEYS_PER_DEFAULT_PATTERN);
    expect(counts(many.template)).toEqual(counts(one.template));
    expect(counts(one.template)).toEqual({
      // DeniedDecrypts, DeniedKeyCalls, KeyLifecycle, RoutineDeploys, AliasChanges; the daily rotation check's.
      'AWS::Events::Rule': 6,
      // DeniedDecrypts, DeniedKeyCalls; KeyLifecycle and AliasChanges delivery failures; dead letters; the daily check's findings and heartbeat.
      'AWS::CloudWatch::Alarm': 7,
      'AWS::Logs::MetricFilter': 0,
      'AWS::Lambda::Function': 5,
      'AWS::StepFunctions::StateMachine': 1,
      'AWS::CloudTrail::Trail': 0,
      'AWS::SNS::Topic': 1,
      // The non-paging queue and the dead-letter queue.
      'AWS::SQS::Queue': 2,
    });
    // The keys are data: every key ID in each key rule, every alias in the alias rule, every ARN in the daily check's input.
    const monitor = EncryptionMonitor.of(many.stack);
    for (const name of KEY_RULES) {
      expect(ruleOf(many.template, monitor, name).props.EventPattern.detail.resources.ARN)
        .toEqual(many.keys.map(k => keyMatcherOf(ownKeyLogicalId(k))));
    }
    expect(ruleOf(many.template, monitor, 'AliasChanges').props.EventPattern.detail.requestParameters.aliasName)
      .toEqual(many.keys.map(k => aliasNameOf(many.template, k)));
    expect(dailyCheckInput(many.template, many.stack).Keys).toEqual([{ MaxDays: 365, Ids: many.keys.map(k => `arn:${ownKeyLogicalId(k)}`) }]);
  });

  test('each TenantKey adds exactly three resources: its key, its alias and its verification', () => {
    const one = tenantKeys(1);
    const many = tenantKeys(KEYS_PER_DEFAULT_PATTERN);
    for (const key of many.keys) {
      expect(logicalIdsUnder(key).map(id => many.template.toJSON().Resources[id].Type).sort())
        .toEqual(['AWS::KMS::Alias', 'AWS::KMS::Key', VERIFICATION]);
    }
    const size = (t: Template) => Object.keys(t.toJSON().Resources).length;
    expect(size(many.template) - size(one.template)).toBe((KEYS_PER_DEFAULT_PATTERN - 1) * 3);
  });

  test(`${KEYS_PER_DEFAULT_PATTERN + 1} default TenantKeys no longer fit the default monitor's 2,048-character patterns`, () => {
    expect(() => tenantKeys(KEYS_PER_DEFAULT_PATTERN + 1)).toThrow(/S\/EncryptionMonitor.*over EventBridge's limit of 2048/s);
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
      '^Validation failed with the following errors:.*S/EncryptionMonitor.*the DeniedDecrypts event pattern for 80 keys and 80 aliases is about \\d+ characters, '
      + 'over EventBridge\'s limit of 2048.*This is the monitor EncryptionMonitor\\.of\\(\\) made for the stack\'s constructs.*'
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
