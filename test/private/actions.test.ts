import {
  ADMIN_ACTIONS, AWS_RESOURCE_GRANT_ACTIONS, CONSUMER_DECRYPT_ACTIONS, CONTEXT_BOUND_ACTIONS, CRYPTO_ACTIONS, DECRYPT_ACTIONS,
  DESCRIBE_ACTIONS, ENCRYPT_ACTIONS, GENERATE_DATA_KEY_ACTIONS, KEY_MANAGEMENT_ACTIONS, SNAPSHOT_SHARING_ACTIONS,
  expandCryptoActions, unionOf,
} from '../../src/private/actions';

// Every policy of the library is built from these groups, so each is pinned here by
// value: a change to one is a change to every key policy and grant, and must be made on
// purpose. Suites that compare a policy with the constant itself cannot notice it.

describe('the KMS action groups', () => {
  test('administration: everything to manage the key, nothing that touches plaintext or ciphertext', () => {
    expect(ADMIN_ACTIONS).toEqual([
      'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:DescribeKey', 'kms:DisableKey',
      'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus',
      'kms:ListGrants', 'kms:ListKeyPolicies', 'kms:ListKeyRotations', 'kms:ListResourceTags', 'kms:PutKeyPolicy',
      'kms:RevokeGrant', 'kms:RotateKeyOnDemand', 'kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource',
      'kms:UpdateAlias', 'kms:UpdateKeyDescription',
    ]);
    expect(ADMIN_ACTIONS.filter(a => CRYPTO_ACTIONS.includes(a))).toEqual(['kms:DescribeKey']);
  });

  test('key management (the Deny): who controls the key, its alias, whether it works; recovery and reads left out', () => {
    expect(KEY_MANAGEMENT_ACTIONS).toEqual([
      'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:UpdateKeyDescription',
      'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias', 'kms:RevokeGrant',
      'kms:ReplicateKey', 'kms:UpdatePrimaryRegion',
    ]);
  });

  test('cryptographic use', () => {
    expect(ENCRYPT_ACTIONS).toEqual(['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext']);
    expect(DECRYPT_ACTIONS).toEqual(['kms:Decrypt', 'kms:ReEncryptFrom']);
    expect(GENERATE_DATA_KEY_ACTIONS).toEqual(['kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext']);
    expect(CRYPTO_ACTIONS).toEqual([
      'kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Decrypt',
      'kms:ReEncryptFrom', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:DescribeKey',
    ]);
  });

  test('context-bound (the isolation Denies): every operation with an encryption context, wildcards for future variants', () => {
    expect(CONTEXT_BOUND_ACTIONS).toEqual(['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']);
  });

  test('cross-account consumers: decrypt and describe; the snapshot preset adds no plaintext data keys; grants only for AWS resources', () => {
    expect(CONSUMER_DECRYPT_ACTIONS).toEqual(['kms:Decrypt', 'kms:ReEncryptFrom']);
    expect(DESCRIBE_ACTIONS).toEqual(['kms:DescribeKey']);
    expect(SNAPSHOT_SHARING_ACTIONS).toEqual(['kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKeyWithoutPlaintext']);
    expect(AWS_RESOURCE_GRANT_ACTIONS).toEqual(['kms:CreateGrant']);
  });
});

describe('unionOf', () => {
  test('keeps the first occurrence of each action, in order', () => {
    expect(unionOf(['kms:Decrypt', 'kms:Encrypt'], ['kms:Encrypt', 'kms:DescribeKey', 'kms:Decrypt'])).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey']);
  });
});

describe('expandCryptoActions', () => {
  test.each<[string[], string[], string[]]>([
    [['kms:Decrypt'], ['kms:Decrypt'], []],
    [['KMS:decrypt'], ['kms:Decrypt'], []],
    [['kms:ReEncrypt*'], ['kms:ReEncryptTo', 'kms:ReEncryptFrom'], []],
    [['kms:generatedatakey*', 'kms:GenerateDataKey'], ['kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext'], []],
    [['kms:*'], [], ['kms:*']],
    [['KMS:*'], [], ['KMS:*']],
    [['*'], [], ['*']],
    [['kms:Put*', 'kms:CreateGrant', 'kms:Decrypt'], ['kms:Decrypt'], ['kms:Put*', 'kms:CreateGrant']],
  ])('%p: crypto %p, other %p', (actions, crypto, other) => {
    expect(expandCryptoActions(actions)).toEqual({ crypto, other });
  });
});
