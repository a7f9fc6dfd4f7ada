import { CfnResource } from 'aws-cdk-lib';
import { isObject, render } from './template';

/** The bucket's default-encryption rules, or undefined when a token hides them. */
export function encryptionRulesOf(node: CfnResource): Array<Record<string, any>> | undefined {
  const encryption = render(node).properties.BucketEncryption;
  if (encryption === undefined) {
    return [];
  }
  const rules = isObject(encryption) ? encryption.ServerSideEncryptionConfiguration : undefined;
  return Array.isArray(rules) && rules.every(isObject) ? rules : undefined;
}

/** SSE-KMS and DSSE-KMS: the algorithms that take a KMS key. */
export const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];
