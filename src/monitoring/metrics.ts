import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Every metric the monitor reads, made in one place: the alarms (alarms.ts) and the
 * `metric*` methods (encryption-monitor.ts) take them from here, so an alarm and the
 * metric a user graphs are the same metric.
 */

/**
 * EventBridge's per-rule metrics, documented for rules with targets ("Monitoring Amazon
 * EventBridge"): `Invocations` (each rule here has one target, so one per matched event)
 * and `FailedInvocations`. Both are sent only when non-zero, so alarms on them treat
 * missing data as not breaching.
 */
const EVENTS_NAMESPACE = 'AWS/Events';

/** The EventBridge metrics of a rule the monitor reads. */
export enum RuleMetric {
  /** Events the rule matched and delivered: one per event, as each rule has one target. */
  INVOCATIONS = 'Invocations',
  /** Events the rule could not deliver to its target. */
  FAILED_INVOCATIONS = 'FailedInvocations',
}

/** `metricName` of `rule`, summed per `period`; `options` override any of it. */
export function ruleMetric(rule: events.CfnRule, metricName: RuleMetric, period: Duration, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: EVENTS_NAMESPACE,
    metricName,
    dimensionsMap: { RuleName: rule.ref },
    statistic: cloudwatch.Stats.SUM,
    period,
    ...options,
  });
}

/** Messages waiting in the dead-letter queue (the maximum per period): undelivered notifications. */
export function deadLettersMetric(deadLetterQueue: sqs.IQueue, period: Duration): cloudwatch.Metric {
  return deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM });
}

/** "Limits" (CloudWatch alarms): an alarm on a metric math expression references at most 10 metrics, a hard limit. */
export const MAX_METRIC_MATH_ALARM_METRICS = 10;

/** `SUM([errors0, errors1, ...])`: the errors of every rotation function, per period, as one time series. */
export function rotationFunctionErrorsExpression(functions: number): string {
  return `SUM([${Array.from({ length: functions }, (_, i) => `errors${i}`).join(', ')}])`;
}

/**
 * The errors of the rotation functions as one metric math expression, as the L2 sees it:
 * over `first` only. The alarm on it renders every function lazily with
 * `rotationFunctionErrorsQueries`, since the L2 renders an alarm's metrics when the alarm is created.
 */
export function rotationFunctionErrors(first: lambda.IFunction, period: Duration): cloudwatch.MathExpression {
  // Plain metric math over each function's Errors: Metrics Insights' WHERE documents
  // only =, != and AND ("Metrics Insights query components and syntax"), so a list of
  // functions cannot be one documented query.
  return new cloudwatch.MathExpression({
    expression: rotationFunctionErrorsExpression(1),
    usingMetrics: { errors0: first.metricErrors({ period, statistic: cloudwatch.Stats.SUM }) },
    period,
    label: 'Rotation function errors',
  });
}

/** The alarm's metric data queries: each function's `AWS/Lambda` `Errors` (Sum), and the expression over them. */
export function rotationFunctionErrorsQueries(functionNames: string[], period: Duration): cloudwatch.CfnAlarm.MetricDataQueryProperty[] {
  return [
    ...functionNames.map((name, i) => ({
      id: `errors${i}`,
      metricStat: {
        metric: { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: [{ name: 'FunctionName', value: name }] },
        period: period.toSeconds(),
        stat: 'Sum',
      },
      returnData: false,
    })),
    { id: 'expr_1', expression: rotationFunctionErrorsExpression(functionNames.length), label: 'Rotation function errors', returnData: true },
  ];
}
