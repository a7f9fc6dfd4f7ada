import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { PENDING_WINDOW_DAYS, isKmsKey } from '../private/kms';
import { literalNumber, render } from '../private/template';

/**
 * EncStd-KMS3: a key scheduled for deletion waits at least `minDays` days
 * (`PendingWindowInDays`, 30 when unset).
 */
export function kmsPendingWindowAtLeast(minDays: number): (node: CfnResource) => NagRuleCompliance {
  return function kmsPendingWindow(node: CfnResource): NagRuleCompliance {
    if (!isKmsKey(node)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const raw = render(node).properties.PendingWindowInDays;
    const days = raw === undefined ? PENDING_WINDOW_DAYS.default : literalNumber(raw);
    if (days === undefined) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return days >= minDays ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
}
