import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { requireCustomerManagedKey, worstOf } from '../private/key-reference';
import { KMS_ALGORITHMS, encryptionRulesOf } from '../private/s3';
import { isObject } from '../private/template';

/**
 * EncStd-S1: the bucket's default encryption is SSE-KMS (or DSSE-KMS) with a
 * customer managed key (`KMSMasterKeyID`). No `BucketEncryption` means SSE-S3.
 */
export function s3BucketCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const rules = encryptionRulesOf(node);
  if (rules === undefined) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (rules.length === 0) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  return worstOf(rules.map(rule => {
    const byDefault = rule.ServerSideEncryptionByDefault;
    if (!isObject(byDefault)) {
      return byDefault === undefined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.NOT_APPLICABLE;
    }
    const algorithm = byDefault.SSEAlgorithm;
    if (typeof algorithm !== 'string') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return KMS_ALGORITHMS.includes(algorithm.toLowerCase())
      ? requireCustomerManagedKey(node, byDefault.KMSMasterKeyID)
      : NagRuleCompliance.NON_COMPLIANT;
  }));
}
