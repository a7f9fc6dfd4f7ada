import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { requireCustomerManagedKey } from './key-reference';
import { literalBoolean } from './template';

/**
 * The shape EBS, RDS and EFS share: an encryption flag that must be `true` and a
 * `KmsKeyId` that must name a customer managed key (without it the service uses its
 * AWS managed key, `aws/ebs`, `aws/rds`, `aws/elasticfilesystem`).
 */
export function flagAndCustomerManagedKey(node: CfnResource, flag: unknown, keyId: unknown): NagRuleCompliance {
  const encrypted = flag === undefined ? false : literalBoolean(flag);
  if (encrypted === undefined) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return encrypted ? requireCustomerManagedKey(node, keyId) : NagRuleCompliance.NON_COMPLIANT;
}
