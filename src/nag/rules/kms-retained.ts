import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isKmsKey } from '../private/kms';
import { render } from '../private/template';

const RETAINED_ON_DELETE = ['Retain', 'RetainExceptOnCreate'];

/**
 * EncStd-KMS4: the key survives leaving the stack: `DeletionPolicy` is `Retain` (or
 * `RetainExceptOnCreate`) and `UpdateReplacePolicy` is `Retain`, so neither a deleted
 * stack nor a replacement schedules the key's deletion. (`RemovalPolicy.RETAIN` on
 * an L2 sets both; `cfnOptions.deletionPolicy` and `cfnOptions.updateReplacePolicy`
 * on an L1.)
 */
export function kmsRetained(node: CfnResource): NagRuleCompliance {
  if (!isKmsKey(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const { deletionPolicy, updateReplacePolicy } = render(node);
  if ([deletionPolicy, updateReplacePolicy].some(p => p !== undefined && typeof p !== 'string')) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return RETAINED_ON_DELETE.includes(deletionPolicy ?? 'Delete') && updateReplacePolicy === 'Retain'
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
