import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { worstOf } from '../private/key-reference';
import { encryptionRulesOf } from '../private/s3';
import { isObject, literalBoolean } from '../private/template';

/**
 * EncStd-S2: an SSE-KMS bucket has S3 Bucket Keys on (`BucketKeyEnabled: true`),
 * which cuts KMS requests (cost, throttling) by orders of magnitude. DSSE-KMS does
 * not support Bucket Keys; buckets without SSE-KMS are EncStd-S1's.
 */
export function s3BucketKeyEnabled(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const rules = (encryptionRulesOf(node) ?? []).filter(rule => {
    const algorithm = isObject(rule.ServerSideEncryptionByDefault) ? rule.ServerSideEncryptionByDefault.SSEAlgorithm : undefined;
    return typeof algorithm === 'string' && algorithm.toLowerCase() === 'aws:kms';
  });
  return worstOf(rules.map(rule => {
    const enabled = rule.BucketKeyEnabled === undefined ? false : literalBoolean(rule.BucketKeyEnabled);
    return enabled === undefined ? NagRuleCompliance.NOT_APPLICABLE
      : enabled ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  }));
}
