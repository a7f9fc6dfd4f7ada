import { Duration, Lazy, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MonitorQueues, allowEventBridgeRules, createMonitorQueues, ruleTarget } from './delivery';
import { MAX_METRIC_MATH_ALARM_METRICS, RuleMetric, deadLettersMetric, ruleMetric, rotationFunctionErrors, rotationFunctionErrorsQueries } from './metrics';
import { NotificationText, NotifiedResource, chatbotNotification } from './notifications';
import { renderEventPattern } from './patterns';

/** What the monitor's rules and alarms are wired to. */
export interface MonitorAlarmsProps {
  /** Every alarm and every paging rule notifies it. */
  readonly alarmTopic: sns.ITopic;
  /** True when the monitor made `alarmTopic`, so its policy may be extended. */
  readonly ownTopic: boolean;
  /** Encrypts the queues. */
  readonly deliveryKey: kms.IKey;
  /** The period every alarm counts over. */
  readonly period: Duration;
  /** Consecutive periods over the threshold before a count alarm fires. */
  readonly evaluationPeriods: number;
  /** Each alarm gets a widget on it. */
  readonly dashboard?: cloudwatch.Dashboard;
}

/**
 * The monitor's EventBridge rules, the queues they deliver to, and the alarms on them, each
 * made in the monitor's scope (their construct paths, and so their logical IDs, are the
 * monitor's). A fixed set: a rule is made once, by name; what it matches is data in its
 * pattern, read at synthesis.
 */
export class MonitorAlarms {
  /** Every alarm so far, in the order made. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly rules = new Map<string, events.CfnRule>();
  private readonly patternSources = new Map<string, () => events.EventPattern>();
  /** Rules that notify the topic directly, and rules that deliver to the non-paging queue. */
  private readonly pagingRules: events.CfnRule[] = [];
  private readonly queueRules: events.CfnRule[] = [];
  private readonly rotationFunctions = new Map<string, lambda.IFunction>();
  private queues?: MonitorQueues;

  constructor(private readonly scope: Construct, private readonly props: MonitorAlarmsProps) {}

  /** The rule called `name`, once made. */
  public rule(name: string): events.CfnRule | undefined {
    return this.rules.get(name);
  }

  /** Each rule's name and its pattern, as it will be rendered. */
  public patterns(): Array<[string, () => events.EventPattern]> {
    return [...this.patternSources];
  }

  /** A rule whose events are counted in the non-paging queue, and an alarm on its `Invocations`. */
  public addRuleAndAlarm(name: string, pattern: () => events.EventPattern, state: string, threshold: number, description: string): void {
    const rule = this.addQueueRule(name, pattern, state);
    const alarm = this.metric(rule, RuleMetric.INVOCATIONS).createAlarm(this.scope, `${name}Alarm`, {
      alarmDescription: description,
      threshold,
      evaluationPeriods: this.props.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // EventBridge sends Invocations only when non-zero.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm(alarm, name, this.metric(rule, RuleMetric.INVOCATIONS));
  }

  /** A rule delivering to the non-paging queue, with no alarm of its own. */
  public addQueueRule(name: string, pattern: () => events.EventPattern, state = 'ENABLED'): events.CfnRule {
    const queues = this.ensureQueues();
    const rule = this.addRule(name, pattern, state, [ruleTarget('EventsQueue', queues.eventsQueue.queueArn, queues.deadLetterQueue)]);
    this.queueRules.push(rule);
    return rule;
  }

  /**
   * A rule whose every event goes to the topic at once, as a Chatbot custom notification,
   * with the dead-letter queue behind it, and an alarm when a delivery fails.
   */
  public addPagingRule(name: string, pattern: () => events.EventPattern, resource: NotifiedResource, text: NotificationText): void {
    const queues = this.ensureQueues();
    const topic = this.props.alarmTopic;
    // Only the topic the monitor made: a policy added to a topic of yours would replace SNS's
    // default policy and cut off its other publishers.
    if (this.pagingRules.length === 0 && this.props.ownTopic && topic instanceof sns.Topic) {
      allowEventBridgeRules(topic, () => this.pagingRules.map(r => r.attrArn));
    }
    const rule = this.addRule(name, pattern, 'ENABLED',
      [ruleTarget('AlarmTopic', topic.topicArn, queues.deadLetterQueue, chatbotNotification(resource, text))]);
    this.pagingRules.push(rule);
    const failed = this.metric(rule, RuleMetric.FAILED_INVOCATIONS);
    const alarm = failed.createAlarm(this.scope, `${name}DeliveryFailedAlarm`, {
      alarmDescription: `EventBridge could not deliver a ${name} event to the alarm topic: see the dead-letter queue `
        + `(${queues.deadLetterQueue.node.path}) and the topic's policy and key.`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // EventBridge sends FailedInvocations only when non-zero.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm(alarm, `${name}DeliveryFailed`, failed);
  }

  /**
   * Adds `fn`'s errors to the rotation-function alarm, made with the first function: one
   * alarm over at most 10 functions (validated by `validateRotationFunctions`).
   */
  public addRotationFunction(fn: lambda.IFunction): void {
    const key = Names.nodeUniqueId(fn.node);
    if (this.rotationFunctions.has(key)) {
      return;
    }
    this.rotationFunctions.set(key, fn);
    if (this.rotationFunctions.size > 1) {
      return;
    }
    const period = this.props.period;
    const alarm = rotationFunctionErrors(fn, period).createAlarm(this.scope, 'RotationFunctionErrorsAlarm', {
      alarmDescription: 'A rotation function of a monitored secret reported errors: its rotation may fail. See the function\'s logs.',
      threshold: 1,
      evaluationPeriods: this.props.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The L2 rendered the first function only; the L1's list is rendered lazily, with every function registered by then.
    (alarm.node.defaultChild as cloudwatch.CfnAlarm).metrics = Lazy.any({
      produce: () => rotationFunctionErrorsQueries([...this.rotationFunctions.values()].map(f => f.functionName), period),
    });
    alarm.addAlarmAction(new cw_actions.SnsAction(this.props.alarmTopic));
    this.alarms.push(alarm);
    // The alarm's own widget shows every function; a graph of the L2 expression would show the first only.
    this.props.dashboard?.addWidgets(new cloudwatch.AlarmWidget({ title: 'RotationFunctionErrors', alarm }));
  }

  /** The synthesis error when more rotation functions were given than one alarm can sum. */
  public validateRotationFunctions(): string[] {
    const count = this.rotationFunctions.size;
    return count <= MAX_METRIC_MATH_ALARM_METRICS ? [] : [`\`rotationFunction\` was given for ${count} secrets, but an alarm on a metric `
      + `math expression references at most ${MAX_METRIC_MATH_ALARM_METRICS} metrics (CloudWatch alarm limits): pass it for at most `
      + `${MAX_METRIC_MATH_ALARM_METRICS} secrets per monitor. Failed rotations of every monitored secret still page through RotationFailures.`];
  }

  private metric(rule: events.CfnRule, metricName: RuleMetric): cloudwatch.Metric {
    return ruleMetric(rule, metricName, this.props.period);
  }

  private addRule(name: string, pattern: () => events.EventPattern, state: string, targets: events.CfnRule.TargetProperty[]): events.CfnRule {
    const rule = new events.CfnRule(this.scope, `${name}Rule`, {
      description: `EncryptionMonitor ${this.scope.node.path}: ${name}`,
      state,
      eventPattern: Lazy.any({ produce: () => renderEventPattern(pattern()) }),
      targets,
    });
    this.rules.set(name, rule);
    this.patternSources.set(name, pattern);
    return rule;
  }

  /** The non-paging queue and the dead-letter queue, made with the first rule, and an alarm on the dead letters. */
  private ensureQueues(): MonitorQueues {
    if (this.queues) {
      return this.queues;
    }
    const queues = createMonitorQueues(this.scope, this.props.deliveryKey,
      () => [...this.rules.values()].map(r => r.attrArn), () => this.queueRules.map(r => r.attrArn));
    this.queues = queues;
    const depth = deadLettersMetric(queues.deadLetterQueue, this.props.period);
    const alarm = depth.createAlarm(this.scope, 'DeadLettersAlarm', {
      alarmDescription: `Events the monitor's rules could not deliver wait in ${queues.deadLetterQueue.node.path}: `
        + 'a notification was lost. Read them, fix the target (topic policy, key policy), then purge the queue.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm(alarm, 'DeadLetters', depth);
    return queues;
  }

  private addAlarm(alarm: cloudwatch.Alarm, title: string, metric: cloudwatch.IMetric): void {
    alarm.addAlarmAction(new cw_actions.SnsAction(this.props.alarmTopic));
    this.alarms.push(alarm);
    this.props.dashboard?.addWidgets(new cloudwatch.GraphWidget({ title, left: [metric], leftAnnotations: [alarm.toAnnotation()] }));
  }
}
