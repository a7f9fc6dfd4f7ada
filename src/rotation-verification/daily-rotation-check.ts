import { Annotations, Aspects, Aws, Duration, IAspect, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { DAILY_CHECK_FIELD, DAILY_CHECK_NAMESPACE } from './checks';
import type { DailyCheckInput } from './checks';
import { DailyCheckSubject, MAX_TARGETS_PER_RULE, MAX_TARGET_INPUT_LENGTH, keysPerRule, planShards } from './daily-check-input';
import { RotationVerificationProvider } from './provider';
import { MAX_ARN_LENGTH, MAX_KEY_ARN_LENGTH } from './requirements';
import { KEY_ROTATION_DAYS, ROTATION_GRACE, SECRET_ROTATION_INTERVAL } from '../private/bounds';
import { recordFootprint } from '../private/footprint';
import { LIBRARY_NAME_PASCAL } from '../private/names';
import { Singleton } from '../private/singleton';
import { validateGraceHours, validateKeyRotationPeriod, validateSecretRotationInterval } from '../private/validate';

/** Options for one secret added to the daily check. */
export interface DailyCheckSecretOptions {
  /**
   * The longest acceptable rotation interval (4 hours to 1000 days).
   * @default Duration.days(30)
   */
  readonly maxRotationInterval?: Duration;

  /**
   * How far past its interval the last rotation may lie before the secret counts as
   * overdue, in whole hours.
   * @default Duration.days(1)
   */
  readonly rotationGracePeriod?: Duration;
}

const CHECKS = Singleton.perStack<DailyRotationCheck>();
/** Alarm actions given before the stack had a check (`addAlarmAction`), given to its alarms once it exists. */
const PENDING_ACTIONS = Singleton.perStack<cloudwatch.IAlarmAction[]>();

/**
 * The stack's daily rotation check: the checks `RotationVerification` runs at deploy time,
 * run again every day (an EventBridge rule, `rate(1 day)`) on every registered key and
 * secret. Each run publishes a `Heartbeat` and a `Findings` metric (namespace
 * `KmsPatterns/RotationCheck`, dimension `StackName`) and logs each finding, naming the key
 * or secret and why. Two alarms watch them: findings (at least one failing key or secret)
 * and a missing heartbeat (the checker stopped running). They have no actions: give them
 * yours (`EncryptionMonitor` adds its topic).
 *
 * Needs no AWS Config recorder and no trail. It runs in the stack's rotation verification
 * provider (the same function, role and log group), whose policy already names exactly
 * the keys and secrets it reads. Every `RotationVerification` registers its keys and
 * secrets here unless `checkDaily: false`. Adding a key adds only data: no function, rule
 * or alarm.
 *
 * @example
 * const daily = DailyRotationCheck.of(this);
 * daily.addSecret(secret, { maxRotationInterval: Duration.days(7) });
 * for (const alarm of daily.alarms) {
 *   alarm.addAlarmAction(new cloudwatch_actions.SnsAction(topic));
 * }
 */
export class DailyRotationCheck extends Construct {
  /** Construct id of the singleton, a child of the stack. */
  public static readonly ID = `${LIBRARY_NAME_PASCAL}DailyRotationCheck`;
  /** The CloudWatch namespace of the check's metrics; the checker may publish to this namespace only. */
  public static readonly NAMESPACE = DAILY_CHECK_NAMESPACE;
  /** How often the check runs. */
  public static readonly INTERVAL = Duration.days(1);

  /** The stack's daily rotation check, created on first use. */
  public static of(scope: IConstruct): DailyRotationCheck {
    return CHECKS.obtain(scope, () => new DailyRotationCheck(Stack.of(scope), DailyRotationCheck.ID));
  }

  /**
   * Send both alarms of the stack's daily check to `action`: now if the stack has a check,
   * or as soon as one is made. Creates no check of its own, so a monitor can call it in a
   * stack that verifies nothing (where a check would have nothing to check), and before
   * the constructs whose verifications make the check.
   */
  public static addAlarmAction(scope: IConstruct, action: cloudwatch.IAlarmAction): void {
    const existing = CHECKS.find(scope);
    if (existing) {
      existing.alarms.forEach(alarm => alarm.addAlarmAction(action));
      return;
    }
    PENDING_ACTIONS.obtain(scope, () => []).push(action);
  }

  /** The scheduled rule; one target per shard of the registered keys and secrets. */
  public readonly rule: events.CfnRule;

  private readonly provider: RotationVerificationProvider;
  private readonly subjects = new Map<string, DailyCheckSubject>();
  private madeAlarms?: { findings: cloudwatch.Alarm; heartbeat: cloudwatch.Alarm };

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.provider = RotationVerificationProvider.of(this);
    recordFootprint(this);
    const stack = Stack.of(this);
    const checker = this.provider.onEventHandler;

    this.rule = new events.CfnRule(this, 'Rule', {
      description: 'cdk-kms-patterns daily rotation check: the deploy-time rotation checks, every day',
      scheduleExpression: `rate(${DailyRotationCheck.INTERVAL.toDays()} day)`,
      state: 'ENABLED',
      targets: Lazy.any({ produce: () => this.renderTargets(checker) }),
    });
    // One permission per stack, beside the rule it names, however many targets the rule has.
    new lambda.CfnPermission(this, 'InvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: checker.functionArn,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.attrArn,
      sourceAccount: stack.account,
    });

    // "Using condition keys to limit access to CloudWatch namespaces": PutMetricData
    // supports no resource, so the namespace condition is what scopes it.
    this.provider.policy.addStatements(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': DailyRotationCheck.NAMESPACE } },
    }));
    Validations.of(this.provider.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:PutMetricData supports no resource-level permissions (its only resource is `*`); the statement '
        + `is scoped by the cloudwatch:namespace condition to ${DailyRotationCheck.NAMESPACE}, the daily rotation check's own namespace.`,
    });

    this.node.addValidation({ validate: () => this.validateShards() });
    Aspects.of(this).add(new NoteWhenNobodyIsTold(this));
    for (const action of PENDING_ACTIONS.find(this) ?? []) {
      this.alarms.forEach(alarm => alarm.addAlarmAction(action));
    }
  }

  /**
   * In alarm when a run found at least one key or secret failing its checks. Made on first
   * use, without actions: add yours.
   */
  public get findingsAlarm(): cloudwatch.Alarm {
    return this.alarmPair().findings;
  }

  /**
   * In alarm when fewer runs reported than the rule has targets, two days in a row: the
   * checker stopped. Missing data breaches. Made on first use, without actions: add yours.
   */
  public get heartbeatAlarm(): cloudwatch.Alarm {
    return this.alarmPair().heartbeat;
  }

  /**
   * Both alarms, findings then heartbeat. Made on first use, without actions, for whoever
   * asks to add theirs (`EncryptionMonitor` adds its topic): an alarm nobody is told about
   * would only fail the Control Tower control CT.CLOUDWATCH.PR.1 and cdk-nag's
   * CloudWatchAlarmAction rules, and tell no one. Until someone asks, synth warns that
   * nobody is told.
   */
  public get alarms(): cloudwatch.Alarm[] {
    const { findings, heartbeat } = this.alarmPair();
    return [findings, heartbeat];
  }

  /** True once the alarms exist (someone asked for them). */
  public get hasAlarms(): boolean {
    return this.madeAlarms !== undefined;
  }

  private alarmPair(): { findings: cloudwatch.Alarm; heartbeat: cloudwatch.Alarm } {
    if (!this.madeAlarms) {
      const findings = this.metricFindings().createAlarm(this, 'FindingsAlarm', {
        alarmDescription: 'The daily rotation check found keys or secrets whose rotation is off, too slow or failing. '
          + `Its log group (${this.provider.logGroup.logGroupName}) names each one and why: filter on "daily rotation check finding".`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No run, no finding: a missing run is the heartbeat alarm's.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const heartbeat = this.metricHeartbeat().createAlarm(this, 'HeartbeatAlarm', {
        alarmDescription: 'The daily rotation check did not report for two days (fewer runs than shards): it stopped running, '
          + 'so nothing proves rotation now. See its function\'s errors and log group, and the rule\'s FailedInvocations.',
        // Every shard reports once a day: fewer reports than shards is a missing run.
        threshold: Lazy.number({ produce: () => Math.max(1, this.shards().length) }),
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // Two daily periods, both short: a run that slips across a period boundary makes one
        // period short and the next long, never two short in a row.
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.madeAlarms = { findings, heartbeat };
    }
    return this.madeAlarms;
  }

  /**
   * Check `key` every day: automatic rotation on, at most every `maxRotationPeriod`.
   * Adding a key that is already checked keeps the stricter period.
   * @param maxRotationPeriod the longest acceptable period (90 to 2560 days); default 365 days
   */
  public addKey(key: kms.IKey, maxRotationPeriod?: Duration): void {
    this._addKey(key, validateKeyRotationPeriod(this, 'maxRotationPeriod', maxRotationPeriod) ?? KEY_ROTATION_DAYS.default);
  }

  /**
   * `addKey` with a period in days that the caller has validated: the library's constructs
   * validate their props once, where the user gives them.
   * @internal
   */
  public _addKey(key: kms.IKey, maxRotationDays: number): void {
    this.register({
      kind: 'key', id: key.keyArn, group: `${maxRotationDays}`, maxDays: maxRotationDays, estimate: this.estimate(key.keyArn, MAX_KEY_ARN_LENGTH),
    });
    this.rule.node.addDependency(this.provider.allow('kms:GetKeyRotationStatus', key.keyArn));
  }

  /**
   * Check `secret` every day: rotation on, with a rotation function or managed rotation,
   * scheduled at most every `maxRotationInterval`, and not overdue. Adding a secret that
   * is already checked keeps the stricter requirement.
   */
  public addSecret(secret: secretsmanager.ISecret, options: DailyCheckSecretOptions = {}): void {
    validateSecretRotationInterval(this, 'maxRotationInterval', options.maxRotationInterval);
    validateGraceHours(this, 'rotationGracePeriod', options.rotationGracePeriod);
    const { maxHours, graceHours } = dailySecretHours(options);
    this._addSecret(secret, maxHours, graceHours);
  }

  /**
   * `addSecret` with an interval and a grace period in hours that the caller has
   * validated: the library's constructs validate their props once, where the user gives them.
   * @internal
   */
  public _addSecret(secret: secretsmanager.ISecret, hours: number, graceHours: number): void {
    this.register({
      kind: 'secret',
      id: secret.secretArn,
      group: `${hours}/${graceHours}`,
      maxHours: hours,
      graceHours,
      estimate: this.estimate(secret.secretArn, MAX_ARN_LENGTH),
    });
    // A secret imported by name has a partial ARN; its full ARN adds six random characters.
    this.rule.node.addDependency(this.provider.allow('secretsmanager:DescribeSecret', secret.secretFullArn ?? `${secret.secretArn}-??????`));
  }

  /**
   * Runs of the check, one per shard per day (`Sum`).
   * @default - sum over 1 day
   */
  public metricHeartbeat(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Heartbeat', props);
  }

  /**
   * Keys and secrets that failed a check, over every shard's runs (`Sum`).
   * @default - sum over 1 day
   */
  public metricFindings(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Findings', props);
  }

  private metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: DailyRotationCheck.NAMESPACE,
      metricName,
      dimensionsMap: { StackName: Aws.STACK_NAME },
      statistic: cloudwatch.Stats.SUM,
      period: DailyRotationCheck.INTERVAL,
      ...props,
    });
  }

  /** Adds a subject; one already there (same ARN) keeps the stricter of the two requirements. */
  private register(subject: DailyCheckSubject): void {
    const key = `${subject.kind} ${subject.id}`;
    const existing = this.subjects.get(key);
    this.subjects.set(key, existing ? stricter(existing, subject) : subject);
  }

  private estimate(arn: string, unresolvedLength: number): number {
    return Token.isUnresolved(arn) ? unresolvedLength : JSON.stringify(arn).length - 2;
  }

  private shards(): DailyCheckSubject[][] {
    return planShards([...this.subjects.values()]);
  }

  private renderTargets(checker: lambda.IFunction): events.CfnRule.TargetProperty[] {
    const stack = Stack.of(this);
    return this.shards().slice(0, MAX_TARGETS_PER_RULE).map((shard, i) => {
      // Named as the handler reads them (checks.ts).
      const input: DailyCheckInput = {
        Stack: Aws.STACK_NAME,
        Shard: i + 1,
        Keys: groups(shard.filter(s => s.kind === 'key'), s => ({ MaxDays: s.maxDays! })),
        Secrets: groups(shard.filter(s => s.kind === 'secret'), s => ({ MaxHours: s.maxHours!, GraceHours: s.graceHours! })),
      };
      return { id: `Shard${i + 1}`, arn: checker.functionArn, input: stack.toJsonString({ [DAILY_CHECK_FIELD]: input }) };
    });
  }

  private validateShards(): string[] {
    if (this.subjects.size === 0) {
      return [`${this.node.path}: the daily rotation check has no key or secret to check: add one with addKey or addSecret `
        + '(every RotationVerification does, unless `checkDaily: false`), or do not create it']
      ;
    }
    const shards = this.shards();
    if (shards.length > MAX_TARGETS_PER_RULE) {
      return [`${this.node.path}: the daily rotation check of stack ${Stack.of(this).stackName} has ${this.subjects.size} keys and secrets, `
        + `more than one EventBridge rule can carry (${MAX_TARGETS_PER_RULE} targets of at most ${MAX_TARGET_INPUT_LENGTH.toLocaleString('en-US')} `
        + `characters of input each, about ${keysPerRule(MAX_KEY_ARN_LENGTH)} key ARNs in all): spread the keys over more stacks, `
        + 'or set `checkDaily: false` on some RotationVerifications'];
    }
    return [];
  }
}

/** A secret's requirement in hours, the defaults applied: 30 days' interval, a day's grace. */
export function dailySecretHours(options: DailyCheckSecretOptions): { maxHours: number; graceHours: number } {
  return {
    maxHours: (options.maxRotationInterval ?? Duration.days(SECRET_ROTATION_INTERVAL.defaultDays)).toHours(),
    graceHours: (options.rotationGracePeriod ?? Duration.days(ROTATION_GRACE.defaultDays)).toHours(),
  };
}

/**
 * The stricter of two requirements on one subject: the shorter period or interval, the
 * shorter grace. A requirement known only at deploy time (a token) cannot be compared:
 * the first one stays.
 */
function stricter(a: DailyCheckSubject, b: DailyCheckSubject): DailyCheckSubject {
  const numbers = [a.maxDays, b.maxDays, a.maxHours, b.maxHours, a.graceHours, b.graceHours].filter((n): n is number => n !== undefined);
  if (numbers.some(n => Token.isUnresolved(n))) {
    return a;
  }
  if (a.kind === 'key') {
    const maxDays = Math.min(a.maxDays!, b.maxDays!);
    return { ...a, maxDays, group: `${maxDays}` };
  }
  const maxHours = Math.min(a.maxHours!, b.maxHours!);
  const graceHours = Math.min(a.graceHours!, b.graceHours!);
  return { ...a, maxHours, graceHours, group: `${maxHours}/${graceHours}` };
}

/** Subjects grouped by requirement, each group with its ARNs: the per-subject cost is the ARN alone. */
function groups<R extends object>(subjects: DailyCheckSubject[], requirement: (s: DailyCheckSubject) => R): Array<R & { Ids: string[] }> {
  const byGroup = new Map<string, R & { Ids: string[] }>();
  for (const s of subjects) {
    let group = byGroup.get(s.group);
    if (!group) {
      group = { ...requirement(s), Ids: [] };
      byGroup.set(s.group, group);
    }
    group.Ids.push(s.id);
  }
  return [...byGroup.values()];
}

/** Notes (info), once the app is complete, when nobody is told what the daily check finds. */
class NoteWhenNobodyIsTold implements IAspect {
  private warned = false;
  constructor(private readonly check: DailyRotationCheck) {}

  public visit(node: IConstruct): void {
    if (node !== this.check || this.warned) {
      return;
    }
    const told = this.check.hasAlarms && this.check.alarms.every(alarm => {
      const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
      const actions = Stack.of(alarm).resolve(cfn.alarmActions) as unknown[] | undefined;
      return actions !== undefined && actions.length > 0;
    });
    if (!told) {
      this.warned = true;
      // Info, not a warning: `cdk synth --strict` fails on warnings, and this is a choice.
      Annotations.of(this.check).addInfo('Nobody is told what the daily rotation check finds, or when it stops: turn on EncryptionMonitor for the stack, '
        + 'or add an action to each of DailyRotationCheck.of(stack).alarms (for example an SNS topic you watch).');
    }
  }
}

/** The stack's daily rotation check, if it has one: unlike `of`, makes none. */
export function findDailyRotationCheck(scope: IConstruct): DailyRotationCheck | undefined {
  return CHECKS.find(scope);
}
