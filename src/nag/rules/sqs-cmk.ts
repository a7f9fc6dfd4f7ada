import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { requireCustomerManagedKey } from '../private/key-reference';
import { render } from '../private/template';

/**
 * EncStd-SQS1: the queue's `KmsMasterKeyId` names a customer managed key, not
 * `alias/aws/sqs`; SSE-SQS (`SqsManagedSseEnabled`) and no encryption fail.
 */
export function sqsCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::SQS::Queue') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return requireCustomerManagedKey(node, render(node).properties.KmsMasterKeyId);
}
