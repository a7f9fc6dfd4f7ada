import { ArnFormat, CfnResource, Duration, Lazy, Names, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import {
  ALL_MANAGEMENT_EVENTS_STATE, MAX_EVENT_PATTERN_LENGTH, ResourceSelection, deniedKeyCallsInsightRuleBody,
  deniedKeyCallsPattern, estimatedPatternLength, keyLifecyclePattern, renderEventPattern, rotationFailurePattern,
  rotationOverduePattern,
} from './patterns';
import { recordFootprint } from '../private/footprint';
import { createSecureKey } from '../private/secure-key';
import { invalidProp, validateDays, validateSecretRotationInterval } from '../private/validate';

/** Which keys and secrets the monitor's event patterns match. */
export enum MonitorScope {
  /**
   * Only the keys and secrets passed to `monitorKey` and `monitorSecret`, listed in the
   * event patterns (keys by their ID at the end of the ARN, secrets by ARN). An event
   * pattern holds at most 4096 characters, about 70 keys or 30 secrets; past that,
   * synthesis fails and asks for `ACCOUNT`.
   */
  MONITORED_RESOURCES = 'MONITORED_RESOURCES',
  /**
   * Every key and every secret of the stack's account (in every Region the monitor's
   * stacks are in), matched by an ARN wildcard: no limit on how many are monitored, and
   * keys made outside this library are watched too. Use one such monitor per account and
   * Region, not one per stack, or each alarm fires once per monitor.
   */
  ACCOUNT = 'ACCOUNT',
}

/** Where the CloudTrail events the monitor reads come from. */
export class MonitorTrail {
  /**
   * Create one multi-Region trail for the whole app (per account), in the stack of the
   * first monitor that asks for it: its S3 bucket and log group encrypted with a customer
   * managed key, the bucket versioned and access-logged. Every further monitor of the app
   * in that account relies on it, because a multi-Region trail covers every Region.
   * A second trail that copies management events is billed by CloudTrail, so choose
   * `existing()` when the account already has a trail (an organisation trail counts).
   */
  public static createOncePerApp(): MonitorTrail {
    return new MonitorTrail(true);
  }

  /**
   * A trail that logs this account's management events already exists, such as an AWS
   * Organizations trail. EventBridge receives the account's CloudTrail events from it.
   */
  public static existing(): MonitorTrail {
    return new MonitorTrail(false);
  }

  private constructor(
    /** @internal */ public readonly _create: boolean,
  ) {}
}

/** Properties for an `EncryptionMonitor`. */
export interface EncryptionMonitorProps {
  /**
   * Where CloudTrail events come from. EventBridge only receives "AWS API Call via
   * CloudTrail" events while a trail with logging on records them.
   * @default MonitorTrail.createOncePerApp()
   */
  readonly trail?: MonitorTrail;

  /**
   * The log group, in this stack's account and Region, that an existing trail delivers to.
   * The monitor adds a Contributor Insights rule over it that ranks refused KMS calls by key
   * and by principal. Leave it unset when the log group is in another account (an
   * organisation trail's): deploy a monitor there with it to get the same view.
   * @default - the log group of the trail the monitor creates, when it creates one; otherwise no Contributor Insights rule
   */
  readonly cloudTrailLogGroup?: logs.ILogGroup;

  /**
   * The topic every alarm notifies. It must be encrypted with a key whose policy lets
   * `cloudwatch.amazonaws.com` use it, or alarm notifications are dropped.
   * @default - a new topic, encrypted with a new customer managed key that lets CloudWatch and EventBridge publish
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Refused `kms:Decrypt` calls on monitored keys, per `period`, that raise the alarm
   * (a whole number, at least 1).
   * @default 5
   */
  readonly deniedDecryptThreshold?: number;

  /**
   * Refused calls of any KMS operation on monitored keys, per `period`, that raise the
   * alarm (a whole number, at least 1).
   * @default 10
   */
  readonly deniedCallThreshold?: number;

  /**
   * Consecutive periods over the threshold before an alarm fires (1-100).
   * @default 1
   */
  readonly evaluationPeriods?: number;

  /**
   * The period the alarms count over: 1 minute to 1 day, a whole number of minutes.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * Which keys and secrets the alarms watch.
   * @default MonitorScope.MONITORED_RESOURCES
   */
  readonly scope?: MonitorScope;

  /**
   * How long past its rotation interval a monitored secret may go unrotated before the
   * overdue alarm fires (0-30 days, whole days).
   * @default Duration.days(1)
   */
  readonly rotationGracePeriod?: Duration;

  /**
   * Create a CloudWatch dashboard with the monitor's metrics and alarms.
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * What happens to the keys, buckets and log group the monitor creates when they leave
   * the stack. Trail logs are evidence; they are kept unless you say otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Options for `monitorSecret`. */
export interface MonitorSecretOptions {
  /**
   * The function that rotates the secret: its `Errors` join the rotation-function alarm.
   * @default - no function errors watched for this secret
   */
  readonly rotationFunction?: lambda.IFunction;

  /**
   * How often the secret rotates: whole hours, 4 hours to 1000 days (Secrets Manager's
   * limits). The overdue check counts in whole days: it allows the longest interval of the
   * monitor's secrets, rounded up to a day, plus `rotationGracePeriod`.
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;
}

/** The tag that puts a secret in a monitor's overdue-rotation check. */
const ROTATION_MONITOR_TAG = 'cdk-kms-patterns:rotation-monitor';

/** EventBridge metric namespace and the metric a rule's matches are counted in. */
const EVENTS_NAMESPACE = 'AWS/Events';
const TRIGGERED_RULES = 'TriggeredRules';
/** The longest a key's matcher and a secret's ARN get once deployed, for the size check. */
/** A key ID matcher's string, `/` and the ID: a UUID, or `mrk-` and 32 hex digits, with a margin. */
const KEY_ID_LENGTH = 40;
const SECRET_ARN_LENGTH = 140;

const ALARM_SINGLETON = Symbol.for('cdk-kms-patterns.EncryptionMonitor');
const TRAIL_SINGLETON = Symbol.for('cdk-kms-patterns.EncryptionMonitorTrail');

/**
 * Alarms for what goes wrong with encryption: refused decrypts, keys disabled, scheduled
 * for deletion or given a new policy, and secrets whose rotation fails or falls behind.
 *
 * One monitor per stack (`EncryptionMonitor.of(stack)`) watches every key and secret
 * registered with it through a fixed set of EventBridge rules and alarms: the monitored
 * key IDs and secret ARNs are data in the rules' patterns, so monitoring the thousandth
 * key adds no rule, alarm, metric filter or function.
 *
 * @example
 * const monitor = EncryptionMonitor.of(this);
 * monitor.monitorKey(tenantKey.key);
 */
export class EncryptionMonitor extends Construct {
  /** The tag key `monitorSecret` puts on a secret; its value names the monitor (`node.addr`). */
  public static readonly ROTATION_MONITOR_TAG = ROTATION_MONITOR_TAG;

  /**
   * The stack's monitor: the first one created in the stack. When there is none, a new one
   * (id `EncryptionMonitor`) with default properties except `trail`, which is
   * `MonitorTrail.existing()`: a monitor made on a construct's behalf does not add a billed
   * trail to the account. To choose its options (or have it create the app's trail),
   * create the stack's monitor yourself before the constructs that use it.
   */
  public static of(scope: IConstruct): EncryptionMonitor {
    const stack = Stack.of(scope);
    const existing = (stack as unknown as Record<symbol, EncryptionMonitor | undefined>)[ALARM_SINGLETON];
    if (existing) {
      return existing;
    }
    const made = new EncryptionMonitor(stack, 'EncryptionMonitor', { trail: MonitorTrail.existing() });
    made.madeBy = scope.node.path;
    return made;
  }

  /**
   * `id`, once it is clear that the stack has no default monitor yet. Checked before the
   * construct exists: a default monitor may hold the very id the user chose.
   */
  private static idAfterCheckingDefault(scope: Construct, id: string): string {
    const first = (Stack.of(scope) as unknown as Record<symbol, EncryptionMonitor | undefined>)[ALARM_SINGLETON];
    if (first?.madeBy) {
      // Its options would apply to nothing the constructs registered: they went to the default one.
      throw new Error(`${scope.node.path}/${id}: an EncryptionMonitor must be created before ${first.madeBy}, which made the `
        + `stack's default monitor (${first.node.path}, through EncryptionMonitor.of): create this monitor before the `
        + 'constructs that use it, and it becomes the stack\'s monitor');
    }
    return id;
  }

  /** The topic every alarm notifies. */
  public readonly alarmTopic: sns.ITopic;
  /** The trail the monitor created, when it is the app's first monitor asking for one. */
  public readonly trail?: cloudtrail.Trail;
  /** The log group CloudTrail delivers to, when known. */
  public readonly cloudTrailLogGroup?: logs.ILogGroup;
  /** The dashboard, when `dashboard` is true. */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly props: EncryptionMonitorProps;
  private readonly monitorScope: MonitorScope;
  private readonly period: Duration;
  private readonly evaluationPeriods: number;
  private readonly keyIds: string[] = [];
  private readonly secretArns: string[] = [];
  private readonly rotationFunctions = new Map<string, lambda.IFunction>();
  private readonly rotationIntervalsDays: number[] = [];
  private readonly rules = new Map<string, events.CfnRule>();
  private readonly alarmList: cloudwatch.Alarm[] = [];
  private readonly patternSources = new Map<string, () => events.EventPattern>();
  private rotationFunctionErrorsMetric?: cloudwatch.MathExpression;
  /** The construct `of()` made this monitor for, when it was not created by the user. */
  private madeBy?: string;

  constructor(scope: Construct, id: string, props: EncryptionMonitorProps = {}) {
    super(scope, EncryptionMonitor.idAfterCheckingDefault(scope, id));
    recordFootprint(this);
    validateWholeNumber(this, 'deniedDecryptThreshold', props.deniedDecryptThreshold, 1, Number.MAX_SAFE_INTEGER);
    validateWholeNumber(this, 'deniedCallThreshold', props.deniedCallThreshold, 1, Number.MAX_SAFE_INTEGER);
    validateWholeNumber(this, 'evaluationPeriods', props.evaluationPeriods, 1, 100);
    validateDays(this, 'rotationGracePeriod', props.rotationGracePeriod, 0, 30);
    if (props.period && !props.period.isUnresolved()) {
      const minutes = props.period.toMinutes({ integral: false });
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
        invalidProp(this, 'period', props.period.toHumanString(), 'must be a whole number of minutes between 1 minute and 1 day');
      }
    }
    if (props.cloudTrailLogGroup && props.trail?._create !== false) {
      invalidProp(this, 'cloudTrailLogGroup', props.cloudTrailLogGroup.node.path,
        'belongs to an existing trail: pass `trail: MonitorTrail.existing()` with it, or leave it unset and let the monitor create the trail');
    }

    this.props = props;
    this.monitorScope = props.scope ?? MonitorScope.MONITORED_RESOURCES;
    this.period = props.period ?? Duration.minutes(5);
    this.evaluationPeriods = props.evaluationPeriods ?? 1;

    const stack = Stack.of(this);
    const registry = stack as unknown as Record<symbol, EncryptionMonitor | undefined>;
    if (!registry[ALARM_SINGLETON]) {
      registry[ALARM_SINGLETON] = this;
    }

    this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic();

    if ((props.trail ?? MonitorTrail.createOncePerApp())._create) {
      const created = this.trailOncePerApp();
      this.trail = created?.trail;
      this.cloudTrailLogGroup = created?.logGroup;
    } else {
      this.cloudTrailLogGroup = props.cloudTrailLogGroup;
    }
    if (this.cloudTrailLogGroup) {
      new cloudwatch.CfnInsightRule(this, 'DeniedKeyCallsByKeyAndPrincipal', {
        ruleName: Names.uniqueResourceName(this, { maxLength: 120, separator: '-' }) + '-denied-kms',
        ruleState: 'ENABLED',
        ruleBody: Lazy.string({ produce: () => JSON.stringify(deniedKeyCallsInsightRuleBody(this.cloudTrailLogGroup!.logGroupName)) }),
      });
    }
    if (props.dashboard) {
      this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    }
    this.node.addValidation({ validate: () => this.validatePatternSizes() });
  }

  /** Every alarm of the monitor so far (rendered as keys and secrets are registered). */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this.alarmList];
  }

  /**
   * Watch `key` for refused calls (Decrypt, and any operation) and for lifecycle changes
   * (DisableKey, ScheduleKeyDeletion, PutKeyPolicy). Adds its key ID to the monitor's
   * patterns; the first key also creates the key rules and alarms.
   */
  public monitorKey(key: kms.IKey): void {
    if (!this.keyIds.includes(key.keyId)) {
      this.keyIds.push(key.keyId);
    }
    if (this.rules.has('DeniedDecrypts')) {
      return;
    }
    const keys = (): ResourceSelection => ({ service: 'kms', resourceType: 'key', keyIds: this.selected(this.keyIds) });
    this.addRuleAndAlarm('DeniedDecrypts', () => deniedKeyCallsPattern(keys(), ['Decrypt']), ALL_MANAGEMENT_EVENTS_STATE,
      this.props.deniedDecryptThreshold ?? 5,
      'Refused kms:Decrypt calls on monitored keys. Someone or something is trying to read data it may not: '
      + 'see the Contributor Insights rule or CloudTrail (errorCode AccessDenied) for which key and principal.');
    this.addRuleAndAlarm('DeniedKeyCalls', () => deniedKeyCallsPattern(keys()), ALL_MANAGEMENT_EVENTS_STATE,
      this.props.deniedCallThreshold ?? 10,
      'Refused KMS calls of any operation on monitored keys (probing, or a grant or policy gone missing).');
    this.addRuleAndAlarm('KeyLifecycle', () => keyLifecyclePattern(keys()), 'ENABLED', 1,
      'A monitored key was disabled, scheduled for deletion or given a new key policy. '
      + 'A scheduled deletion can be cancelled within the pending window (CancelKeyDeletion).');
  }

  /**
   * Watch `secret` for failed or abandoned rotations, for errors of its rotation function
   * (when given) and for rotation falling behind its interval plus the grace period (an
   * AWS Config managed rule; the account needs an AWS Config recorder). Tags the secret
   * with `cdk-kms-patterns:rotation-monitor`; an imported secret must carry that tag itself.
   */
  public monitorSecret(secret: secretsmanager.ISecret, options: MonitorSecretOptions = {}): void {
    validateSecretRotationInterval(this, 'rotationInterval', options.rotationInterval);
    this.rotationIntervalsDays.push(options.rotationInterval && !options.rotationInterval.isUnresolved()
      ? Math.ceil(options.rotationInterval.toHours() / 24) : 30);
    if (!this.secretArns.includes(secret.secretArn)) {
      this.secretArns.push(secret.secretArn);
    }
    Tags.of(secret).add(ROTATION_MONITOR_TAG, this.node.addr);
    if (options.rotationFunction) {
      this.addRotationFunction(options.rotationFunction);
    }
    if (this.rules.has('RotationFailures')) {
      return;
    }
    const secrets = (): ResourceSelection => ({ service: 'secretsmanager', resourceType: 'secret', arns: this.selected(this.secretArns) });
    this.addRuleAndAlarm('RotationFailures', () => rotationFailurePattern(secrets()), 'ENABLED', 1,
      'A monitored secret\'s rotation failed or was abandoned: the old credentials stay current. See the rotation function\'s logs.');

    const grace = this.props.rotationGracePeriod?.toDays() ?? 1;
    const overdue = new config.ManagedRule(this, 'RotationOverdueCheck', {
      identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_SECRET_PERIODIC_ROTATION,
      inputParameters: { maxDaysSinceRotation: Lazy.number({ produce: () => Math.max(...this.rotationIntervalsDays) + grace }) },
      ruleScope: config.RuleScope.fromTag(ROTATION_MONITOR_TAG, this.node.addr),
      description: 'Secrets of an EncryptionMonitor not rotated within their interval plus the grace period',
    });
    this.addRuleAndAlarm('RotationOverdue', () => rotationOverduePattern(overdue.configRuleName), 'ENABLED', 1,
      'AWS Config found a monitored secret not rotated within its interval plus the grace period.');
  }

  /** Refused `kms:Decrypt` calls on the monitored keys (sum per period). */
  public metricDeniedDecrypts(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('DeniedDecrypts', options);
  }

  /** Refused KMS calls of any operation on the monitored keys. */
  public metricDeniedKeyCalls(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('DeniedKeyCalls', options);
  }

  /** DisableKey, ScheduleKeyDeletion and PutKeyPolicy calls on the monitored keys. */
  public metricKeyLifecycleEvents(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('KeyLifecycle', options);
  }

  /** Failed or abandoned rotations of the monitored secrets. */
  public metricRotationFailures(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('RotationFailures', options);
  }

  /** AWS Config findings of monitored secrets not rotated in time. */
  public metricRotationOverdue(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('RotationOverdue', options);
  }

  private selected(arns: string[]): string[] | undefined {
    return this.monitorScope === MonitorScope.ACCOUNT ? undefined : [...arns];
  }

  private ruleMetric(name: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const rule = this.rules.get(name);
    if (!rule) {
      const what = name.startsWith('Rotation') ? 'monitorSecret()' : 'monitorKey()';
      throw new Error(`${this.node.path}: no ${name} metric before the first ${what}`);
    }
    return new cloudwatch.Metric({
      namespace: EVENTS_NAMESPACE,
      metricName: TRIGGERED_RULES,
      dimensionsMap: { RuleName: rule.ref },
      statistic: cloudwatch.Stats.SUM,
      period: this.period,
      ...options,
    });
  }

  private addRuleAndAlarm(name: string, pattern: () => events.EventPattern, state: string, threshold: number, description: string): void {
    const rule = new events.CfnRule(this, `${name}Rule`, {
      description: `EncryptionMonitor ${this.node.path}: ${name}`,
      state,
      eventPattern: Lazy.any({ produce: () => renderEventPattern(pattern()) }),
    });
    this.rules.set(name, rule);
    const alarm = this.ruleMetric(name).createAlarm(this, `${name}Alarm`, {
      alarmDescription: description,
      threshold,
      evaluationPeriods: this.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No matching event means nothing happened: EventBridge publishes no zero.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm(alarm, name, this.ruleMetric(name));
    this.patternSources.set(name, pattern);
  }

  private addAlarm(alarm: cloudwatch.Alarm, title: string, metric: cloudwatch.IMetric): void {
    alarm.addAlarmAction(new cw_actions.SnsAction(this.alarmTopic));
    this.alarmList.push(alarm);
    this.dashboard?.addWidgets(new cloudwatch.GraphWidget({ title, left: [metric], leftAnnotations: [alarm.toAnnotation()] }));
  }

  private addRotationFunction(fn: lambda.IFunction): void {
    const key = Names.nodeUniqueId(fn.node);
    if (this.rotationFunctions.has(key)) {
      return;
    }
    this.rotationFunctions.set(key, fn);
    if (this.rotationFunctionErrorsMetric) {
      return;
    }
    // One Metrics Insights query over every rotation function: the names are data, so the
    // hundredth function adds characters to the query, not an alarm.
    this.rotationFunctionErrorsMetric = new cloudwatch.MathExpression({
      expression: Lazy.string({
        produce: () => 'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE '
          + [...this.rotationFunctions.values()].map(f => `FunctionName = '${f.functionName}'`).join(' OR '),
      }),
      usingMetrics: {},
      period: this.period,
      label: 'Rotation function errors',
    });
    const alarm = this.rotationFunctionErrorsMetric.createAlarm(this, 'RotationFunctionErrorsAlarm', {
      alarmDescription: 'A rotation function of a monitored secret reported errors: its rotation may fail. See the function\'s logs.',
      threshold: 1,
      evaluationPeriods: this.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm(alarm, 'RotationFunctionErrors', this.rotationFunctionErrorsMetric);
  }

  private validatePatternSizes(): string[] {
    const errors: string[] = [];
    for (const [name, pattern] of this.patternSources) {
      const tokenLength = name.startsWith('Rotation') ? SECRET_ARN_LENGTH : KEY_ID_LENGTH;
      const length = estimatedPatternLength(pattern(), tokenLength);
      if (length > MAX_EVENT_PATTERN_LENGTH) {
        const count = name.startsWith('Rotation') ? `${this.secretArns.length} secrets` : `${this.keyIds.length} keys`;
        errors.push(`the ${name} event pattern for ${count} is about ${length} characters, over EventBridge's limit of `
          + `${MAX_EVENT_PATTERN_LENGTH}: use \`scope: MonitorScope.ACCOUNT\`, or spread the keys over more stacks`
          + (this.madeBy ? '. This is the monitor EncryptionMonitor.of() made for the stack\'s constructs: create the stack\'s '
            + 'EncryptionMonitor yourself, before them, with `scope: MonitorScope.ACCOUNT` (one such monitor per account and Region; '
            + 'set `monitoring: false` on the constructs of the other stacks), or set `monitoring: false` on the constructs' : ''));
      }
    }
    return errors;
  }

  private createAlarmTopic(): sns.ITopic {
    const keyScope = new Construct(this, 'AlarmTopicKey');
    const made = createSecureKey(keyScope, {
      aliasName: `alias/cdk-kms-patterns/encryption-monitor/${Names.uniqueId(this)}`,
      aliasSource: { prop: 'id', value: this.node.id },
      defaultDescription: `Encrypts the alarm topic of EncryptionMonitor ${this.node.path}`,
      removalPolicy: this.props.removalPolicy,
    });
    made.policy.allowServicesToPublishEncryptedMessages(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    return new sns.Topic(this, 'AlarmTopic', {
      masterKey: made.key,
      enforceSSL: true,
      displayName: 'EncryptionMonitor alarms',
    });
  }

  /** The app's trail for this account, created here when this is the first monitor to ask. */
  private trailOncePerApp(): { trail: cloudtrail.Trail; logGroup: logs.ILogGroup } | undefined {
    const root = this.node.root as unknown as Record<symbol, Map<string, EncryptionMonitor> | undefined>;
    const byAccount = root[TRAIL_SINGLETON] ??= new Map();
    const account = Stack.of(this).account;
    const accountKey = Token.isUnresolved(account) ? '<unresolved>' : account;
    const owner = byAccount.get(accountKey);
    if (owner) {
      if (Stack.of(owner) !== Stack.of(this)) {
        // Deploy the trail first, so the rules of this stack see events from the start.
        Stack.of(this).addDependency(Stack.of(owner), 'EncryptionMonitor: the app\'s trail lives in this stack');
      }
      return undefined;
    }
    byAccount.set(accountKey, this);
    return new MonitorTrailResources(this, 'Trail', { removalPolicy: this.props.removalPolicy ?? RemovalPolicy.RETAIN }).output;
  }
}

/** The trail the app creates once: CMK-encrypted, versioned, access-logged, with a CMK-encrypted log group. */
class MonitorTrailResources extends Construct {
  public readonly output: { trail: cloudtrail.Trail; logGroup: logs.ILogGroup };

  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    const stack = Stack.of(this);
    const bucketDefaults = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: props.removalPolicy,
    };
    const logGroupName = `/cdk-kms-patterns/cloudtrail/${Names.uniqueId(this)}`;
    const made = createSecureKey(this, {
      aliasName: `alias/cdk-kms-patterns/cloudtrail/${Names.uniqueId(this)}`,
      aliasSource: { prop: 'id', value: scope.node.id },
      defaultDescription: `Encrypts the CloudTrail logs of EncryptionMonitor ${scope.node.path}`,
      removalPolicy: props.removalPolicy,
    });
    made.policy.allowCloudTrailLogEncryption();
    made.policy.allowLogGroupEncryption(stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logs can only be delivered to a bucket with SSE-S3 encryption.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      objectLockEnabled: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      ...bucketDefaults,
    });
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: made.key,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      // Trail logs are evidence: current versions stay; overwritten or deleted versions go after a year.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365) }],
      ...bucketDefaults,
    });
    // Server access logging through a bucket policy, not the log-delivery ACL that
    // `serverAccessLogsBucket` falls back to without the S3 feature flag (CT.S3.PR.5).
    const prefix = 'trail-bucket/';
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: accessLogs.bucketName, logFilePrefix: prefix };
    accessLogs.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowServerAccessLogDelivery',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects(`${prefix}*`)],
      conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    for (const b of [accessLogs, bucket]) {
      // Object-level events to EventBridge (CT.S3.PR.4), set on the L1: the L2 option deploys a Lambda to do it.
      (b.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      encryptionKey: made.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy,
    });
    const trail = new cloudtrail.Trail(this, 'Trail', {
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      bucket,
      encryptionKey: made.key,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: logGroup,
    });
    // cdk's Trail also depends on its logs role, which its GetAtt of the role already
    // implies (cfn-lint W3005); keep only the dependencies that matter: the bucket policy
    // and the role's policy must exist before CloudTrail checks it can deliver.
    const logsRolePolicy = trail.node.tryFindChild('LogsRole')?.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnResource | undefined;
    const bucketPolicy = bucket.policy?.node.defaultChild as CfnResource | undefined;
    (trail.node.defaultChild as CfnResource).addOverride('DependsOn',
      [bucketPolicy, logsRolePolicy].filter((r): r is CfnResource => r !== undefined).map(r => r.logicalId));
    this.acknowledge(accessLogs, trail);
    this.output = { trail, logGroup };
  }

  private acknowledge(accessLogs: s3.Bucket, trail: cloudtrail.Trail): void {
    const accessLogReason = 'The S3 server access log destination of the trail bucket. S3 delivers access logs only to a '
      + 'bucket with SSE-S3 encryption, and logging the log bucket would log its own deliveries without end; it is versioned, '
      + 'blocks public access and denies requests without TLS.';
    Validations.of(accessLogs).acknowledge(
      { id: 'AwsSolutions-S1', reason: accessLogReason },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: accessLogReason },
      { id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: accessLogReason },
      { id: 'PCI.DSS.321-S3BucketLoggingEnabled', reason: accessLogReason },
      { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: accessLogReason },
      { id: 'HIPAA.Security-S3DefaultEncryptionKMS', reason: accessLogReason },
      { id: 'PCI.DSS.321-S3DefaultEncryptionKMS', reason: accessLogReason },
    );
    const replicationReason = 'Trail logs are already copied out of the account Region by design: the trail is multi-Region '
      + 'and CloudTrail keeps 90 days of event history in every Region; cross-Region replication of these buckets is the '
      + 'user\'s choice of a second Region, not something this construct can pick.';
    const logsRole = trail.node.tryFindChild('LogsRole')?.node.tryFindChild('DefaultPolicy');
    if (logsRole) {
      const reason = 'The role CloudTrail assumes to deliver to the log group, made by cdk Trail: its only statement allows '
        + 'logs:CreateLogStream and logs:PutLogEvents on this trail\'s log group. Inline, it cannot outlive the role or be attached elsewhere.';
      Validations.of(logsRole).acknowledge(
        { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason },
        { id: 'HIPAA.Security-IAMNoInlinePolicy', reason },
        { id: 'PCI.DSS.321-IAMNoInlinePolicy', reason },
      );
    }
    for (const bucket of [accessLogs, this.node.findChild('Bucket')]) {
      Validations.of(bucket).acknowledge(
        { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: replicationReason },
        { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: replicationReason },
        { id: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: replicationReason },
      );
    }
  }
}

function validateWholeNumber(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    invalidProp(scope, prop, value, max === Number.MAX_SAFE_INTEGER
      ? `must be a whole number of at least ${min}` : `must be a whole number between ${min} and ${max}`);
  }
}
