import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { flagAndCustomerManagedKey } from '../private/encrypted-with-cmk';
import { render } from '../private/template';

/** EncStd-EFS1: the file system has `Encrypted: true` and a customer managed `KmsKeyId`. */
export function efsCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::EFS::FileSystem') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const props = render(node).properties;
  return flagAndCustomerManagedKey(node, props.Encrypted, props.KmsKeyId);
}
