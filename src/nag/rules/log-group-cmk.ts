import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { requireCustomerManagedKey } from '../private/key-reference';
import { render } from '../private/template';

/**
 * EncStd-CWL1: the log group's `KmsKeyId` names a customer managed key. Without it
 * CloudWatch Logs encrypts with a key AWS owns.
 */
export function logGroupCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::Logs::LogGroup') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return requireCustomerManagedKey(node, render(node).properties.KmsKeyId);
}
