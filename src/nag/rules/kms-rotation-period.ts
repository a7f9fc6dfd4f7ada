import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { ROTATION_PERIOD_DAYS, isKmsKey, rotationApplies, rotationSource } from '../private/kms';
import { literalBoolean, literalNumber } from '../private/template';

/**
 * EncStd-KMS2: a key that rotates does so at least every `maxDays` days
 * (`RotationPeriodInDays`, 365 when unset). Keys without rotation are KMS1's.
 */
export function kmsRotationPeriodAtMost(maxDays: number): (node: CfnResource) => NagRuleCompliance {
  return function kmsRotationPeriod(node: CfnResource): NagRuleCompliance {
    if (!isKmsKey(node)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const key = rotationSource(node);
    if (!key || rotationApplies(key) !== true || literalBoolean(key.properties.EnableKeyRotation) !== true) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const raw = key.properties.RotationPeriodInDays;
    const days = raw === undefined ? ROTATION_PERIOD_DAYS.default : literalNumber(raw);
    if (days === undefined) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return days <= maxDays ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
}
