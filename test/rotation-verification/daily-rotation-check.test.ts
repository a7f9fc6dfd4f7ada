import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DAILY_CHECK_FIELD, DailyCheckInput } from '../../src/rotation-verification/checks';
import {
  DailyCheckSubject, ENVELOPE_LENGTH, INPUT_BUDGET, KEY_GROUP_LENGTH, MAX_TARGETS_PER_RULE, MAX_TARGET_INPUT_LENGTH, PER_ID_LENGTH,
  SECRET_GROUP_LENGTH, keysPerRule, planShards,
} from '../../src/rotation-verification/daily-check-input';
import { DailyRotationCheck } from '../../src/rotation-verification/daily-rotation-check';
import { RotationVerificationProvider } from '../../src/rotation-verification/provider';
import { MAX_KEY_ARN_LENGTH } from '../../src/rotation-verification/requirements';
import { RotationVerification } from '../../src/rotation-verification/rotation-verification';
import { controlTowerFailures } from '../helpers/cfn-guard';
import { cfnLint } from '../helpers/cfn-lint';
import { nagFindings } from '../helpers/nag';
import { providerOutsideVpcFailure } from '../helpers/provider';

const ENV = { account: '111111111111', region: 'us-east-1' };

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}
function id(s: Stack, c: { node: { defaultChild?: any } }): string {
  return s.resolve(c.node.defaultChild.logicalId);
}
/** The longest key ARN a deploy can produce: the longest partition and Region, a multi-Region key ID. */
const LONGEST_KEY_ARN = `arn:aws-iso-b:kms:${'us-isob-east-1'}:111111111111:key/mrk-${'0'.repeat(32)}`;
const LONGEST_STACK_NAME = 'S'.repeat(128);

/** A target's Input as deployed, with every key ARN and the stack name at their longest. */
function deployedInput(input: unknown): string {
  const resolve = (v: any): string => {
    if (typeof v === 'string') return v;
    if (v.Ref === 'AWS::StackName') return LONGEST_STACK_NAME;
    if (v.Ref) return `secret:${v.Ref}`; // a secret's Ref is its ARN
    if (v['Fn::GetAtt']?.[1] === 'Arn') return LONGEST_KEY_ARN;
    if (v['Fn::Join']) return v['Fn::Join'][1].map(resolve).join(v['Fn::Join'][0]);
    throw new Error(`unexpected ${JSON.stringify(v)}`);
  };
  return resolve(input);
}

function keys(s: Stack, n: number, prefix = 'Key'): kms.Key[] {
  return Array.from({ length: n }, (_, i) => new kms.Key(s, `${prefix}${i}`, { enableKeyRotation: true }));
}

describe('one check per stack', () => {
  test('every RotationVerification registers its keys and secrets with the stack\'s one check', () => {
    const s = stack();
    const [a, b] = keys(s, 2);
    const secret = new secretsmanager.Secret(s, 'Secret');
    new RotationVerification(s, 'V1', { keys: [a], maxKeyRotationPeriod: Duration.days(180) });
    new RotationVerification(s, 'V2', { keys: [b], secrets: [secret], maxSecretRotationInterval: Duration.days(7), rotationGracePeriod: Duration.hours(6) });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Events::Rule', 1);
    const [rule] = Object.values(t.findResources('AWS::Events::Rule'));
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 day)');
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toHaveLength(1);
    const target = rule.Properties.Targets[0];
    // The provider's own onEvent function: no new function, and its role already holds the ARNs.
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [id(s, RotationVerificationProvider.of(s).onEventHandler), 'Arn'] });
    expect(target.RoleArn).toBeUndefined();
    expect(JSON.parse(deployedInput(target.Input))).toEqual({
      DailyRotationCheck: {
        Stack: LONGEST_STACK_NAME,
        Shard: 1,
        Keys: [{ MaxDays: 180, Ids: [LONGEST_KEY_ARN] }, { MaxDays: 365, Ids: [LONGEST_KEY_ARN] }],
        Secrets: [{ MaxHours: 168, GraceHours: 6, Ids: [`secret:${id(s, secret)}`] }],
      },
    });
  });

  test('checkDaily: false registers nothing and creates no check', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1), checkDaily: false });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Events::Rule', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(s.node.tryFindChild(DailyRotationCheck.ID)).toBeUndefined();
  });

  test('of() returns the same check for every scope in a stack, and another in another stack', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    const inner = new kms.Key(a, 'K', { enableKeyRotation: true });
    expect(DailyRotationCheck.of(inner)).toBe(DailyRotationCheck.of(a));
    expect(DailyRotationCheck.of(a)).not.toBe(DailyRotationCheck.of(b));
  });

  test('the thousandth key adds no function, rule, permission or alarm: only data', () => {
    const count = (n: number) => {
      const s = stack();
      const check = DailyRotationCheck.of(s);
      for (const key of keys(s, n)) {
        check.addKey(key);
      }
      expect(check.alarms).toHaveLength(2);
      const t = Template.fromStack(s).toJSON();
      const types = Object.values<any>(t.Resources).map(r => r.Type);
      return Object.fromEntries(['AWS::Lambda::Function', 'AWS::Events::Rule', 'AWS::Lambda::Permission', 'AWS::CloudWatch::Alarm']
        .map(type => [type, types.filter(x => x === type).length]));
    };
    expect(count(160)).toEqual(count(1));
  });

  test('the same key added twice is checked once, against the stricter period', () => {
    const s = stack();
    const [key] = keys(s, 1);
    const check = DailyRotationCheck.of(s);
    check.addKey(key, Duration.days(365));
    check.addKey(key, Duration.days(90));
    check.addKey(key, Duration.days(180));
    const [rule] = Object.values(Template.fromStack(s).findResources('AWS::Events::Rule'));
    expect(JSON.parse(deployedInput(rule.Properties.Targets[0].Input)).DailyRotationCheck.Keys).toEqual([{ MaxDays: 90, Ids: [LONGEST_KEY_ARN] }]);
  });
});

test('the same secret added twice is checked once, against the shorter interval and the shorter grace', () => {
  const s = stack();
  const secret = new secretsmanager.Secret(s, 'Secret');
  const check = DailyRotationCheck.of(s);
  check.addSecret(secret, { maxRotationInterval: Duration.days(7), rotationGracePeriod: Duration.hours(48) });
  check.addSecret(secret, { maxRotationInterval: Duration.days(30), rotationGracePeriod: Duration.hours(6) });
  const [rule] = Object.values(Template.fromStack(s).findResources('AWS::Events::Rule'));
  expect(JSON.parse(deployedInput(rule.Properties.Targets[0].Input)).DailyRotationCheck.Secrets)
    .toEqual([{ MaxHours: 168, GraceHours: 6, Ids: [`secret:${id(s, secret)}`] }]);
});

describe('invocation and permissions', () => {
  test('EventBridge may invoke the function from this rule, in this account, only', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    const check = DailyRotationCheck.of(s);
    Template.fromStack(s).hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [id(s, RotationVerificationProvider.of(s).onEventHandler), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [s.resolve(check.rule.logicalId), 'Arn'] },
      SourceAccount: '111111111111',
    });
  });

  test('the role may publish metrics to the check\'s namespace only ("Using condition keys to limit access to CloudWatch namespaces")', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    const policies = Object.values<any>(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy'));
    const statements = policies.flatMap(p => p.Properties.PolicyDocument.Statement).filter((st: any) => st.Action === 'cloudwatch:PutMetricData');
    expect(statements).toEqual([{
      Action: 'cloudwatch:PutMetricData',
      Effect: 'Allow',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'KmsPatterns/RotationCheck' } },
    }]);
  });

  test('the rule runs after the policy that lets the function read what it checks', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    const check = DailyRotationCheck.of(s);
    const rule = Template.fromStack(s).toJSON().Resources[s.resolve(check.rule.logicalId)];
    expect(rule.DependsOn).toEqual([id(s, RotationVerificationProvider.of(s).policy)]);
  });

  test('no unacknowledged cdk-nag finding', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1), secrets: [new secretsmanager.Secret(s, 'Secret')] });
    const ours = [DailyRotationCheck.ID, RotationVerificationProvider.ID];
    const findings = nagFindings(s).filter(f => ours.some(o => f.resourcePath.includes(o)));
    expect(findings.map(f => `${f.ruleId} ${f.resourcePath}`)).toEqual([]);
  });
});

describe('alarms', () => {
  test('no alarm until someone asks for them: an alarm nobody is told about tells no one', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    Template.fromStack(s).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(DailyRotationCheck.of(s).hasAlarms).toBe(false);
  });

  test('findings: at least one failing key or secret in a day; no run is no finding', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    const check = DailyRotationCheck.of(s);
    expect(check.alarms).toHaveLength(2);
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'KmsPatterns/RotationCheck',
      MetricName: 'Findings',
      Dimensions: [{ Name: 'StackName', Value: { Ref: 'AWS::StackName' } }],
      Statistic: 'Sum',
      Period: 86400,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: Match.absent(),
    });
    expect(check.alarms).toEqual([check.findingsAlarm, check.heartbeatAlarm]);
  });

  test('heartbeat: fewer runs than shards two days running, and a missing heartbeat breaches', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    void DailyRotationCheck.of(s).heartbeatAlarm;
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'KmsPatterns/RotationCheck',
      MetricName: 'Heartbeat',
      Statistic: 'Sum',
      Period: 86400,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: Match.absent(),
    });
  });

  // "PutMetricAlarm" (CloudWatch API Reference), Period: "An alarm's total current evaluation
  // period can be no longer than seven days, so Period multiplied by EvaluationPeriods can't be
  // more than 604,800 seconds." More than one day, so a daily heartbeat is enough.
  test('each alarm evaluates over more than a day and at most seven', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    expect(DailyRotationCheck.of(s).alarms).toHaveLength(2);
    for (const alarm of Object.values<any>(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm'))) {
      const window = alarm.Properties.Period * alarm.Properties.EvaluationPeriods;
      expect(window).toBeGreaterThanOrEqual(86_400);
      expect(window).toBeLessThanOrEqual(604_800);
    }
  });

  test('the heartbeat threshold is the number of shards: each reports once a day', () => {
    const s = stack();
    const check = DailyRotationCheck.of(s);
    for (const key of keys(s, 160)) {
      check.addKey(key);
    }
    void check.heartbeatAlarm;
    const t = Template.fromStack(s);
    const [rule] = Object.values<any>(t.findResources('AWS::Events::Rule'));
    expect(rule.Properties.Targets.length).toBe(2);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Heartbeat', Threshold: 2 });
  });

  test('metrics are per stack, summed over a day', () => {
    const s = stack();
    const check = DailyRotationCheck.of(s);
    check.addKey(keys(s, 1)[0]);
    expect(s.resolve(check.metricHeartbeat().toMetricConfig().metricStat)).toEqual(expect.objectContaining({
      namespace: 'KmsPatterns/RotationCheck',
      metricName: 'Heartbeat',
      statistic: 'Sum',
      period: Duration.days(1),
      dimensions: [{ name: 'StackName', value: { Ref: 'AWS::StackName' } }],
    }));
    expect(check.metricFindings({ period: Duration.hours(6) }).period.toHours()).toBe(6);
  });
});

describe('scale: the keys and secrets spread over the rule\'s targets', () => {
  // "Amazon EventBridge API Reference", Target, Input: "Length Constraints: Maximum length of 8192."
  // "PutTargets": "Each rule can have up to five (5) targets associated with it at one time."
  test('the documented limits', () => {
    expect(MAX_TARGET_INPUT_LENGTH).toBe(8192);
    expect(MAX_TARGETS_PER_RULE).toBe(5);
  });

  test('a full stack of 160 keys fits, every target\'s input within 8,192 characters at the longest ARNs', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 160) });
    const [rule] = Object.values<any>(Template.fromStack(s).findResources('AWS::Events::Rule'));
    const inputs = rule.Properties.Targets.map((target: any) => deployedInput(target.Input));
    expect(inputs.length).toBeLessThanOrEqual(MAX_TARGETS_PER_RULE);
    for (const input of inputs) {
      expect(input.length).toBeLessThanOrEqual(MAX_TARGET_INPUT_LENGTH);
    }
    const ids = inputs.flatMap((input: string) => JSON.parse(input).DailyRotationCheck.Keys.flatMap((g: any) => g.Ids));
    expect(ids).toHaveLength(160);
    expect(rule.Properties.Targets.map((t: any) => t.Id)).toEqual(inputs.map((_: string, i: number) => `Shard${i + 1}`));
  });

  test('fails synth, saying what to do, when the keys need more than five targets', () => {
    const s = stack();
    const check = DailyRotationCheck.of(s);
    const arn = (i: number) => `arn:aws:kms:us-east-1:111111111111:key/${String(i).padStart(8, '0')}-0000-0000-0000-000000000000`;
    // Imported keys: cheap to make, and their ARNs are literal, so the estimate is exact.
    for (let i = 0; i < 500; i++) {
      check.addKey(kms.Key.fromKeyArn(s, `Imported${i}`, arn(i)));
    }
    expect(() => Template.fromStack(s)).toThrow(
      /Stack\/KmsPatternsDailyRotationCheck: the daily rotation check of stack Stack has 500 keys and secrets, more than one EventBridge rule can carry \(5 targets of at most 8,192 characters of input each, about \d+ key ARNs in all\): spread the keys over more stacks, or set `checkDaily: false` on some RotationVerifications/);
  });

  test('fails synth when the check has nothing to check', () => {
    const s = stack();
    DailyRotationCheck.of(s);
    expect(() => Template.fromStack(s)).toThrow(/Stack\/KmsPatternsDailyRotationCheck: the daily rotation check has no key or secret to check/);
  });

  test('the size estimates are the input\'s own names and punctuation, with room for the values', () => {
    // Upper bounds: one digit stands for each number in the skeletons below; the estimates
    // must leave 10 digits per number, 128 characters for the stack name, and the comma
    // after each group and ID. A longer name in DailyCheckInput must raise them.
    const envelope: Record<string, DailyCheckInput> = { [DAILY_CHECK_FIELD]: { Stack: '', Shard: 5, Keys: [], Secrets: [] } };
    const keyGroup: DailyCheckInput['Keys'][number] = { MaxDays: 0, Ids: [] };
    const secretGroup: DailyCheckInput['Secrets'][number] = { MaxHours: 0, GraceHours: 0, Ids: [] };
    expect(ENVELOPE_LENGTH).toBeGreaterThanOrEqual(JSON.stringify(envelope).length + 128);
    expect(KEY_GROUP_LENGTH).toBeGreaterThanOrEqual(JSON.stringify(keyGroup).length - 1 + 10 + 1);
    expect(SECRET_GROUP_LENGTH).toBeGreaterThanOrEqual(JSON.stringify(secretGroup).length - 2 + 20 + 1);
    expect(PER_ID_LENGTH).toBeGreaterThanOrEqual(JSON.stringify(['']).length - 2 + 1);
  });

  const subject = (i: number, estimate = MAX_KEY_ARN_LENGTH, group = '365'): DailyCheckSubject => ({ kind: 'key', id: `k${i}`, group, maxDays: 365, estimate });
  test('planShards fills a shard up to the budget, then starts the next', () => {
    const perShard = Math.floor((INPUT_BUDGET - ENVELOPE_LENGTH - 32) / (MAX_KEY_ARN_LENGTH + 3));
    const shards = planShards(Array.from({ length: perShard + 1 }, (_, i) => subject(i)));
    expect(shards.map(sh => sh.length)).toEqual([perShard, 1]);
  });
  test('planShards keeps order, and an empty list makes no shard', () => {
    expect(planShards([])).toEqual([]);
    const list = Array.from({ length: 10 }, (_, i) => subject(i, 1000));
    expect(planShards(list).flat()).toEqual(list);
  });
  test('each new requirement group costs its overhead once per shard', () => {
    const budget = ENVELOPE_LENGTH + 2 * (10 + 3) + 32;
    expect(planShards([subject(0, 10), subject(1, 10)], budget)).toHaveLength(1);
    expect(planShards([subject(0, 10), subject(1, 10, '90')], budget)).toHaveLength(2);
  });
  test('about 400 keys fit one rule at the longest ARNs', () => {
    expect(keysPerRule(MAX_KEY_ARN_LENGTH)).toBeGreaterThanOrEqual(400);
  });
});

describe('validation', () => {
  test.each([
    [Duration.days(30), '`maxRotationPeriod` must be a whole number of days between 90 and 2560, got "30 days"'],
    [Duration.hours(2200), '`maxRotationPeriod` must be a whole number of days between 90 and 2560, got "91 days 16 hours"'],
  ])('fails when addKey gets %s', (period, message) => {
    const s = stack();
    expect(() => DailyRotationCheck.of(s).addKey(keys(s, 1)[0], period)).toThrow(`Stack/KmsPatternsDailyRotationCheck: ${message}`);
  });
  test('fails when addSecret gets a grace period of part hours', () => {
    const s = stack();
    expect(() => DailyRotationCheck.of(s).addSecret(new secretsmanager.Secret(s, 'S'), { rotationGracePeriod: Duration.minutes(90) }))
      .toThrow('Stack/KmsPatternsDailyRotationCheck: `rotationGracePeriod` must be a whole number of hours, got "1 hour 30 minutes"');
  });
  test('fails when addSecret gets an interval below four hours', () => {
    const s = stack();
    expect(() => DailyRotationCheck.of(s).addSecret(new secretsmanager.Secret(s, 'S'), { maxRotationInterval: Duration.hours(1) }))
      .toThrow(/Stack\/KmsPatternsDailyRotationCheck: `maxRotationInterval`/);
  });
});

describe('who is told', () => {
  test.each([
    ['before the stack has a check (a monitor made before the constructs)', true],
    ['once the stack has one', false],
  ])('addAlarmAction sends both alarms to the action, %s', (_name, before) => {
    const s = stack();
    const topic = new sns.Topic(s, 'Topic');
    if (before) {
      DailyRotationCheck.addAlarmAction(s, new actions.SnsAction(topic));
      expect(s.node.tryFindChild(DailyRotationCheck.ID)).toBeUndefined();
    }
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    if (!before) {
      DailyRotationCheck.addAlarmAction(s, new actions.SnsAction(topic));
    }
    const alarms = Object.values<any>(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map(a => a.Properties.AlarmActions)).toEqual([[{ Ref: id(s, topic) }], [{ Ref: id(s, topic) }]]);
    expect(Annotations.fromStack(s).findInfo('*', Match.stringLikeRegexp('Nobody is told'))).toEqual([]);
  });
  test('addAlarmAction in a stack that verifies nothing makes no check (it would have nothing to check)', () => {
    const s = stack();
    DailyRotationCheck.addAlarmAction(s, new actions.SnsAction(new sns.Topic(s, 'Topic')));
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Events::Rule', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('synth notes (info, not a warning) while nobody asked for the alarms', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    const warnings = Annotations.fromStack(s).findInfo('*', Match.stringLikeRegexp('Nobody is told what the daily rotation check finds'));
    expect(warnings.map(w => w.id)).toEqual(['/Stack/KmsPatternsDailyRotationCheck']);
  });
  test('synth notes when the alarms exist without actions; they then fail the action rules, as they should', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    void DailyRotationCheck.of(s).alarms;
    expect(Annotations.fromStack(s).findInfo('*', Match.stringLikeRegexp('Nobody is told'))).toHaveLength(1);
    expect(nagFindings(s).filter(f => f.ruleId.endsWith('CloudWatchAlarmAction')).map(f => f.resourcePath).sort()).toEqual([
      'Stack/KmsPatternsDailyRotationCheck/FindingsAlarm/Resource', 'Stack/KmsPatternsDailyRotationCheck/FindingsAlarm/Resource',
      'Stack/KmsPatternsDailyRotationCheck/HeartbeatAlarm/Resource', 'Stack/KmsPatternsDailyRotationCheck/HeartbeatAlarm/Resource',
    ]);
  });
  test('an action added to the alarms (as EncryptionMonitor does) silences the warning, and renders on both', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    const topic = new sns.Topic(s, 'Topic');
    for (const alarm of DailyRotationCheck.of(s).alarms) {
      alarm.addAlarmAction(new actions.SnsAction(topic));
    }
    expect(Annotations.fromStack(s).findInfo('*', Match.stringLikeRegexp('Nobody is told'))).toEqual([]);
    const alarms = Object.values<any>(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map(a => a.Properties.AlarmActions)).toEqual([[{ Ref: id(s, topic) }], [{ Ref: id(s, topic) }]]);
    expect(nagFindings(s).filter(f => f.resourcePath.includes(DailyRotationCheck.ID))).toEqual([]);
  });
});

describe('template checks', () => {
  // The stack as EncryptionMonitor will leave it: alarms with an action.
  function watched(): Stack {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1), secrets: [new secretsmanager.Secret(s, 'Secret')] });
    const topic = new sns.Topic(s, 'Topic', { enforceSSL: true, masterKey: new kms.Key(s, 'TopicKey', { enableKeyRotation: true }) });
    for (const alarm of DailyRotationCheck.of(s).alarms) {
      alarm.addAlarmAction(new actions.SnsAction(topic));
    }
    return s;
  }
  test('cfn-lint: no errors and no warnings', () => {
    const result = cfnLint(Template.fromStack(watched()).toJSON());
    expect({ errors: result.errors, warnings: result.warnings }).toEqual({ errors: [], warnings: [] });
  });
  test('Control Tower: the rule, permission and alarms pass every CloudWatch, EventBridge and Lambda control but CT.LAMBDA.PR.3 (no VPC)', () => {
    const template = Template.fromStack(watched()).toJSON();
    // The KMS controls judge this test's plain kms.Key fixtures, not the daily check.
    const failures = controlTowerFailures(template).filter(f => !f.ruleId.startsWith('CT.KMS.'))
      .map(f => ({ ruleId: f.ruleId, resources: [...f.resources].sort() }));
    expect(failures).toEqual([providerOutsideVpcFailure(template)]);
  });
  test('Control Tower: alarms without actions fail CT.CLOUDWATCH.PR.1, which is why they are made only on demand', () => {
    const s = stack();
    new RotationVerification(s, 'V', { keys: keys(s, 1) });
    void DailyRotationCheck.of(s).alarms;
    const failing = controlTowerFailures(Template.fromStack(s).toJSON(), ['CT.CLOUDWATCH.PR.1']);
    expect(failing.map(f => f.resources.length)).toEqual([2]);
  });
});
