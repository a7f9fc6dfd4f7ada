/**
 * KMS action groups, named once so that every policy in the library agrees on them.
 *
 * Allows list exact action names (no wildcards): least privilege, and cdk-nag's
 * wildcard rules stay quiet. Denies use wildcards on purpose: a future
 * `kms:GenerateDataKey...` or `kms:ReEncrypt...` variant is denied without a release.
 */

/** Everything a key administrator needs, and nothing that touches plaintext or ciphertext. */
export const ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * What the key-management Deny refuses to everyone but the key's managers: every action
 * that changes who controls the key, where its alias points, or whether it works. Absent on
 * purpose: `kms:RetireGrant` (services retire their own grants, e.g. for shared EBS and RDS
 * snapshots), `kms:CancelKeyDeletion` and `kms:EnableKey` (recovery), and every `Describe*`,
 * `Get*` and `List*` (verification and audit read them). `kms:ReplicateKey` and
 * `kms:UpdatePrimaryRegion` matter only on multi-Region keys and cost nothing elsewhere.
 */
export const KEY_MANAGEMENT_ACTIONS = [
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:UpdateKeyDescription',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:RevokeGrant',
  'kms:ReplicateKey',
  'kms:UpdatePrimaryRegion',
];

/** Produce ciphertext under the key. */
export const ENCRYPT_ACTIONS = [
  'kms:Encrypt',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/** Turn ciphertext under the key back into plaintext. */
export const DECRYPT_ACTIONS = [
  'kms:Decrypt',
  'kms:ReEncryptFrom',
];

/** Envelope encryption: data keys only. */
export const GENERATE_DATA_KEY_ACTIONS = [
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/** All cryptographic use of a symmetric key, for key users. */
export const CRYPTO_ACTIONS = [
  ...ENCRYPT_ACTIONS,
  ...DECRYPT_ACTIONS,
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:DescribeKey',
];

/**
 * What the isolation Denies cover: every operation that takes an encryption context.
 * `kms:DescribeKey` and `kms:CreateGrant` take none and are deliberately absent.
 */
export const CONTEXT_BOUND_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
];

/**
 * What a consumer in another account may do with a key shared for decryption: decrypt,
 * and move ciphertext to a key of its own (`kms:ReEncryptFrom`, opt-in). No action here
 * produces ciphertext or data keys under the key, and none administers it.
 */
export const CONSUMER_DECRYPT_ACTIONS = [
  'kms:Decrypt',
  'kms:ReEncryptFrom',
];

/** Read the key's metadata; takes no encryption context. */
export const DESCRIBE_ACTIONS = ['kms:DescribeKey'];

/**
 * What EC2 and RDS call with a consumer's credentials to copy a shared encrypted
 * snapshot or launch a shared AMI: they re-encrypt volume data keys under the key and
 * generate new ones without plaintext.
 */
export const SNAPSHOT_SHARING_ACTIONS = [
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/** Grants, only ever allowed with `kms:GrantIsForAWSResource` = true. */
export const AWS_RESOURCE_GRANT_ACTIONS = ['kms:CreateGrant'];

/** The union of two action lists, without duplicates, in first-seen order. */
export function unionOf(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * `actions` as exact names, for a grant made through a tenant key's `key`: aws-cdk-lib's
 * S3 and SQS grants ask for `kms:ReEncrypt*` and `kms:GenerateDataKey*`, which expand to
 * the cryptographic actions they match. Returns the actions that are not cryptographic
 * use (administration, grants) separately, for the caller to refuse.
 */
export function expandCryptoActions(actions: string[]): { readonly crypto: string[]; readonly other: string[] } {
  const crypto: string[] = [];
  const other: string[] = [];
  for (const action of actions) {
    const matching = action.endsWith('*')
      ? CRYPTO_ACTIONS.filter(a => a.toLowerCase().startsWith(action.slice(0, -1).toLowerCase()))
      : CRYPTO_ACTIONS.filter(a => a.toLowerCase() === action.toLowerCase());
    // `kms:*` and `*` match every crypto action, but also administration: refused whole.
    if (matching.length === 0 || action === '*' || action.toLowerCase() === 'kms:*') {
      other.push(action);
    } else {
      crypto.push(...matching);
    }
  }
  return { crypto: unionOf(crypto), other };
}
