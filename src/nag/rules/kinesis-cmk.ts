import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { requireCustomerManagedKey, worstOf } from '../private/key-reference';
import { alternatives, isObject, render } from '../private/template';

/**
 * EncStd-KDS1: the stream's `StreamEncryption` is `KMS` with a customer managed
 * `KeyId`, not `alias/aws/kinesis`. Both branches of an `Fn::If` (the L2's guard for
 * Regions without stream encryption) must comply.
 */
export function kinesisCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::Kinesis::Stream') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return worstOf(alternatives(render(node).properties.StreamEncryption).map(encryption => {
    if (encryption === undefined) {
      return NagRuleCompliance.NON_COMPLIANT;
    }
    if (!isObject(encryption) || typeof encryption.EncryptionType !== 'string') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return encryption.EncryptionType.toUpperCase() === 'KMS'
      ? requireCustomerManagedKey(node, encryption.KeyId)
      : NagRuleCompliance.NON_COMPLIANT;
  }));
}
