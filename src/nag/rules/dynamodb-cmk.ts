import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { requireCustomerManagedKey, worstOf } from '../private/key-reference';
import { isObject, literalBoolean, render } from '../private/template';

/**
 * EncStd-DDB1: the table is encrypted with a customer managed key:
 * `SSESpecification` with `SSEEnabled: true`, `SSEType: KMS` and `KMSMasterKeyId`
 * (AWS::DynamoDB::Table); for a global table (TableV2) `SSEEnabled`, `SSEType: KMS`
 * and a `KMSMasterKeyId` in every replica's `SSESpecification`. Without it DynamoDB
 * uses an AWS owned key, or the AWS managed `aws/dynamodb`.
 */
export function dynamoDbCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  const type = node.cfnResourceType;
  if (type !== 'AWS::DynamoDB::Table' && type !== 'AWS::DynamoDB::GlobalTable') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const props = render(node).properties;
  const sse = props.SSESpecification;
  if (sse === undefined) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  if (!isObject(sse)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const enabled = literalBoolean(sse.SSEEnabled);
  const sseType = sse.SSEType ?? 'KMS';
  if (enabled === undefined || typeof sseType !== 'string') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (!enabled || sseType.toUpperCase() !== 'KMS') {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  if (type === 'AWS::DynamoDB::Table') {
    return requireCustomerManagedKey(node, sse.KMSMasterKeyId);
  }
  const replicas = props.Replicas;
  if (!Array.isArray(replicas) || !replicas.every(isObject)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return worstOf(replicas.map(r => requireCustomerManagedKey(node, isObject(r.SSESpecification) ? r.SSESpecification.KMSMasterKeyId : undefined)));
}
