import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { worstOf } from '../private/key-reference';
import { rotationIntervalDays } from '../private/schedule';
import { flatten } from '../private/strings';
import { isObject, render, resourcesOfType } from '../private/template';

/**
 * EncStd-SMG2: the secret rotates automatically at least every `maxDays` days: an
 * AWS::SecretsManager::RotationSchedule of the same stack targets it, with
 * `AutomaticallyAfterDays` or a `ScheduleExpression` (`rate(...)`, `cron(...)`)
 * whose longest interval is within the limit.
 */
export function secretRotationWithin(maxDays: number): (node: CfnResource) => NagRuleCompliance {
  return function secretRotation(node: CfnResource): NagRuleCompliance {
    if (node.cfnResourceType !== 'AWS::SecretsManager::Secret') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const stack = Stack.of(node);
    const logicalId = render(node).logicalId;
    let unknownTarget = false;
    const verdicts: NagRuleCompliance[] = [];
    for (const schedule of resourcesOfType(stack, 'AWS::SecretsManager::RotationSchedule')) {
      const props = render(schedule).properties;
      const target = flatten(stack, props.SecretId);
      if (!target.resources.includes(logicalId)) {
        unknownTarget = unknownTarget || !target.resolved;
        continue;
      }
      const days = isObject(props.RotationRules) ? rotationIntervalDays(props.RotationRules) : Infinity;
      verdicts.push(days === undefined ? NagRuleCompliance.NOT_APPLICABLE
        : days <= maxDays ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT);
    }
    if (verdicts.length === 0) {
      return unknownTarget ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.NON_COMPLIANT;
    }
    // One schedule per secret is what Secrets Manager allows; judge the best if there are more.
    return verdicts.includes(NagRuleCompliance.COMPLIANT) ? NagRuleCompliance.COMPLIANT : worstOf(verdicts);
  };
}
