/**
 * Each grant method of `kms.IKey` with the IAM actions aws-cdk-lib's `Key` grants for it
 * (as a single string where it grants one). A key the library makes must grant the same.
 */
export const IKEY_GRANTS = [
  ['grantDecrypt', ['kms:Decrypt', 'kms:ReEncryptFrom']],
  ['grantEncrypt', ['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext']],
  ['grantEncryptDecrypt', ['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Decrypt', 'kms:ReEncryptFrom']],
  ['grantSign', 'kms:Sign'],
  ['grantVerify', 'kms:Verify'],
  ['grantSignVerify', ['kms:Sign', 'kms:Verify']],
  ['grantGenerateMac', 'kms:GenerateMac'],
  ['grantVerifyMac', 'kms:VerifyMac'],
] as const;
