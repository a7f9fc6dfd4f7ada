import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { flagAndCustomerManagedKey } from '../private/encrypted-with-cmk';
import { render } from '../private/template';

/** EncStd-EBS1: the EBS volume has `Encrypted: true` and a customer managed `KmsKeyId`. */
export function ebsVolumeCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::EC2::Volume') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const props = render(node).properties;
  return flagAndCustomerManagedKey(node, props.Encrypted, props.KmsKeyId);
}
