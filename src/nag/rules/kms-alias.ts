import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isKmsKey } from '../private/kms';
import { flatten } from '../private/strings';
import { render, resourcesOfType } from '../private/template';

/**
 * EncStd-KMS9: the key has an alias: an AWS::KMS::Alias of the same stack whose
 * `TargetKeyId` refers to it (`Ref` or `Fn::GetAtt`, also inside `Fn::Join`/`Fn::Sub`).
 */
export function kmsAlias(node: CfnResource): NagRuleCompliance {
  if (!isKmsKey(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const stack = Stack.of(node);
  const logicalId = render(node).logicalId;
  let unknown = false;
  for (const alias of resourcesOfType(stack, 'AWS::KMS::Alias')) {
    const target = flatten(stack, render(alias).properties.TargetKeyId);
    if (target.resources.includes(logicalId)) {
      return NagRuleCompliance.COMPLIANT;
    }
    unknown = unknown || !target.resolved;
  }
  // An alias whose target is a parameter might be this key's.
  return unknown ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.NON_COMPLIANT;
}
