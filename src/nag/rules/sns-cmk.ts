import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { requireCustomerManagedKey } from '../private/key-reference';
import { render } from '../private/template';

/** EncStd-SNS1: the topic's `KmsMasterKeyId` names a customer managed key, not `alias/aws/sns`. */
export function snsCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::SNS::Topic') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return requireCustomerManagedKey(node, render(node).properties.KmsMasterKeyId);
}
