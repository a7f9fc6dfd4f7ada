import { Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';

/** The names and metric queries of the monitor that AWS limits, each beside its limit. */

/** "Limits" (CloudWatch alarms): an alarm on a metric math expression references at most 10 metrics, a hard limit. */
export const MAX_METRIC_MATH_ALARM_METRICS = 10;
/** A Contributor Insights rule name holds at most 128 characters (PutInsightRule `RuleName`). */
const INSIGHT_RULE_NAME_MAX_LENGTH = 128;
const INSIGHT_RULE_NAME_SUFFIX = '-denied-kms';
/**
 * The Contributor Insights rule's name: at most 128 characters (PutInsightRule `RuleName`),
 * whatever the construct path. `uniqueResourceName` shortens the path and keeps a hash of it.
 */
export function insightRuleName(scope: IConstruct): string {
  return Names.uniqueResourceName(scope, { maxLength: INSIGHT_RULE_NAME_MAX_LENGTH - INSIGHT_RULE_NAME_SUFFIX.length, separator: '-' })
    + INSIGHT_RULE_NAME_SUFFIX;
}

/** `SUM([errors0, errors1, ...])`: the errors of every rotation function, per period, as one time series. */
export function rotationFunctionErrorsExpression(functions: number): string {
  return `SUM([${Array.from({ length: functions }, (_, i) => `errors${i}`).join(', ')}])`;
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
