import { App, CfnElement, CliCredentialsStackSynthesizer, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CrossAccountDecryptKey, KeyManagement, MultiRegionKeySet, RotatedSecret, SharedTenantKey, TenantKey } from '../../src';
import { EncryptionMonitor, EncryptionMonitorProps, MonitorScope, MonitorTrail } from '../../src/monitoring/encryption-monitor';
import { rotationFunctionErrorsExpression, rotationFunctionErrorsQueries } from '../../src/monitoring/metrics';
import { insightRuleName } from '../../src/monitoring/patterns';
import { DailyRotationCheck } from '../../src/rotation-verification/daily-rotation-check';
import { DB_CONNECTION } from '../helpers/db-connection';

const ENV = { account: '111111111111', region: 'us-east-1' };
/** What the README states as the keys a MONITORED_RESOURCES monitor holds under the default quota. */
const KEYS_PER_DEFAULT_PATTERN = 19;
const GROWING_TYPES = ['AWS::Logs::MetricFilter', 'AWS::CloudWatch::Alarm', 'AWS::Events::Rule', 'AWS::Lambda::Function',
  'AWS::Config::ConfigRule', 'AWS::CloudWatch::InsightRule', 'AWS::CloudTrail::Trail', 'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::KMS::Key'];

function newStack(app = new App(), id = 'Stack'): Stack {
  return new Stack(app, id, { env: ENV });
}

/** A stack whose monitor watches `n` keys (each with its alias) and `n` secrets, each secret with its own rotation function. */
function monitored(n: number, props: EncryptionMonitorProps = {}): { stack: Stack; template: Template } {
  const stack = newStack();
  const monitor = new EncryptionMonitor(stack, 'Monitor', props);
  for (let i = 0; i < n; i++) {
    monitor.monitorKey(new kms.Key(stack, `Key${i}`, { enableKeyRotation: true }), `alias/key-${i}`);
    monitor.monitorSecret(new secretsmanager.Secret(stack, `Secret${i}`), {
      rotationFunction: lambda.Function.fromFunctionName(stack, `Rotator${i}`, `rotator-${i}`),
    });
  }
  return { stack, template: Template.fromStack(stack) };
}

function counts(template: Template): Record<string, number> {
  const all = Object.fromEntries(GROWING_TYPES.map(t => [t, Object.keys(template.findResources(t)).length]));
  // The monitored keys are the test's, not the monitor's.
  return { ...all, 'AWS::KMS::Key': all['AWS::KMS::Key'] - Object.keys(template.findResources('AWS::KMS::Key', { Properties: { Description: Match.absent() } })).length };
}

/**
 * The secrets the stack's daily rotation check reads, as `{ MaxHours, GraceHours, Ids }`
 * groups (a secret's ARN stands as `secret:<logical ID>`): where "rotation overdue" is
 * checked by default.
 */
function dailyCheckSecrets(template: Template): unknown[] {
  const rules = Object.entries(template.findResources('AWS::Events::Rule')).filter(([id]) => id.startsWith(DailyRotationCheck.ID));
  expect(rules).toHaveLength(1);
  const deployed = (v: any): string => {
    if (typeof v === 'string') return v;
    if (v.Ref) return `secret:${v.Ref}`;
    if (v['Fn::GetAtt']) return `arn:${v['Fn::GetAtt'][0]}`;
    if (v['Fn::Join']) return v['Fn::Join'][1].map(deployed).join(v['Fn::Join'][0]);
    throw new Error(`unexpected ${JSON.stringify(v)}`);
  };
  return rules[0][1].Properties.Targets.flatMap((t: any) => JSON.parse(deployed(t.Input)).DailyRotationCheck.Secrets);
}

describe('scale', () => {
  test('1 and 10 monitored keys, aliases and secrets yield the same metric filters, alarms, rules, queues and functions', () => {
    const one = counts(monitored(1).template);

    expect(counts(monitored(10).template)).toEqual(one);
    expect(one).toEqual({
      'AWS::Logs::MetricFilter': 0,
      // DeniedDecrypts, DeniedKeyCalls (counts); three delivery failures (KeyLifecycle,
      // AliasChanges, RotationFailures); dead letters; rotation function errors; the daily
      // rotation check's findings and heartbeat (overdue rotation, without AWS Config).
      'AWS::CloudWatch::Alarm': 9,
      // The monitor's DeniedDecrypts, DeniedKeyCalls, KeyLifecycle, AliasChanges,
      // RotationFailures and RoutineDeploys (to the queue, no alarm); the daily check's schedule.
      'AWS::Events::Rule': 7,
      // The daily check runs in the stack's rotation-verification provider: its five functions.
      'AWS::Lambda::Function': 5,
      'AWS::Config::ConfigRule': 0,
      'AWS::CloudWatch::InsightRule': 1,
      'AWS::CloudTrail::Trail': 1,
      'AWS::SNS::Topic': 1,
      'AWS::SQS::Queue': 2,
      // The topic and queue key, the trail key, the provider's log-group key.
      'AWS::KMS::Key': 3,
    });
  });

  test('with rotationOverdueConfigRule, 1 and 10 secrets still yield one Config rule, one RotationOverdue rule and alarm', () => {
    const one = counts(monitored(1, { rotationOverdueConfigRule: true }).template);

    expect(counts(monitored(10, { rotationOverdueConfigRule: true }).template)).toEqual(one);
    expect(one).toEqual({
      ...counts(monitored(1).template),
      'AWS::Config::ConfigRule': 1,
      'AWS::Events::Rule': 8,
      'AWS::CloudWatch::Alarm': 10,
    });
  });

  test('the 10 secrets are data of the daily check: one rule whatever their number, each secret with its interval', () => {
    const { template } = monitored(10);
    const secrets = dailyCheckSecrets(template);

    expect(secrets).toEqual([{ MaxHours: 720, GraceHours: 24, Ids: Array.from({ length: 10 }, (_, i) => expect.stringMatching(new RegExp(`^secret:Secret${i}[0-9A-F]{8}$`))) }]);
  });

  test('the 10 keys and aliases are data: every key ID and alias name is in the rules\' patterns', () => {
    const { template } = monitored(10);
    const rule = (name: string) => Object.values(template.findResources('AWS::Events::Rule', { Properties: { Description: Match.stringLikeRegexp(`${name}$`) } }))[0];

    expect(rule('DeniedDecrypts').Properties.EventPattern.detail.resources.ARN).toHaveLength(10);
    expect(rule('AliasChanges').Properties.EventPattern.detail.requestParameters.aliasName).toEqual(Array.from({ length: 10 }, (_, i) => `alias/key-${i}`));
  });

  test('a two-stack app gets one trail, in the first monitor\'s stack, and the second stack deploys after it', () => {
    const app = new App();
    const first = newStack(app, 'First');
    const second = new Stack(app, 'Second', { env: { ...ENV, region: 'eu-west-1' } });
    // Monitors the user creates with default props: they create the app's trail (of() does not, see below).
    new EncryptionMonitor(first, 'Monitor').monitorKey(new kms.Key(first, 'Key', { enableKeyRotation: true }));
    new EncryptionMonitor(second, 'Monitor').monitorKey(new kms.Key(second, 'Key', { enableKeyRotation: true }));

    expect(Template.fromStack(first).toJSON().Resources).toBeDefined();
    Template.fromStack(first).resourceCountIs('AWS::CloudTrail::Trail', 1);
    Template.fromStack(second).resourceCountIs('AWS::CloudTrail::Trail', 0);
    Template.fromStack(second).resourceCountIs('AWS::S3::Bucket', 0);
    expect(second.dependencies).toEqual([first]);
  });

  test('a stack of another account gets a trail of its own (a trail covers its own account only)', () => {
    const app = new App();
    const first = newStack(app, 'First');
    const other = new Stack(app, 'Other', { env: { account: '222222222222', region: 'us-east-1' } });
    new EncryptionMonitor(first, 'Monitor');
    new EncryptionMonitor(other, 'Monitor');

    Template.fromStack(first).resourceCountIs('AWS::CloudTrail::Trail', 1);
    Template.fromStack(other).resourceCountIs('AWS::CloudTrail::Trail', 1);
    expect(other.dependencies).toEqual([]);
  });

  test('the monitors EncryptionMonitor.of() makes create no trail and add no stack dependency: they rely on the account\'s trail', () => {
    const app = new App();
    const first = newStack(app, 'First');
    const second = new Stack(app, 'Second', { env: { ...ENV, region: 'eu-west-1' } });
    const monitors = [first, second].map(stack => {
      const monitor = EncryptionMonitor.of(stack);
      monitor.monitorKey(new kms.Key(stack, 'Key', { enableKeyRotation: true }));
      return monitor;
    });

    for (const [i, stack] of [first, second].entries()) {
      expect(monitors[i].trail).toBeUndefined();
      expect(monitors[i].cloudTrailLogGroup).toBeUndefined();
      const template = Template.fromStack(stack);
      // DeniedDecrypts, DeniedKeyCalls, KeyLifecycle, RoutineDeploys; their alarms and the dead-letter alarm.
      expect(counts(template)).toMatchObject({ 'AWS::CloudTrail::Trail': 0, 'AWS::CloudWatch::InsightRule': 0, 'AWS::Events::Rule': 4, 'AWS::CloudWatch::Alarm': 4 });
      template.resourceCountIs('AWS::S3::Bucket', 0);
      template.resourceCountIs('AWS::Logs::LogGroup', 0);
    }
    expect(second.dependencies).toEqual([]);
  });

  test('a monitor created with default props after of() made another stack\'s still creates the app\'s trail', () => {
    const app = new App();
    const first = newStack(app, 'First');
    const second = new Stack(app, 'Second', { env: { ...ENV, region: 'eu-west-1' } });
    EncryptionMonitor.of(first);
    const created = new EncryptionMonitor(second, 'M');

    expect(created.trail).toBeDefined();
    Template.fromStack(first).resourceCountIs('AWS::CloudTrail::Trail', 0);
    Template.fromStack(second).resourceCountIs('AWS::CloudTrail::Trail', 1);
    expect(Template.fromStack(second).findResources('AWS::CloudTrail::Trail')).toEqual({
      [second.getLogicalId(created.trail!.node.defaultChild as CfnElement)]: expect.objectContaining({ Type: 'AWS::CloudTrail::Trail' }),
    });
    expect(first.dependencies).toEqual([]);
  });

  // "Amazon EventBridge quotas": event pattern size, default 2,048 characters (adjustable).
  test('past EventBridge\'s default 2,048-character pattern quota, synthesis fails and names MonitorScope.ACCOUNT', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    for (let i = 0; i < 40; i++) {
      monitor.monitorKey(new kms.Key(stack, `Key${i}`, { enableKeyRotation: true }));
    }

    expect(() => Template.fromStack(stack)).toThrow(/Stack\/Monitor.*the DeniedDecrypts event pattern for 40 keys and 0 aliases is about \d+ characters, over EventBridge's limit of 2048 \(`maxEventPatternLength`.*\): use `scope: MonitorScope.ACCOUNT`/s);
  });

  test('past the limit, the monitor of() made says how to replace it: a monitor of scope ACCOUNT created first, or monitoring: false', () => {
    const stack = newStack();
    for (let i = 0; i < 40; i++) {
      EncryptionMonitor.of(stack).monitorKey(new kms.Key(stack, `Key${i}`, { enableKeyRotation: true }));
    }

    expect(() => Template.fromStack(stack)).toThrow(new RegExp('Stack/EncryptionMonitor.*the DeniedDecrypts event pattern for 40 keys and 0 aliases is about \\d+ characters, '
      + 'over EventBridge\'s limit of 2048 \\(`maxEventPatternLength`.*\\): use `scope: MonitorScope.ACCOUNT`, or spread the keys over more stacks\\. '
      + 'This is the monitor EncryptionMonitor\\.of\\(\\) made for the stack\'s constructs: create the stack\'s EncryptionMonitor yourself, '
      + 'before them, with `scope: MonitorScope\\.ACCOUNT` .*or set `monitoring: false` on the constructs', 's'));
  });

  test('past the limit, a monitor the user created does not get the advice about of()', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    for (let i = 0; i < 40; i++) {
      monitor.monitorKey(new kms.Key(stack, `Key${i}`, { enableKeyRotation: true }));
    }

    expect(() => Template.fromStack(stack)).toThrow(/limit of 2048/);
    expect(() => Template.fromStack(stack)).not.toThrow(/EncryptionMonitor\.of\(\)|monitoring: false/);
  });

  test('an account with a raised quota sets maxEventPatternLength, and the same 40 keys synthesize', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), maxEventPatternLength: 4096 });
    for (let i = 0; i < 40; i++) {
      monitor.monitorKey(new kms.Key(stack, `Key${i}`, { enableKeyRotation: true }));
    }

    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('the default quota holds 19 keys with 21-character aliases, and fails at 20', () => {
    const build = (n: number) => {
      const stack = newStack();
      const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
      for (let i = 0; i < n; i++) {
        monitor.monitorKey(new kms.Key(stack, `Key${i}`, { enableKeyRotation: true }), `alias/tenant/t-${String(i).padStart(6, '0')}`);
      }
      return () => Template.fromStack(stack);
    };

    expect(build(KEYS_PER_DEFAULT_PATTERN)).not.toThrow();
    expect(build(KEYS_PER_DEFAULT_PATTERN + 1)).toThrow(/over EventBridge's limit of 2048/);
  });

  test('with MonitorScope.ACCOUNT, 80 keys synthesize, matched by an account-wide ARN wildcard', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), scope: MonitorScope.ACCOUNT });
    for (let i = 0; i < 80; i++) {
      monitor.monitorKey(new kms.Key(stack, `Key${i}`, { enableKeyRotation: true }));
    }

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { eventName: ['Decrypt'], resources: { ARN: [{ wildcard: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:*:', { Ref: 'AWS::AccountId' }, ':key/*']] } }] } } },
    });
  });
});

describe('resources', () => {
  let stack: Stack;
  let template: Template;
  /** The same, with the AWS Config rule for overdue rotation (`rotationOverdueConfigRule`). */
  let withConfig: { stack: Stack; template: Template };
  beforeAll(() => {
    ({ stack, template } = monitored(1));
    withConfig = monitored(1, { rotationOverdueConfigRule: true });
  });

  const ruleByName = (name: string, from: Template = name === 'RotationOverdue' ? withConfig.template : template) => {
    const found = Object.entries(from.findResources('AWS::Events::Rule', { Properties: { Description: `EncryptionMonitor Stack/Monitor: ${name}` } }));
    expect(found).toHaveLength(1);
    return { logicalId: found[0][0], props: found[0][1].Properties };
  };
  // A key of the stack is matched by its ID at the end of the ARN (half the characters of its ARN).
  const keyArn = { suffix: { 'Fn::Join': ['', ['/', { Ref: expect.stringMatching(/^Key0/) }]] } };

  test('DeniedDecrypts: refused Decrypt on the monitored keys, with read-only management events on', () => {
    expect(ruleByName('DeniedDecrypts').props).toEqual(expect.objectContaining({
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: {
        'source': ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': { eventSource: ['kms.amazonaws.com'], eventName: ['Decrypt'], errorCode: [{ prefix: 'AccessDenied' }], resources: { ARN: [keyArn] } },
      },
    }));
  });

  test('DeniedKeyCalls: refused calls of any operation', () => {
    expect(ruleByName('DeniedKeyCalls').props).toEqual(expect.objectContaining({
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: {
        'source': ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': { eventSource: ['kms.amazonaws.com'], errorCode: [{ prefix: 'AccessDenied' }], resources: { ARN: [keyArn] } },
      },
    }));
  });

  // The synthesizer's CloudFormation execution role: a routine deploy is CloudFormation acting as it.
  const execRole = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1' };
  const notRoutineDeploy = [
    { userIdentity: { invokedBy: [{ exists: false }] } },
    { userIdentity: { invokedBy: [{ 'anything-but': ['cloudformation.amazonaws.com'] }] } },
    { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
    { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': [execRole] }] } } } },
  ];

  test('KeyLifecycle: DisableKey and ScheduleKeyDeletion always, PutKeyPolicy unless a routine deploy (write events: plain ENABLED)', () => {
    expect(ruleByName('KeyLifecycle').props).toEqual(expect.objectContaining({
      State: 'ENABLED',
      EventPattern: {
        'source': ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          eventSource: ['kms.amazonaws.com'],
          errorCode: [{ exists: false }],
          resources: { ARN: [keyArn] },
          $or: [{ eventName: ['DisableKey', 'ScheduleKeyDeletion'] }, ...notRoutineDeploy.map(b => ({ eventName: ['PutKeyPolicy'], ...b }))],
        },
      },
    }));
  });

  test('AliasChanges: alias calls on the monitored aliases, by name, unless a routine deploy', () => {
    expect(ruleByName('AliasChanges').props.EventPattern.detail).toEqual({
      eventSource: ['kms.amazonaws.com'],
      eventName: ['CreateAlias', 'UpdateAlias', 'DeleteAlias'],
      errorCode: [{ exists: false }],
      requestParameters: { aliasName: ['alias/key-0'] },
      $or: notRoutineDeploy,
    });
  });

  test('RoutineDeploys: PutKeyPolicy and alias calls CloudFormation makes as the execution role, to the queue', () => {
    const rule = ruleByName('RoutineDeploys').props;
    expect(rule.EventPattern.detail).toEqual({
      eventSource: ['kms.amazonaws.com'],
      errorCode: [{ exists: false }],
      userIdentity: { invokedBy: ['cloudformation.amazonaws.com'], sessionContext: { sessionIssuer: { arn: [execRole] } } },
      $or: [
        { eventName: ['PutKeyPolicy'], resources: { ARN: [keyArn] } },
        { eventName: ['CreateAlias', 'UpdateAlias', 'DeleteAlias'], requestParameters: { aliasName: ['alias/key-0'] } },
      ],
    });
    expect(rule.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^MonitorEventsQueue/), 'Arn'] } })]);
  });

  test.each(['KeyLifecycle', 'AliasChanges', 'RotationFailures'])('%s: one target, the topic, through the Chatbot notification, with the dead-letter queue and no role', (name) => {
    const targets = ruleByName(name).props.Targets;
    expect(targets).toEqual([{
      Id: 'AlarmTopic',
      Arn: { Ref: expect.stringMatching(/^MonitorAlarmTopic[0-9A-F]{8}$/) },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^MonitorDeadLetterQueue/), 'Arn'] } },
      InputTransformer: { InputPathsMap: expect.any(Object), InputTemplate: expect.any(String) },
    }]);
    // "Amazon EventBridge targets" (Amazon SNS): a RoleArn on an SNS target may make delivery fail, especially to an encrypted topic.
    expect(targets[0].RoleArn).toBeUndefined();
  });

  test.each(['DeniedDecrypts', 'DeniedKeyCalls', 'RoutineDeploys', 'RotationOverdue'])('%s: one target, the non-paging queue, with the dead-letter queue', (name) => {
    expect(ruleByName(name).props.Targets).toEqual([{
      Id: 'EventsQueue',
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/^MonitorEventsQueue/), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^MonitorDeadLetterQueue/), 'Arn'] } },
    }]);
  });

  test('every rule has a target (AWS documents the per-rule metrics of rules with targets only)', () => {
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.Targets).toHaveLength(1);
    }
  });

  test('the queues: CMK-encrypted with the topic key, the events queue kept 1 day with the DLQ behind it, the DLQ 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorAlarmTopicKey'), 'Arn'] },
      MessageRetentionPeriod: 86400,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 1000 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorAlarmTopicKey'), 'Arn'] },
      MessageRetentionPeriod: 1209600,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
  });

  test('each queue lets only the monitor\'s rules that deliver to it send, and refuses requests without TLS', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    const allows = Object.fromEntries(policies.map(p => [p.Properties.Queues[0].Ref.replace(/[0-9A-F]{8}$/, ''),
      p.Properties.PolicyDocument.Statement.find((st: any) => st.Sid === 'KmsPatternsAllowMonitorRules')]));
    const rulesOf = (statement: any) => statement.Condition.ArnEquals['aws:SourceArn'].map((a: any) => a['Fn::GetAtt'][0].replace(/Rule[0-9A-F]{8}$/, '')).sort();

    expect(rulesOf(allows.MonitorEventsQueue)).toEqual(['MonitorDeniedDecrypts', 'MonitorDeniedKeyCalls', 'MonitorRoutineDeploys']);
    expect(rulesOf(allows.MonitorDeadLetterQueue)).toEqual(['MonitorAliasChanges', 'MonitorDeniedDecrypts', 'MonitorDeniedKeyCalls',
      'MonitorKeyLifecycle', 'MonitorRotationFailures', 'MonitorRoutineDeploys']);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
        Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]));
    }

    // With the Config rule, its RotationOverdue rule may send to both queues as well.
    const optInAllows = Object.fromEntries(Object.values(withConfig.template.findResources('AWS::SQS::QueuePolicy')).map(p => [p.Properties.Queues[0].Ref.replace(/[0-9A-F]{8}$/, ''),
      p.Properties.PolicyDocument.Statement.find((st: any) => st.Sid === 'KmsPatternsAllowMonitorRules')]));
    expect(rulesOf(optInAllows.MonitorEventsQueue)).toEqual(['MonitorDeniedDecrypts', 'MonitorDeniedKeyCalls', 'MonitorRotationOverdue', 'MonitorRoutineDeploys']);
    expect(rulesOf(optInAllows.MonitorDeadLetterQueue)).toEqual(['MonitorAliasChanges', 'MonitorDeniedDecrypts', 'MonitorDeniedKeyCalls',
      'MonitorKeyLifecycle', 'MonitorRotationFailures', 'MonitorRotationOverdue', 'MonitorRoutineDeploys']);
  });

  test('RotationFailures: RotationFailed and RotationAbandoned of the monitored secrets', () => {
    expect(ruleByName('RotationFailures').props).toEqual(expect.objectContaining({
      State: 'ENABLED',
      EventPattern: {
        'source': ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        'detail': {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed', 'RotationAbandoned'],
          additionalEventData: { SecretId: [{ Ref: expect.stringMatching(/^Secret0/) }] },
        },
      },
    }));
  });

  test('overdue rotation, by default: the stack\'s daily rotation check, no AWS Config rule and no RotationOverdue rule or alarm', () => {
    template.resourceCountIs('AWS::Config::ConfigRule', 0);
    expect(Object.keys(template.findResources('AWS::Events::Rule', { Properties: { Description: 'EncryptionMonitor Stack/Monitor: RotationOverdue' } }))).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toContain('RotationOverdue');
    // The secret is checked every day against its interval (30 days by default) plus the grace period (1 day).
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    expect(dailyCheckSecrets(template)).toEqual([{ MaxHours: 720, GraceHours: 24, Ids: [expect.stringMatching(/^secret:Secret0/)] }]);
    // The daily check's findings and heartbeat alarms page through the monitor's topic.
    for (const name of ['Findings', 'Heartbeat']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: DailyRotationCheck.NAMESPACE,
        MetricName: name,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitorAlarmTopic') }],
      });
    }
    expect(stack.resolve(EncryptionMonitor.of(stack).metricRotationOverdue().namespace)).toBe(DailyRotationCheck.NAMESPACE);
    expect(EncryptionMonitor.of(stack).metricRotationOverdue().metricName).toBe('Findings');
  });

  test('RotationOverdue with rotationOverdueConfigRule: NON_COMPLIANT findings of the monitor\'s Config rule on the monitored secrets, by resourceId, no Scope', () => {
    const configRules = Object.entries(withConfig.template.findResources('AWS::Config::ConfigRule'));
    expect(configRules).toHaveLength(1);
    const configRule = configRules[0];
    expect(configRule[1].Properties).toEqual(expect.objectContaining({
      Source: { Owner: 'AWS', SourceIdentifier: 'SECRETSMANAGER_SECRET_PERIODIC_ROTATION' },
      InputParameters: { maxDaysSinceRotation: 31 },
    }));
    // A tag scope on this periodic rule has been reported refused by PutConfigRule.
    expect(configRule[1].Properties.Scope).toBeUndefined();
    expect(ruleByName('RotationOverdue').props.EventPattern).toEqual({
      'source': ['aws.config'],
      'detail-type': ['Config Rules Compliance Change'],
      'detail': {
        configRuleName: [{ Ref: configRule[0] }],
        resourceType: ['AWS::SecretsManager::Secret'],
        resourceId: [{ Ref: expect.stringMatching(/^Secret0/) }],
        newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
      },
    });
    // The daily check runs as well.
    expect(dailyCheckSecrets(withConfig.template)).toEqual([{ MaxHours: 720, GraceHours: 24, Ids: [expect.stringMatching(/^secret:Secret0/)] }]);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: Match.arrayWith([{ Key: EncryptionMonitor.ROTATION_MONITOR_TAG, Value: stack.node.findChild('Monitor').node.addr }]) });
  });

  // "Monitoring Amazon EventBridge": Invocations and FailedInvocations are per-rule metrics; they are sent only when non-zero.
  test.each([
    ['DeniedDecrypts', 'Invocations', 5],
    ['DeniedKeyCalls', 'Invocations', 10],
    ['RotationOverdue', 'Invocations', 1],
    ['KeyLifecycle', 'FailedInvocations', 1],
    ['AliasChanges', 'FailedInvocations', 1],
    ['RotationFailures', 'FailedInvocations', 1],
  ])('%s alarm: %s of its rule >= %d in 5 minutes, missing data not breaching, to the alarm topic', (name, metricName, threshold) => {
    (name === 'RotationOverdue' ? withConfig.template : template).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: metricName,
      Dimensions: [{ Name: 'RuleName', Value: { Ref: ruleByName(name).logicalId } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: threshold,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitorAlarmTopic') }],
    });
  });

  test('no alarm counts TriggeredRules (undocumented for rules without targets)', () => {
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toContain('TriggeredRules');
  });

  test('DeadLetters alarm: any message in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorDeadLetterQueue'), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  test('RotationFunctionErrors alarm: plain metric math, SUM over each function\'s Errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({ Id: 'errors0', ReturnData: false, MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/Lambda', MetricName: 'Errors' }), Stat: 'Sum', Period: 300 }) }),
        { Id: 'expr_1', Expression: 'SUM([errors0])', Label: 'Rotation function errors', ReturnData: true },
      ],
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitorAlarmTopic') }],
    });
  });

  test('every alarm has an action, the alarm topic', () => {
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^MonitorAlarmTopic/) }]);
    }
  });

  test('no metric filters: every alarm takes the EventBridge path', () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  test('the alarm topic is encrypted with a CMK whose policy lets CloudWatch and EventBridge publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorAlarmTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'KmsPatternsAllowServicesToPublishEncryptedMessages',
          Effect: 'Allow',
          Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: '*',
        }]),
      },
    });
  });

  test('the created trail: multi-Region, validated, CMK-encrypted, into a versioned, access-logged bucket and a CMK-encrypted log group', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorTrailKey'), 'Arn'] },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorTrailLogGroup'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^MonitorTrailAccessLogs') }, LogFilePrefix: 'trail-bucket/' },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorTrailKey'), 'Arn'] }, RetentionInDays: 365 });
  });

  test('a Contributor Insights rule ranks refused KMS calls in the trail\'s log group by key and principal', () => {
    const rule = Object.values(template.findResources('AWS::CloudWatch::InsightRule'))[0];
    const body = JSON.parse(stack.resolve(rule.Properties.RuleBody)['Fn::Join'][1].map((p: unknown) => typeof p === 'string' ? p : 'LOG_GROUP').join(''));

    expect(body).toEqual({
      Schema: { Name: 'CloudWatchLogRule', Version: 1 },
      LogGroupNames: ['LOG_GROUP'],
      LogFormat: 'JSON',
      Contribution: {
        Keys: ['$.resources[0].ARN', '$.userIdentity.arn'],
        Filters: [{ Match: '$.eventSource', In: ['kms.amazonaws.com'] }, { Match: '$.errorCode', StartsWith: ['AccessDenied'] }],
      },
      AggregateOn: 'Count',
    });
    expect(rule.Properties.RuleState).toBe('ENABLED');
  });
});

describe('options', () => {
  test('an existing trail and log group: no trail, the Contributor Insights rule over the given log group', () => {
    const stack = newStack();
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'OrgTrailLogs', 'aws-controltower/CloudTrailLogs');
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), cloudTrailLogGroup: logGroup });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::InsightRule'))).toContain('aws-controltower/CloudTrailLogs');
  });

  test('an existing trail without its log group: no trail and no Contributor Insights rule', () => {
    const stack = newStack();
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });

    expect(counts(Template.fromStack(stack))).toMatchObject({ 'AWS::CloudTrail::Trail': 0, 'AWS::CloudWatch::InsightRule': 0 });
  });

  test('a given alarm topic is used, and no topic or key is created for it', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:111111111111:alarms');
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), alarmTopic: topic })
      .monitorKey(new kms.Key(stack, 'Key', { enableKeyRotation: true }));
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::SNS::Topic', 0);
    // The test's key, and the monitor's key for its queues.
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:us-east-1:111111111111:alarms'] });
  });

  test('thresholds, evaluation periods, period and grace period are applied', () => {
    const { template } = monitored(1, {
      deniedDecryptThreshold: 2, deniedCallThreshold: 3, evaluationPeriods: 2, period: Duration.minutes(1), rotationGracePeriod: Duration.days(3),
    });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 2, EvaluationPeriods: 2, Period: 60 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 3, EvaluationPeriods: 2, Period: 60 });
    // The grace period goes to the daily check (in hours) and, on opt-in, to the Config rule (in days).
    expect(dailyCheckSecrets(template)).toEqual([expect.objectContaining({ MaxHours: 720, GraceHours: 72 })]);
    monitored(1, { rotationGracePeriod: Duration.days(3), rotationOverdueConfigRule: true })
      .template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maxDaysSinceRotation: 33 } });
  });

  test('the daily check checks each secret against its own interval; the opt-in Config rule allows the longest plus the grace period', () => {
    const build = (props: EncryptionMonitorProps) => {
      const stack = newStack();
      const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), ...props });
      monitor.monitorSecret(new secretsmanager.Secret(stack, 'A'), { rotationInterval: Duration.days(7) });
      monitor.monitorSecret(new secretsmanager.Secret(stack, 'B'), { rotationInterval: Duration.days(90) });
      return Template.fromStack(stack);
    };

    const byDefault = build({});
    byDefault.resourceCountIs('AWS::Config::ConfigRule', 0);
    expect(dailyCheckSecrets(byDefault)).toEqual(expect.arrayContaining([
      { MaxHours: 168, GraceHours: 24, Ids: [expect.stringMatching(/^secret:A/)] },
      { MaxHours: 2160, GraceHours: 24, Ids: [expect.stringMatching(/^secret:B/)] },
    ]));
    expect(dailyCheckSecrets(byDefault)).toHaveLength(2);
    build({ rotationOverdueConfigRule: true }).hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maxDaysSinceRotation: 91 } });
  });

  test('a dashboard only when asked for, with a graph per alarm', () => {
    expect(counts(monitored(1).template)).toBeDefined();
    monitored(1).template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const { template } = monitored(1, { dashboard: true });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const title of ['DeniedDecrypts', 'DeniedKeyCalls', 'KeyLifecycleDeliveryFailed', 'AliasChangesDeliveryFailed', 'DeadLetters',
      'RotationFailuresDeliveryFailed', 'RotationFunctionErrors']) {
      expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    }
    // No RotationOverdue alarm without the Config rule; with it, its graph.
    expect(body).not.toContain('\\"title\\":\\"RotationOverdue\\"');
    const optIn = monitored(1, { dashboard: true, rotationOverdueConfigRule: true }).template;
    expect(JSON.stringify(Object.values(optIn.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody))
      .toContain('\\"title\\":\\"RotationOverdue\\"');
  });

  test('EncryptionMonitor.of returns the stack\'s first monitor, and creates one when there is none', () => {
    const stack = newStack();
    const explicit = new EncryptionMonitor(stack, 'Mine', { trail: MonitorTrail.existing() });
    expect(EncryptionMonitor.of(new kms.Key(stack, 'Key'))).toBe(explicit);

    const other = newStack(new App(), 'Other');
    const created = EncryptionMonitor.of(other);
    expect(created.node.path).toBe('Other/EncryptionMonitor');
    expect(EncryptionMonitor.of(other)).toBe(created);
    // It relies on the account's existing trail: no trail, bucket or log group of its own.
    expect(created.trail).toBeUndefined();
    Template.fromStack(other).resourceCountIs('AWS::CloudTrail::Trail', 0);
  });

  test('a monitor the user creates first is the stack\'s monitor, and a later one is a second monitor', () => {
    const stack = newStack();
    const first = new EncryptionMonitor(stack, 'First', { trail: MonitorTrail.existing() });
    const second = new EncryptionMonitor(stack, 'Second', { trail: MonitorTrail.existing() });
    expect(EncryptionMonitor.of(stack)).toBe(first);
    expect(second).not.toBe(first);
  });

  test('a monitor created after of() made the stack\'s default one fails, naming both', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    EncryptionMonitor.of(key).monitorKey(key);
    expect(() => new EncryptionMonitor(stack, 'Late', { dashboard: true })).toThrow(new Error(
      'Stack/Late: an EncryptionMonitor must be created before Stack/Key, which made the stack\'s default monitor '
      + '(Stack/EncryptionMonitor, through EncryptionMonitor.of): create this monitor before the constructs that use it, '
      + 'and it becomes the stack\'s monitor'));
  });

  test('monitoring a key twice adds its ARN once', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    monitor.monitorKey(key);
    monitor.monitorKey(key);

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { eventName: ['Decrypt'], resources: { ARN: [{ suffix: { 'Fn::Join': ['', ['/', { Ref: Match.anyValue() }]] } }] } } },
    });
  });

  test('metrics are Invocations of the rule, and ask for monitorKey/monitorSecret first', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    expect(() => monitor.metricDeniedDecrypts()).toThrow('Stack/Monitor: no DeniedDecrypts metric before the first monitorKey()');
    expect(() => monitor.metricRotationFailures()).toThrow('Stack/Monitor: no RotationFailures metric before the first monitorSecret()');
    monitor.monitorKey(new kms.Key(stack, 'Key', { enableKeyRotation: true }));

    const metric = monitor.metricDeniedDecrypts({ period: Duration.hours(1) });
    expect(metric.metricName).toBe('Invocations');
    expect(metric.namespace).toBe('AWS/Events');
    expect(metric.period.toSeconds()).toBe(3600);
    expect(monitor.metricKeyLifecycleEvents().statistic).toBe('Sum');
    expect(monitor.metricDeniedKeyCalls().dimensions).toEqual({ RuleName: expect.any(String) });
    // DeniedDecrypts, DeniedKeyCalls, KeyLifecycleDeliveryFailed, DeadLetters.
    expect(monitor.alarms).toHaveLength(4);
  });
});

describe('validation', () => {
  const logGroup = (stack: Stack) => logs.LogGroup.fromLogGroupName(stack, 'LG', 'trail-logs');
  test.each<[string, (stack: Stack) => EncryptionMonitorProps, string]>([
    ['deniedDecryptThreshold is 0', () => ({ deniedDecryptThreshold: 0 }), 'Stack/Monitor: `deniedDecryptThreshold` must be a whole number of at least 1, got 0'],
    ['deniedDecryptThreshold is fractional', () => ({ deniedDecryptThreshold: 1.5 }), 'Stack/Monitor: `deniedDecryptThreshold` must be a whole number of at least 1, got 1.5'],
    ['deniedCallThreshold is negative', () => ({ deniedCallThreshold: -1 }), 'Stack/Monitor: `deniedCallThreshold` must be a whole number of at least 1, got -1'],
    ['evaluationPeriods is 0', () => ({ evaluationPeriods: 0 }), 'Stack/Monitor: `evaluationPeriods` must be a whole number between 1 and 100, got 0'],
    ['evaluationPeriods is 101', () => ({ evaluationPeriods: 101 }), 'Stack/Monitor: `evaluationPeriods` must be a whole number between 1 and 100, got 101'],
    ['period is 30 seconds', () => ({ period: Duration.seconds(30) }), 'Stack/Monitor: `period` must be a whole number of minutes between 1 minute and 1 day, got "30 seconds"'],
    ['period is 2 days', () => ({ period: Duration.days(2) }), 'Stack/Monitor: `period` must be a whole number of minutes between 1 minute and 1 day, got "2 days"'],
    ['rotationGracePeriod is 31 days', () => ({ rotationGracePeriod: Duration.days(31) }), 'Stack/Monitor: `rotationGracePeriod` must be a whole number of days between 0 and 30, got "31 days"'],
    ['maxEventPatternLength is below the default quota', () => ({ maxEventPatternLength: 1024 }),
      'Stack/Monitor: `maxEventPatternLength` must be a whole number of at least 2048, got 1024'],
    ['maxEventPatternLength is fractional', () => ({ maxEventPatternLength: 4096.5 }),
      'Stack/Monitor: `maxEventPatternLength` must be a whole number of at least 2048, got 4096.5'],
    ['a deployingRoleArns entry is not a role ARN', () => ({ deployingRoleArns: ['arn:aws:iam::111111111111:user/bob'] }),
      'Stack/Monitor: `deployingRoleArns` must be IAM role ARNs (arn:<partition>:iam::<account>:role/<name>), got "arn:aws:iam::111111111111:user/bob"'],
    ['an alarmEmails entry is not an address', () => ({ alarmEmails: ['ops.example.com'] }),
      'Stack/Monitor: `alarmEmails` must be email addresses, got "ops.example.com"'],
    ['cloudTrailLogGroup comes without an existing trail', (stack) => ({ cloudTrailLogGroup: logGroup(stack) }),
      'Stack/Monitor: `cloudTrailLogGroup` belongs to an existing trail: pass `trail: MonitorTrail.existing()` with it, or leave it unset and let the monitor create the trail, got "Stack/LG"'],
  ])('fails when %s', (_name, props, message) => {
    const stack = newStack();
    expect(() => new EncryptionMonitor(stack, 'Monitor', props(stack))).toThrow(message);
  });

  // Secrets Manager's limits: whole hours, 4 hours to 1000 days.
  test.each([
    [Duration.days(0), 'Stack/Monitor: `rotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "0 days"'],
    [Duration.hours(3), 'Stack/Monitor: `rotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "3 hours"'],
    [Duration.minutes(270), 'Stack/Monitor: `rotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "4 hours 30 minutes"'],
    [Duration.days(1001), 'Stack/Monitor: `rotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "1001 days"'],
  ])('fails when a secret\'s rotationInterval is %s', (rotationInterval, message) => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    expect(() => monitor.monitorSecret(new secretsmanager.Secret(stack, 'S'), { rotationInterval })).toThrow(new Error(message));
  });

  // The opt-in Config rule counts whole days: the interval rounded up, plus the default grace
  // of 1 day. The daily check takes the interval as it is, in hours.
  test.each([
    ['4 hours, the minimum', Duration.hours(4), 2, 4],
    ['36 hours', Duration.hours(36), 3, 36],
    ['48 hours', Duration.hours(48), 3, 48],
    ['1000 days, the maximum', Duration.days(1000), 1001, 24000],
  ])('accepts a secret\'s rotationInterval of %s, rounded up to whole days for the overdue Config rule', (_name, rotationInterval, maxDays, maxHours) => {
    const build = (props: EncryptionMonitorProps) => {
      const stack = newStack();
      const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), ...props });
      monitor.monitorSecret(new secretsmanager.Secret(stack, 'S'), { rotationInterval });
      return Template.fromStack(stack);
    };
    const optIn = build({ rotationOverdueConfigRule: true });
    optIn.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maxDaysSinceRotation: maxDays } });
    expect(dailyCheckSecrets(optIn)).toEqual([expect.objectContaining({ MaxHours: maxHours, GraceHours: 24 })]);
    const byDefault = build({});
    byDefault.resourceCountIs('AWS::Config::ConfigRule', 0);
    expect(dailyCheckSecrets(byDefault)).toEqual([expect.objectContaining({ MaxHours: maxHours, GraceHours: 24 })]);
  });
});

describe('the library\'s key constructs register their alias with the monitor', () => {
  const aliasesWatched = (stack: Stack): string[] => {
    const rule = Object.entries(Template.fromStack(stack).findResources('AWS::Events::Rule')).find(([id]) => /AliasChangesRule/.test(id));
    return rule ? rule[1].Properties.EventPattern.detail.requestParameters.aliasName : [];
  };
  /** The aliases of the construct's keys (the monitor's own key has a generated one). */
  const constructAliases = (stack: Stack): string[] => Object.values(Template.fromStack(stack).findResources('AWS::KMS::Alias'))
    .map(a => a.Properties.AliasName).filter(n => typeof n === 'string' && !n.startsWith('alias/cdk-kms-patterns/'));

  test.each<[string, (stack: Stack) => void]>([
    ['TenantKey', (stack) => new TenantKey(stack, 'Acme', { tenantId: 'acme' })],
    ['SharedTenantKey', (stack) => new SharedTenantKey(stack, 'Shared', { alias: 'shared/tenants' })],
    ['CrossAccountDecryptKey', (stack) => new CrossAccountDecryptKey(stack, 'Shared', { consumerAccountIds: ['222222222222'] })],
    ['RotatedSecret (the key it creates)', (stack) => new RotatedSecret(stack, 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION })],
  ])('%s', (_name, make) => {
    const stack = newStack();
    make(stack);

    expect(constructAliases(stack)).toHaveLength(1);
    expect(aliasesWatched(stack)).toEqual(constructAliases(stack));
  });

  test('MultiRegionKeySet: the primary\'s alias in its stack, and the same name in each replica\'s stack', () => {
    const app = new App();
    const stack = newStack(app);
    const set = new MultiRegionKeySet(stack, 'Keys', { replicaRegions: ['eu-west-1'], alias: 'data' });

    expect(aliasesWatched(stack)).toEqual(['alias/data']);
    expect(aliasesWatched(set.replicaStack('eu-west-1'))).toEqual(['alias/data']);
  });
});

describe('service limits of the names and queries', () => {
  // PutInsightRule: RuleName is 1-128 characters. A long construct path used to give 131.
  test('the Contributor Insights rule name stays within 128 characters under a long construct path', () => {
    const stack = newStack(new App(), 'AVeryLongStackNameForAnOrganisationWithVerboseNamingConventionsThatGoesOnAndOn');
    let scope: Construct = stack;
    for (const id of ['PlatformTeamSharedEncryptionInfrastructure', 'MonitoringAndAlertingForEveryTenant', 'ProductionWorkloadsEuropeWest']) {
      scope = new Construct(scope, id);
    }
    const monitor = new EncryptionMonitor(scope, 'EncryptionMonitorForAllKeysOfThisStack', {
      trail: MonitorTrail.existing(),
      cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'TrailLogs', 'trail-logs'),
    });
    const name: string = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::InsightRule'))[0].Properties.RuleName;

    expect(monitor.node.path.length).toBeGreaterThan(128);
    expect(name.length).toBeLessThanOrEqual(128);
    expect(name).toMatch(/-denied-kms$/);
  });

  test('insightRuleName keeps every path within 128 characters', () => {
    for (const length of [1, 50, 117, 118, 200, 400]) {
      const stack = newStack(new App(), `S${'x'.repeat(length)}`);
      expect(insightRuleName(new Construct(stack, 'M')).length).toBeLessThanOrEqual(128);
    }
  });

  // "Metrics Insights query components and syntax": WHERE supports =, != and AND only, so
  // the rotation functions are summed with plain metric math instead of an OR of names.
  test('the rotation-function expression is plain metric math over one Errors metric per function', () => {
    expect(rotationFunctionErrorsExpression(1)).toBe('SUM([errors0])');
    expect(rotationFunctionErrorsExpression(3)).toBe('SUM([errors0, errors1, errors2])');
    const queries = rotationFunctionErrorsQueries(['a', 'b'], Duration.minutes(5));
    expect(queries.map(q => q.id)).toEqual(['errors0', 'errors1', 'expr_1']);
    expect(queries.filter(q => q.returnData)).toEqual([{ id: 'expr_1', expression: 'SUM([errors0, errors1])', label: 'Rotation function errors', returnData: true }]);
    expect(JSON.stringify(queries)).not.toMatch(/\bOR\b|SELECT/);
  });

  test('every rotation function is in the alarm, in the order registered', () => {
    const { template } = monitored(3);
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(a => a.Properties.Metrics)!;
    expect(alarm.Properties.Metrics.map((m: any) => m.MetricStat?.Metric.Dimensions[0].Value ?? m.Expression))
      .toEqual([expect.anything(), expect.anything(), expect.anything(), 'SUM([errors0, errors1, errors2])']);
  });

  // CloudWatch "Limits": an alarm on a metric math expression references at most 10 metrics (hard limit).
  test('fails when more than 10 rotation functions are watched, and names RotationFailures as the cover', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    for (let i = 0; i < 11; i++) {
      monitor.monitorSecret(secretsmanager.Secret.fromSecretCompleteArn(stack, `S${i}`, `arn:aws:secretsmanager:us-east-1:111111111111:secret:s${i}-AbCdEf`),
        { rotationFunction: lambda.Function.fromFunctionName(stack, `F${i}`, `rotator-${i}`) });
    }

    expect(() => Template.fromStack(stack)).toThrow('[Stack/Monitor] `rotationFunction` was given for 11 secrets, but an alarm on a metric math '
      + 'expression references at most 10 metrics (CloudWatch alarm limits)');
  });
});

describe('who receives the notifications', () => {
  const infos = (stack: Stack) => Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('no subscriber'));

  test('alarmEmails: one email subscription per address', () => {
    const stack = newStack();
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), alarmEmails: ['ops@example.com', 'security@example.com'] });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security@example.com', TopicArn: { Ref: Match.stringLikeRegexp('^MonitorAlarmTopic') } });
    expect(infos(stack)).toEqual([]);
  });

  test('slackChannels: the topic is added to each AWS Chatbot Slack channel', () => {
    const stack = newStack();
    const channel = new chatbot.SlackChannelConfiguration(stack, 'Slack', { slackChannelConfigurationName: 'security', slackWorkspaceId: 'T0123', slackChannelId: 'C0123' });
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), slackChannels: [channel] });

    Template.fromStack(stack).hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', { SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^MonitorAlarmTopic') }] });
    expect(infos(stack)).toEqual([]);
  });

  test('teamsChannels: the topic is added to each AWS Chatbot Teams channel, after its own topics', () => {
    const stack = newStack();
    const channel = new chatbot.CfnMicrosoftTeamsChannelConfiguration(stack, 'Teams', {
      configurationName: 'security',
      iamRoleArn: 'arn:aws:iam::111111111111:role/chatbot',
      teamId: 't',
      teamsChannelId: 'c',
      teamsTenantId: 'tt',
      snsTopicArns: ['arn:aws:sns:us-east-1:111111111111:existing'],
    });
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), teamsChannels: [channel] });

    Template.fromStack(stack).hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      SnsTopicArns: ['arn:aws:sns:us-east-1:111111111111:existing', { Ref: Match.stringLikeRegexp('^MonitorAlarmTopic') }],
    });
  });

  test('no subscriber: an info annotation at synth (a warning would fail `cdk synth --strict`)', () => {
    const stack = newStack();
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });

    expect(infos(stack)).toEqual([expect.objectContaining({ id: '/Stack/Monitor' })]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('a subscription added to alarmTopic after the monitor is made counts', () => {
    const stack = newStack();
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    monitor.alarmTopic.addSubscription(new subscriptions.SqsSubscription(sqs.Queue.fromQueueArn(stack, 'Q', 'arn:aws:sqs:us-east-1:111111111111:q')));

    expect(infos(stack)).toEqual([]);
  });

  test('a topic of your own: no annotation (its subscribers are not visible here)', () => {
    const stack = newStack();
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), alarmTopic: sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111111111111:alarms') });

    expect(infos(stack)).toEqual([]);
  });
});

test('a topic of your own made in the app gets no policy from the monitor (one would replace SNS\'s default policy)', () => {
  const stack = newStack();
  const topic = new sns.Topic(stack, 'Mine');
  new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), alarmTopic: topic })
    .monitorKey(new kms.Key(stack, 'Key', { enableKeyRotation: true }), 'alias/mine');
  const template = Template.fromStack(stack);

  template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
  template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Mine') } })] });
});

describe('which deploying roles are known', () => {
  const rulesOf = (stack: Stack) => Object.fromEntries(Object.entries(Template.fromStack(stack).findResources('AWS::Events::Rule'))
    .map(([id, r]) => [/^Monitor(\w+?)Rule[0-9A-F]{8}$/.exec(id)![1], r.Properties.EventPattern]));
  // Its keys (the monitor's topic key) cannot exempt a deploying role the synthesizer does not
  // name: they leave key management to IAM, which is not what these tests are about.
  const cliStack = () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV, synthesizer: new CliCredentialsStackSynthesizer() });
    KeyManagement.setStackDefaults(stack, { restrictKeyManagement: false });
    return stack;
  };

  test('with a synthesizer that names no role and no deployingRoleArns, nothing is suppressed: every PutKeyPolicy pages', () => {
    const stack = cliStack();
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() }).monitorKey(new kms.Key(stack, 'Key', { enableKeyRotation: true }), 'alias/a');
    const rules = rulesOf(stack);

    expect(rules.RoutineDeploys).toBeUndefined();
    expect(rules.KeyLifecycle.detail.eventName).toEqual(['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy']);
    expect(rules.KeyLifecycle.detail.$or).toBeUndefined();
    expect(rules.AliasChanges.detail.$or).toBeUndefined();
  });

  test('deployingRoleArns alone: those roles are the routine deployers', () => {
    const stack = cliStack();
    const role = 'arn:aws:iam::111111111111:role/pipeline-deploy';
    new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), deployingRoleArns: [role] })
      .monitorKey(new kms.Key(stack, 'Key', { enableKeyRotation: true }));

    expect(rulesOf(stack).RoutineDeploys.detail.userIdentity.sessionContext.sessionIssuer.arn).toEqual([role]);
  });
});
