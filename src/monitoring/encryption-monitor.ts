import { Duration, Lazy, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as config from 'aws-cdk-lib/aws-config';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { MonitorAlarms } from './alarms';
import { createAlarmTopic, createDeliveryKey, noteMissingSubscriber, subscribe } from './delivery';
import { RuleMetric, ruleMetric } from './metrics';
import { NotifiedResource } from './notifications';
import {
  ALL_MANAGEMENT_EVENTS_STATE, AliasSelection, DEFAULT_MAX_EVENT_PATTERN_LENGTH, ResourceSelection, aliasChangePattern,
  deniedKeyCallsInsightRuleBody, deniedKeyCallsPattern, estimatedPatternLength, insightRuleName, keyLifecyclePattern,
  rotationFailurePattern, rotationOverduePattern, routineDeployPattern,
} from './patterns';
import { trailOncePerApp } from './trail';
import { ROTATION_GRACE, SECRET_ROTATION_INTERVAL } from '../private/bounds';
import { synthesizerDeployingRoleArn } from '../private/deploying-role';
import { recordFootprint } from '../private/footprint';
import { qualifiedKey } from '../private/names';
import { Singleton } from '../private/singleton';
import { invalidProp, validateGraceDays, validatePattern, validateSecretRotationInterval } from '../private/validate';
import { DailyRotationCheck, dailySecretHours, findDailyRotationCheck } from '../rotation-verification/daily-rotation-check';

/** Which keys and secrets the monitor's event patterns match. */
export enum MonitorScope {
  /**
   * Only the keys and secrets passed to `monitorKey` and `monitorSecret`, listed in the
   * event patterns (keys by their ID at the end of the ARN, aliases by name, secrets by
   * ARN). An event pattern holds 2,048 characters by default (`maxEventPatternLength`):
   * about 19 keys with their aliases (23 without) or 12 secrets; past that, synthesis
   * fails and asks for `ACCOUNT`.
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
   * The topic every alarm and every one-off event notifies. Its policy must let
   * `cloudwatch.amazonaws.com` (from this account's alarms) and `events.amazonaws.com`
   * (from the monitor's rules) publish, and its key, if any, must let both use it;
   * otherwise notifications are dropped. The monitor cannot edit an imported topic's policy.
   * @default - a new topic, encrypted with a new customer managed key, whose policy allows exactly those publishers
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Email addresses subscribed to the alarm topic. Each address receives a confirmation
   * mail from SNS and gets nothing until it confirms.
   * @default - no email subscription
   */
  readonly alarmEmails?: string[];

  /**
   * AWS Chatbot (Amazon Q Developer in chat applications) Slack channels the alarm topic is
   * added to. One-off events are sent in Chatbot's custom notification format, so they
   * render as messages, not raw JSON.
   * @default - no Slack channel
   */
  readonly slackChannels?: chatbot.SlackChannelConfiguration[];

  /**
   * AWS Chatbot Microsoft Teams channel configurations the alarm topic is added to
   * (aws-cdk-lib has only the L1 for Teams).
   * @default - no Teams channel
   */
  readonly teamsChannels?: chatbot.CfnMicrosoftTeamsChannelConfiguration[];

  /**
   * Roles, besides the synthesizer's CloudFormation execution role, that deploy the
   * stacks of the monitored keys (`cdk deploy --role-arn`, a pipeline's role, StackSets).
   * A PutKeyPolicy or alias call that CloudFormation makes as one of them is a routine
   * deploy and goes to the non-paging queue, not the topic. DisableKey and
   * ScheduleKeyDeletion page whoever makes them.
   * @default - only the `DefaultStackSynthesizer`'s CloudFormation execution role, when the stack has one
   */
  readonly deployingRoleArns?: string[];

  /**
   * The longest event pattern PutRule accepts in this account: EventBridge's quota "event
   * pattern size" (a whole number, at least the default 2,048). Raise it only after the
   * account's quota was raised; synthesis fails when a pattern would exceed it.
   * @default 2048
   */
  readonly maxEventPatternLength?: number;

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
   * Also check overdue rotation with the AWS Config managed rule
   * `SECRETSMANAGER_SECRET_PERIODIC_ROTATION`. Only for accounts that record with AWS Config:
   * `PutConfigRule` fails (NoAvailableConfigurationRecorderException) where no configuration
   * recorder runs. The daily rotation check covers overdue rotation without it.
   * @default false
   */
  readonly rotationOverdueConfigRule?: boolean;

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
   * The function that rotates the secret: its `Errors` join the rotation-function alarm,
   * which sums at most 10 functions per monitor (CloudWatch's limit on the metrics of a
   * metric math alarm); synthesis fails past that.
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

/** The tag that names, on a secret, the monitor watching it (for operators: nothing reads it to decide). */
const ROTATION_MONITOR_TAG = qualifiedKey('rotation-monitor');

/** The longest a key's matcher and a secret's ARN get once deployed, for the size check. */
/** A key ID matcher's string, `/` and the ID: a UUID, or `mrk-` and 32 hex digits, with a margin. */
const KEY_ID_LENGTH = 40;
const SECRET_ARN_LENGTH = 140;
/** A deploying role's ARN once deployed: the bootstrap's execution role is about 90 characters. */
const ROLE_ARN_LENGTH = 128;

/** The stack's monitor: the first one created in it. */
const MONITORS = Singleton.perStack<EncryptionMonitor>();

/**
 * Notifications for what goes wrong with encryption. Keys disabled, scheduled for
 * deletion or given a new policy by hand, aliases created, moved or deleted, and failed
 * rotations are sent to the alarm topic at once, as AWS Chatbot notifications naming the
 * resource, the caller and a console link; refused decrypts and refused calls are counted
 * and alarm over a threshold; a rotation falling behind raises an alarm. Routine deploys
 * (CloudFormation acting as a deploying role) do not page.
 *
 * One monitor per stack (`EncryptionMonitor.of(stack)`) watches every key and secret
 * registered with it through a fixed set of EventBridge rules, queues and alarms: the
 * monitored key IDs, alias names and secret ARNs are data in the rules' patterns, so
 * monitoring the thousandth key adds no rule, alarm, queue, metric filter or function.
 *
 * @example
 * const monitor = EncryptionMonitor.of(this);
 * monitor.monitorKey(tenantKey.key, tenantKey.aliasName);
 */
export class EncryptionMonitor extends Construct {
  /** The tag key `monitorSecret` puts on a secret; its value names the monitor watching it (`node.addr`). */
  public static readonly ROTATION_MONITOR_TAG = ROTATION_MONITOR_TAG;

  /**
   * The stack's monitor: the first one created in the stack. When there is none, a new one
   * (id `EncryptionMonitor`) with default properties except `trail`, which is
   * `MonitorTrail.existing()`: a monitor made on a construct's behalf does not add a billed
   * trail to the account. To choose its options (or have it create the app's trail),
   * create the stack's monitor yourself before the constructs that use it.
   */
  public static of(scope: IConstruct): EncryptionMonitor {
    return MONITORS.obtain(scope, () => {
      const made = new EncryptionMonitor(Stack.of(scope), 'EncryptionMonitor', { trail: MonitorTrail.existing() });
      made.madeBy = scope.node.path;
      return made;
    });
  }

  /**
   * `id`, once it is clear that the stack has no default monitor yet. Checked before the
   * construct exists: a default monitor may hold the very id the user chose.
   */
  private static idAfterCheckingDefault(scope: Construct, id: string): string {
    const first = MONITORS.find(scope);
    if (first?.madeBy) {
      // Its options would apply to nothing the constructs registered: they went to the default one.
      throw new Error(`${scope.node.path}/${id}: an EncryptionMonitor must be created before ${first.madeBy}, which made the `
        + `stack's default monitor (${first.node.path}, through EncryptionMonitor.of): create this monitor before the `
        + 'constructs that use it, and it becomes the stack\'s monitor');
    }
    return id;
  }

  /** The topic every alarm and every one-off event notifies. */
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
  private readonly maxEventPatternLength: number;
  private readonly deployingRoles: string[];
  /** Encrypts the created topic and the monitor's queues; its policy lets CloudWatch and EventBridge use it. */
  private readonly deliveryKey: kms.IKey;
  /** Sets (insertion-ordered): registering the ten-thousandth key is a lookup, not a scan. */
  private readonly keyIds = new Set<string>();
  private readonly aliasNames = new Set<string>();
  private readonly secretArns: string[] = [];
  private readonly rotationIntervalsDays: number[] = [];
  /** The rules, queues and alarms, made as keys and secrets are registered. */
  private readonly wiring: MonitorAlarms;
  /** The construct `of()` made this monitor for, when it was not created by the user. */
  private madeBy?: string;

  constructor(scope: Construct, id: string, props: EncryptionMonitorProps = {}) {
    super(scope, EncryptionMonitor.idAfterCheckingDefault(scope, id));
    recordFootprint(this);
    validateWholeNumber(this, 'deniedDecryptThreshold', props.deniedDecryptThreshold, 1, Number.MAX_SAFE_INTEGER);
    validateWholeNumber(this, 'deniedCallThreshold', props.deniedCallThreshold, 1, Number.MAX_SAFE_INTEGER);
    validateWholeNumber(this, 'evaluationPeriods', props.evaluationPeriods, 1, 100);
    validateWholeNumber(this, 'maxEventPatternLength', props.maxEventPatternLength, DEFAULT_MAX_EVENT_PATTERN_LENGTH, Number.MAX_SAFE_INTEGER);
    validateGraceDays(this, 'rotationGracePeriod', props.rotationGracePeriod);
    for (const email of props.alarmEmails ?? []) {
      validatePattern(this, 'alarmEmails', email, /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'email addresses');
    }
    for (const arn of props.deployingRoleArns ?? []) {
      validatePattern(this, 'deployingRoleArns', arn, /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'IAM role ARNs (arn:<partition>:iam::<account>:role/<name>)');
    }
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
    this.maxEventPatternLength = props.maxEventPatternLength ?? DEFAULT_MAX_EVENT_PATTERN_LENGTH;
    const synthesizerRole = synthesizerDeployingRoleArn(this);
    this.deployingRoles = [...(synthesizerRole ? [synthesizerRole] : []), ...(props.deployingRoleArns ?? [])];

    MONITORS.claim(this, this);

    this.deliveryKey = createDeliveryKey(this, props.removalPolicy);
    this.alarmTopic = props.alarmTopic ?? createAlarmTopic(this, this.deliveryKey);
    // The daily rotation check's alarms (findings, and a heartbeat that stops) page like every
    // other alarm of the stack; the check itself exists only where something is verified.
    DailyRotationCheck.addAlarmAction(this, new cw_actions.SnsAction(this.alarmTopic));
    subscribe(this.alarmTopic, props);

    if ((props.trail ?? MonitorTrail.createOncePerApp())._create) {
      const created = trailOncePerApp(this, props.removalPolicy ?? RemovalPolicy.RETAIN);
      this.trail = created?.trail;
      this.cloudTrailLogGroup = created?.logGroup;
    } else {
      this.cloudTrailLogGroup = props.cloudTrailLogGroup;
    }
    if (this.cloudTrailLogGroup) {
      new cloudwatch.CfnInsightRule(this, 'DeniedKeyCallsByKeyAndPrincipal', {
        ruleName: insightRuleName(this),
        ruleState: 'ENABLED',
        ruleBody: Lazy.string({ produce: () => JSON.stringify(deniedKeyCallsInsightRuleBody(this.cloudTrailLogGroup!.logGroupName)) }),
      });
    }
    if (props.dashboard) {
      this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    }
    this.wiring = new MonitorAlarms(this, {
      alarmTopic: this.alarmTopic,
      ownTopic: !props.alarmTopic,
      deliveryKey: this.deliveryKey,
      period: this.period,
      evaluationPeriods: this.evaluationPeriods,
      dashboard: this.dashboard,
    });
    this.node.addValidation({ validate: () => [...this.validatePatternSizes(), ...this.wiring.validateRotationFunctions()] });
    this.node.addValidation({ validate: () => noteMissingSubscriber(this, this.alarmTopic, !props.alarmTopic, props) });
  }

  /** Every alarm of the monitor so far (rendered as keys and secrets are registered). */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this.wiring.alarms];
  }

  /**
   * Watch `key` for refused calls (Decrypt, and any operation), counted in the non-paging
   * queue and alarmed over the thresholds, and for lifecycle changes (DisableKey,
   * ScheduleKeyDeletion, PutKeyPolicy), each sent to the topic at once. With `aliasName`,
   * CreateAlias, UpdateAlias and DeleteAlias of that alias page too. PutKeyPolicy and alias
   * calls CloudFormation makes as a deploying role are routine deploys: they go to the
   * queue. Adds the key ID (and alias) to the monitor's patterns; the first key creates the
   * key rules and alarms.
   *
   * @param key the key to watch
   * @param aliasName the key's alias (`alias/...`), watched by name
   */
  public monitorKey(key: kms.IKey, aliasName?: string): void {
    this.keyIds.add(key.keyId);
    if (aliasName !== undefined && !this.aliasNames.has(aliasName)) {
      validatePattern(this, 'aliasName', aliasName, /^alias\/[a-zA-Z0-9/_-]{1,250}$/, 'an alias name (alias/ then 1-250 of a-z A-Z 0-9 / _ -)');
      this.aliasNames.add(aliasName);
    }
    if (this.wiring.rule('DeniedDecrypts')) {
      this.ensureAliasRule();
      return;
    }
    const keys = (): ResourceSelection => ({ service: 'kms', resourceType: 'key', keyIds: this.selected([...this.keyIds]) });
    this.wiring.addRuleAndAlarm('DeniedDecrypts', () => deniedKeyCallsPattern(keys(), ['Decrypt']), ALL_MANAGEMENT_EVENTS_STATE,
      this.props.deniedDecryptThreshold ?? 5,
      'Refused kms:Decrypt calls on monitored keys. Someone or something is trying to read data it may not: '
      + 'see the Contributor Insights rule or CloudTrail (errorCode AccessDenied) for which key and principal.');
    this.wiring.addRuleAndAlarm('DeniedKeyCalls', () => deniedKeyCallsPattern(keys()), ALL_MANAGEMENT_EVENTS_STATE,
      this.props.deniedCallThreshold ?? 10,
      'Refused KMS calls of any operation on monitored keys (probing, or a grant or policy gone missing).');
    this.wiring.addPagingRule('KeyLifecycle', () => keyLifecyclePattern(keys(), this.deployingRoles), NotifiedResource.KEY, {
      title: 'KMS key lifecycle change',
      nextSteps: [
        'If nobody planned this: a disabled key can be enabled again (EnableKey); a scheduled deletion can be cancelled within the pending window (CancelKeyDeletion).',
        'A new key policy: compare it with the one your stack deploys.',
      ],
    });
    if (this.deployingRoles.length > 0) {
      this.wiring.addQueueRule('RoutineDeploys', () => routineDeployPattern(keys(), this.selectedAliases(), this.deployingRoles));
    }
    this.ensureAliasRule();
  }

  /**
   * Watch `secret` for failed or abandoned rotations (sent to the topic at once), for errors
   * of its rotation function (when given; at most 10 functions per monitor) and for rotation
   * falling behind its interval plus the grace period: the stack's `DailyRotationCheck` runs
   * the deploy-time checks on it every day, and its alarms notify the topic (with
   * `rotationOverdueConfigRule`, an AWS Config rule as well). Tags the secret with
   * `cdk-kms-patterns:rotation-monitor` = the monitor's address, so an operator can find
   * which monitor watches it.
   */
  public monitorSecret(secret: secretsmanager.ISecret, options: MonitorSecretOptions = {}): void {
    validateSecretRotationInterval(this, 'rotationInterval', options.rotationInterval);
    this._monitorSecret(secret, options);
  }

  /**
   * `monitorSecret` with options that the caller has validated: the library's constructs
   * validate their props once, where the user gives them.
   * @internal
   */
  public _monitorSecret(secret: secretsmanager.ISecret, options: MonitorSecretOptions = {}): void {
    this.rotationIntervalsDays.push(options.rotationInterval && !options.rotationInterval.isUnresolved()
      ? Math.ceil(options.rotationInterval.toHours() / 24) : SECRET_ROTATION_INTERVAL.defaultDays);
    if (!this.secretArns.includes(secret.secretArn)) {
      this.secretArns.push(secret.secretArn);
    }
    Tags.of(secret).add(ROTATION_MONITOR_TAG, this.node.addr);
    if (options.rotationFunction) {
      this.wiring.addRotationFunction(options.rotationFunction);
    }
    this.watchRotationSchedule(secret, options);
    if (this.wiring.rule('RotationFailures')) {
      return;
    }
    const secrets = (): ResourceSelection => ({ service: 'secretsmanager', resourceType: 'secret', arns: this.selected(this.secretArns) });
    this.wiring.addPagingRule('RotationFailures', () => rotationFailurePattern(secrets()), NotifiedResource.SECRET, {
      title: 'Secret rotation failed',
      nextSteps: [
        'The old credentials stay current until a rotation succeeds: read the rotation function\'s logs.',
        'Retry with RotateSecret once the cause is fixed.',
      ],
    });

  }

  /**
   * "Rotation overdue", proved without AWS Config: the stack's `DailyRotationCheck` runs the
   * deploy-time checks every day and its alarms notify the topic. With
   * `rotationOverdueConfigRule`, an AWS Config managed rule is added as well.
   */
  private watchRotationSchedule(secret: secretsmanager.ISecret, options: MonitorSecretOptions): void {
    const { maxHours, graceHours } = dailySecretHours({
      maxRotationInterval: options.rotationInterval,
      rotationGracePeriod: this.props.rotationGracePeriod,
    });
    DailyRotationCheck.of(this)._addSecret(secret, maxHours, graceHours);
    if (!this.props.rotationOverdueConfigRule || this.wiring.rule('RotationOverdue')) {
      return;
    }
    const grace = this.props.rotationGracePeriod?.toDays() ?? ROTATION_GRACE.defaultDays;
    // No `Scope`: a tag scope on this periodic rule has been reported refused by PutConfigRule
    // (InvalidParameterValueException). The rule judges every secret of the account; the event
    // pattern keeps the monitored ones, by resourceId.
    const overdue = new config.ManagedRule(this, 'RotationOverdueCheck', {
      identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_SECRET_PERIODIC_ROTATION,
      inputParameters: { maxDaysSinceRotation: Lazy.number({ produce: () => Math.max(...this.rotationIntervalsDays) + grace }) },
      description: 'Secrets not rotated within their interval plus the grace period (EncryptionMonitor)',
    });
    this.wiring.addRuleAndAlarm('RotationOverdue', () => rotationOverduePattern(overdue.configRuleName, this.selected(this.secretArns)), 'ENABLED', 1,
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

  /** DisableKey, ScheduleKeyDeletion and PutKeyPolicy calls on the monitored keys that paged (routine deploys excluded). */
  public metricKeyLifecycleEvents(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('KeyLifecycle', options);
  }

  /** Failed or abandoned rotations of the monitored secrets. */
  public metricRotationFailures(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('RotationFailures', options);
  }

  /**
   * Keys and secrets the stack's daily rotation check found failing (not rotating, off
   * schedule, or overdue), per run: `DailyRotationCheck.metricFindings`.
   */
  public metricRotationOverdue(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.secretArns.length === 0 && !findDailyRotationCheck(this)) {
      // DailyRotationCheck.of would make a check with nothing to check, which fails synth.
      throw new Error(`${this.node.path}: no RotationOverdue metric before the first monitorSecret() (or a RotationVerification) in the stack`);
    }
    return DailyRotationCheck.of(this).metricFindings(options);
  }

  private selected(arns: string[]): string[] | undefined {
    return this.monitorScope === MonitorScope.ACCOUNT ? undefined : [...arns];
  }

  private selectedAliases(): AliasSelection {
    return this.monitorScope === MonitorScope.ACCOUNT ? undefined : [...this.aliasNames];
  }

  /** The alias rule, once there is an alias to watch (with `ACCOUNT`, every alias of the account). */
  private ensureAliasRule(): void {
    if (this.wiring.rule('AliasChanges') || (this.monitorScope !== MonitorScope.ACCOUNT && this.aliasNames.size === 0)) {
      return;
    }
    this.wiring.addPagingRule('AliasChanges', () => aliasChangePattern(this.selectedAliases(), this.deployingRoles), NotifiedResource.ALIAS, {
      title: 'KMS alias changed',
      nextSteps: [
        'Whoever encrypts by this alias now uses the key it points to: check that key is the one you meant (ListAliases).',
        'If nobody planned this: point the alias back (UpdateAlias) and review who can call kms:UpdateAlias.',
      ],
    });
  }

  /** The `Invocations` of the rule called `name`, which the first `monitorKey` (or `monitorSecret`) makes. */
  private ruleMetric(name: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const rule = this.wiring.rule(name);
    if (!rule) {
      const what = name.startsWith('Rotation') ? 'monitorSecret()' : 'monitorKey()';
      throw new Error(`${this.node.path}: no ${name} metric before the first ${what}`);
    }
    return ruleMetric(rule, RuleMetric.INVOCATIONS, this.period, options);
  }

  private validatePatternSizes(): string[] {
    const errors: string[] = [];
    const limit = this.maxEventPatternLength;
    for (const [name, pattern] of this.wiring.patterns()) {
      const secretRule = name.startsWith('Rotation');
      const length = estimatedPatternLength(pattern(), secretRule ? SECRET_ARN_LENGTH : KEY_ID_LENGTH, { arn: ROLE_ARN_LENGTH },
        value => Stack.of(this).resolve(value));
      if (length > limit) {
        const count = secretRule ? `${this.secretArns.length} secrets` : `${this.keyIds.size} keys and ${this.aliasNames.size} aliases`;
        errors.push(`the ${name} event pattern for ${count} is about ${length} characters, over EventBridge's limit of `
          + `${limit} (\`maxEventPatternLength\`; raise it only if the account's "event pattern size" quota was raised): `
          + 'use `scope: MonitorScope.ACCOUNT`, or spread the keys over more stacks'
          + (this.madeBy ? '. This is the monitor EncryptionMonitor.of() made for the stack\'s constructs: create the stack\'s '
            + 'EncryptionMonitor yourself, before them, with `scope: MonitorScope.ACCOUNT` (one such monitor per account and Region; '
            + 'set `monitoring: false` on the constructs of the other stacks), or set `monitoring: false` on the constructs' : ''));
      }
    }
    return errors;
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

