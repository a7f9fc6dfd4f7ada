import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isKmsKey, rotationApplies, rotationSource } from '../private/kms';
import { literalBoolean } from '../private/template';

/**
 * EncStd-KMS1: automatic rotation is on for every symmetric encryption key. A
 * replica is judged by its primary when that is in the same stack.
 */
export function kmsRotationEnabled(node: CfnResource): NagRuleCompliance {
  if (!isKmsKey(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const key = rotationSource(node);
  if (!key || rotationApplies(key) !== true) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const raw = key.properties.EnableKeyRotation;
  const enabled = raw === undefined ? false : literalBoolean(raw);
  if (enabled === undefined) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return enabled ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
