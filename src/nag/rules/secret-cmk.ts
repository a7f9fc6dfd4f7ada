import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { requireCustomerManagedKey } from '../private/key-reference';
import { render } from '../private/template';

/**
 * EncStd-SMG1: the secret's `KmsKeyId` names a customer managed key. Without it
 * Secrets Manager uses `aws/secretsmanager`, whose policy nobody in the account controls.
 */
export function secretCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::SecretsManager::Secret') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return requireCustomerManagedKey(node, render(node).properties.KmsKeyId);
}
