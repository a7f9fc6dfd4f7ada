import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleResult } from 'cdk-nag';
import { dynamoDbCustomerManagedKey } from '../rules/dynamodb-cmk';
import { ebsVolumeCustomerManagedKey } from '../rules/ebs-volume-cmk';
import { efsCustomerManagedKey } from '../rules/efs-cmk';
import { kinesisCustomerManagedKey } from '../rules/kinesis-cmk';
import { kmsAlias } from '../rules/kms-alias';
import { kmsCrossAccountAllowed } from '../rules/kms-cross-account';
import { kmsCrossAccountGrants } from '../rules/kms-cross-account-grants';
import { kmsMultiRegionAllowed } from '../rules/kms-multi-region';
import { kmsNoOpenPrincipal } from '../rules/kms-no-open-principal';
import { kmsNoWildcardActions } from '../rules/kms-no-wildcard-actions';
import { kmsPendingWindowAtLeast } from '../rules/kms-pending-window';
import { kmsRetained } from '../rules/kms-retained';
import { kmsRootDelegation } from '../rules/kms-root-delegation';
import { kmsRotationEnabled } from '../rules/kms-rotation-enabled';
import { kmsRotationPeriodAtMost } from '../rules/kms-rotation-period';
import { logGroupCustomerManagedKey } from '../rules/log-group-cmk';
import { rdsCustomerManagedKey } from '../rules/rds-cmk';
import { s3BucketCustomerManagedKey } from '../rules/s3-bucket-cmk';
import { s3BucketKeyEnabled } from '../rules/s3-bucket-key';
import { secretCustomerManagedKey } from '../rules/secret-cmk';
import { secretRotationWithin } from '../rules/secret-rotation';
import { snsCustomerManagedKey } from '../rules/sns-cmk';
import { sqsCustomerManagedKey } from '../rules/sqs-cmk';

/** The pack's options with their defaults applied, in the units the rules use. */
export interface Standard {
  readonly maxRotationDays: number;
  readonly minPendingWindowDays: number;
  readonly allowMultiRegionKeys: boolean;
  readonly allowedCrossAccountPrincipals: readonly string[];
  readonly allowedOrganizationIds: readonly string[];
  readonly maxSecretRotationDays: number;
}

/** One rule of the pack: its ID suffix, level, texts, and the check under a standard. */
export interface RuleEntry {
  /** Appended to `EncStd-`, e.g. `KMS1`. */
  readonly id: string;
  readonly level: NagMessageLevel;
  /** What is wrong, shown on every finding. */
  readonly info: string;
  /**
   * How to fix it, in one line, shown on every finding after `Fix:`. RULES.md's
   * "How to comply" column holds the same text (a test compares them).
   */
  readonly fix: string;
  /** Why it matters, with L1 details and exceptions, added with `verbose: true`. */
  readonly explanation: string;
  readonly check: (standard: Standard) => (node: CfnResource) => NagRuleResult;
}

/** What every finding says: what is wrong, then the one-line fix. */
export function findingText(entry: RuleEntry): string {
  return `${entry.info} Fix: ${entry.fix}`;
}

const FIX_CMK = 'Create a kms.Key (rotation on, RETAIN, with an alias) and pass it as the resource\'s encryption key';

/** Every rule, in the order RULES.md lists them. */
export const RULES: readonly RuleEntry[] = [
  {
    id: 'KMS1',
    level: NagMessageLevel.ERROR,
    info: 'The symmetric KMS key does not have automatic key rotation enabled.',
    fix: 'Set `enableKeyRotation: true` (L1: `EnableKeyRotation: true`).',
    explanation: 'Rotation limits how much data one key version protects and is required by most standards (CIS, PCI DSS, AWS Control Tower CT.KMS.PR.1). Set `enableKeyRotation: true` (L1: `EnableKeyRotation: true`). Asymmetric, HMAC, imported-material and custom-key-store keys cannot rotate automatically and are not checked; a replica key is judged by its primary.',
    check: () => kmsRotationEnabled,
  },
  {
    id: 'KMS2',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key rotates less often than the standard\'s maximum rotation period.',
    fix: 'Set `rotationPeriod` to at most the standard\'s `maxRotationPeriod` (L1: `RotationPeriodInDays`).',
    explanation: 'A longer period leaves more data under one key version. Set `rotationPeriod` (L1: `RotationPeriodInDays`, 365 when unset) to at most the pack\'s `maxRotationPeriod`.',
    check: s => kmsRotationPeriodAtMost(s.maxRotationDays),
  },
  {
    id: 'KMS3',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key\'s deletion waiting period is shorter than the standard\'s minimum.',
    fix: 'Set `pendingWindow` to at least the standard\'s `minPendingWindow`, or leave it unset for 30 days (L1: `PendingWindowInDays`).',
    explanation: 'Deleting a key destroys every ciphertext under it; the waiting period is the only time to notice and cancel a mistaken or malicious deletion. Set `pendingWindow` (L1: `PendingWindowInDays`, 30 when unset) to at least the pack\'s `minPendingWindow`.',
    check: s => kmsPendingWindowAtLeast(s.minPendingWindowDays),
  },
  {
    id: 'KMS4',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key is not retained when it leaves the stack (DeletionPolicy and UpdateReplacePolicy must be Retain).',
    fix: 'Use `removalPolicy: RemovalPolicy.RETAIN`, the L2 default (L1: `cfnOptions.deletionPolicy` and `cfnOptions.updateReplacePolicy` = `CfnDeletionPolicy.RETAIN`).',
    explanation: 'With Delete, removing the key from the stack, deleting the stack or a replacement schedules the key\'s deletion, and data encrypted under it becomes unreadable for good. Use `removalPolicy: RemovalPolicy.RETAIN` (L1: `cfnOptions.deletionPolicy` and `cfnOptions.updateReplacePolicy` = `CfnDeletionPolicy.RETAIN`).',
    check: () => kmsRetained,
  },
  {
    id: 'KMS5',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key policy does not keep the account-root delegation (an unconditional Allow of kms:* to the key\'s own account root).',
    fix: 'Keep a statement allowing `kms:*` on `*` to `new iam.AccountRootPrincipal()`, as kms.Key\'s default policy does.',
    explanation: 'Without it IAM policies in the account cannot grant use of the key, and a policy mistake can leave the key unmanageable (only AWS Support can recover it). Add a statement allowing `kms:*` on `*` to `new iam.AccountRootPrincipal()`, as kms.Key\'s default policy does.',
    check: () => kmsRootDelegation,
  },
  {
    id: 'KMS6',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key policy allows a * principal without an account or organization condition.',
    fix: 'Name the principals, or restrict the statement with a positive account or organization condition, e.g. `StringEquals: { \'kms:CallerAccount\': <account> }`.',
    explanation: 'A `*` principal (or `NotPrincipal`) in an Allow reaches every AWS account. Name the principals, or restrict the statement with a positive condition on `aws:PrincipalAccount`, `kms:CallerAccount`, `aws:SourceAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` (`...IfExists` and negated operators do not restrict). Deny statements with `*` principals are guard rails and are not flagged.',
    check: () => kmsNoOpenPrincipal,
  },
  {
    id: 'KMS7',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key policy allows kms:* (or *, or NotAction) to a principal other than the account root.',
    fix: 'Grant only the actions needed (`key.grantAdmin(...)`, `key.grantEncryptDecrypt(...)` or explicit action lists) and leave `kms:*` to the account root.',
    explanation: 'kms:* includes PutKeyPolicy, DisableKey and ScheduleKeyDeletion: whoever holds it owns the key. Give administrators the administrative actions and users the cryptographic actions they need (e.g. `key.grantAdmin`, `key.grantEncryptDecrypt`), and leave kms:* to the account root.',
    check: () => kmsNoWildcardActions,
  },
  {
    id: 'KMS8',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key policy grants access to an account or organization the standard does not list.',
    fix: 'Remove the grant, or once approved list the account ID or principal ARN in `allowedCrossAccountPrincipals` (organization IDs in `allowedOrganizationIds`).',
    explanation: 'Cross-account access to a key is access to the data under it. Remove the principal or condition, or, once approved, add the account ID or principal ARN to `allowedCrossAccountPrincipals` (organization IDs to `allowedOrganizationIds`). In an environment-agnostic stack every literal account ID counts as another account: give the stack an `env` or list the account.',
    check: s => kmsCrossAccountAllowed({ principals: s.allowedCrossAccountPrincipals, organizationIds: s.allowedOrganizationIds }),
  },
  {
    id: 'KMS9',
    level: NagMessageLevel.WARN,
    info: 'The KMS key has no alias in its stack.',
    fix: 'Add an alias in the key\'s stack: `key.addAlias(\'alias/<name>\')` or `new kms.Alias(...)`.',
    explanation: 'Without an alias people and tools refer to the key by its ID, mistakes are easy and rotating to a new key means changing every reference. Add one: `key.addAlias(\'alias/<name>\')` or `new kms.Alias(...)` in the same stack (L1: an AWS::KMS::Alias whose TargetKeyId refers to the key).',
    check: () => kmsAlias,
  },
  {
    id: 'KMS10',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key is a multi-Region key (or a replica), which the standard does not allow.',
    fix: 'Use a single-Region key, or set `allowMultiRegionKeys: true` where the standard permits multi-Region keys.',
    explanation: 'Multi-Region keys share key material across Regions, so data encrypted in one Region can be decrypted in another; some data-residency rules forbid that. Use single-Region keys, or set `allowMultiRegionKeys: true` where the standard permits them.',
    check: s => kmsMultiRegionAllowed(s.allowMultiRegionKeys),
  },
  {
    id: 'KMS11',
    level: NagMessageLevel.ERROR,
    info: 'The KMS key is shared with other accounts, and its policy does not deny kms:CreateGrant except for AWS resources.',
    fix: 'Add a Deny of `kms:CreateGrant` to `Principal: "*"` with `BoolIfExists: { "kms:GrantIsForAWSResource": "false" }` (CT.KMS.PR.3; this library\'s keys have it unless `restrictGrantsToAwsServices: false`).',
    explanation: 'A grant allows what it names to any grantee, in any account, without the conditions of the key policy\'s Allow statements (consumer accounts, kms:ViaService, the required encryption context); only an explicit Deny in the key policy still binds it. So a principal of the key\'s account with kms:CreateGrant in IAM can give anyone what the sharing statements withhold. Add a Deny of kms:CreateGrant to Principal "*" with `BoolIfExists: { "kms:GrantIsForAWSResource": "false" }` (AWS Control Tower CT.KMS.PR.3; `restrictGrantsToAwsServices: true`, the default of this library\'s keys).',
    check: () => kmsCrossAccountGrants,
  },
  {
    id: 'SMG1',
    level: NagMessageLevel.ERROR,
    info: 'The secret is not encrypted with a customer managed KMS key.',
    fix: 'Pass a customer managed key as `encryptionKey` (L1: `KmsKeyId`).',
    explanation: 'Without `KmsKeyId` (or with `alias/aws/secretsmanager`) the secret uses the AWS managed key, whose policy you cannot restrict and which cannot be shared across accounts. Pass `encryptionKey` to secretsmanager.Secret (L1: `KmsKeyId`).',
    check: () => secretCustomerManagedKey,
  },
  {
    id: 'SMG2',
    level: NagMessageLevel.ERROR,
    info: 'The secret has no automatic rotation within the standard\'s maximum interval.',
    fix: 'Add a rotation schedule in the same stack of at most `maxSecretRotationInterval`, e.g. `secret.addRotationSchedule(\'Rotation\', { automaticallyAfter: Duration.days(30), ... })`.',
    explanation: 'A secret that never rotates stays valid for as long as it leaks. Add a rotation schedule in the same stack (`secret.addRotationSchedule(...)`, L1: AWS::SecretsManager::RotationSchedule) with `automaticallyAfter` (`AutomaticallyAfterDays` or `ScheduleExpression`) of at most the pack\'s `maxSecretRotationInterval`.',
    check: s => secretRotationWithin(s.maxSecretRotationDays),
  },
  {
    id: 'S1',
    level: NagMessageLevel.ERROR,
    info: 'The S3 bucket\'s default encryption is not SSE-KMS with a customer managed key.',
    fix: 'Set `encryption: s3.BucketEncryption.KMS, encryptionKey: key` with a customer managed key; where a service accepts only SSE-S3 (e.g. ELB access logs), acknowledge the finding with the reason.',
    explanation: `SSE-S3 and the AWS managed aws/s3 key give no key policy to control who can read the data, and no key to revoke. ${FIX_CMK}: \`encryption: s3.BucketEncryption.KMS, encryptionKey: key\` (L1: SSEAlgorithm aws:kms with KMSMasterKeyID). Services that require SSE-S3 on their target bucket (e.g. ELB access logs) are exceptions: acknowledge the finding there with the reason.`,
    check: () => s3BucketCustomerManagedKey,
  },
  {
    id: 'S2',
    level: NagMessageLevel.WARN,
    info: 'The SSE-KMS S3 bucket does not have S3 Bucket Keys enabled.',
    fix: 'Set `bucketKeyEnabled: true` (L1: `BucketKeyEnabled: true` on the encryption rule).',
    explanation: 'Without a bucket key every object operation calls KMS: cost and KMS request quotas grow with traffic. Set `bucketKeyEnabled: true` (L1: `BucketKeyEnabled: true` on the encryption rule).',
    check: () => s3BucketKeyEnabled,
  },
  {
    id: 'DDB1',
    level: NagMessageLevel.ERROR,
    info: 'The DynamoDB table is not encrypted with a customer managed KMS key.',
    fix: 'Set `encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key` with a customer managed key (TableV2: `TableEncryptionV2.customerManagedKey(key, replicaKeyArns)`).',
    explanation: `The default AWS owned key and the AWS managed aws/dynamodb key give no key policy of your own. ${FIX_CMK}: \`encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key\` (TableV2: \`TableEncryptionV2.customerManagedKey(key, replicaKeyArns)\`; L1: SSESpecification with SSEEnabled, SSEType KMS and KMSMasterKeyId).`,
    check: () => dynamoDbCustomerManagedKey,
  },
  {
    id: 'SQS1',
    level: NagMessageLevel.ERROR,
    info: 'The SQS queue is not encrypted with a customer managed KMS key.',
    fix: 'Set `encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key` with a customer managed key.',
    explanation: `SSE-SQS and alias/aws/sqs give no key policy of your own. ${FIX_CMK}: \`encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key\` (L1: KmsMasterKeyId).`,
    check: () => sqsCustomerManagedKey,
  },
  {
    id: 'SNS1',
    level: NagMessageLevel.ERROR,
    info: 'The SNS topic is not encrypted with a customer managed KMS key.',
    fix: 'Set `masterKey: key` with a customer managed key.',
    explanation: `An unencrypted topic, or alias/aws/sns (which no other account or AWS service publisher can be granted), is not under your key policy. ${FIX_CMK}: \`masterKey: key\` (L1: KmsMasterKeyId).`,
    check: () => snsCustomerManagedKey,
  },
  {
    id: 'CWL1',
    level: NagMessageLevel.ERROR,
    info: 'The CloudWatch Logs log group is not encrypted with a customer managed KMS key.',
    fix: 'Set `encryptionKey: key` with a customer managed key whose policy allows `logs.<region>.amazonaws.com`.',
    explanation: `Logs often carry secrets and personal data; without KmsKeyId they are encrypted with a key AWS owns. ${FIX_CMK}: \`encryptionKey: key\` (L1: KmsKeyId, a key ARN), and allow the logs.<region>.amazonaws.com service principal in the key policy.`,
    check: () => logGroupCustomerManagedKey,
  },
  {
    id: 'EBS1',
    level: NagMessageLevel.ERROR,
    info: 'The EBS volume is not encrypted with a customer managed KMS key.',
    fix: 'Set `encrypted: true, encryptionKey: key` with a customer managed key.',
    explanation: `An unencrypted volume, or one under aws/ebs, is not under your key policy (and snapshots of it cannot be shared across accounts). ${FIX_CMK}: \`encrypted: true, encryptionKey: key\` (L1: Encrypted and KmsKeyId).`,
    check: () => ebsVolumeCustomerManagedKey,
  },
  {
    id: 'RDS1',
    level: NagMessageLevel.ERROR,
    info: 'The RDS DB instance or cluster is not encrypted with a customer managed KMS key.',
    fix: 'Set `storageEncryptionKey: key` with a customer managed key (an existing database needs a new, encrypted copy).',
    explanation: `Unencrypted storage, or aws/rds, is not under your key policy, and snapshots under aws/rds cannot be shared across accounts; encryption cannot be added to an existing database in place. ${FIX_CMK}: \`storageEncryptionKey: key\` (L1: StorageEncrypted and KmsKeyId). Instances of a cluster and read replicas inherit their encryption and are not checked.`,
    check: () => rdsCustomerManagedKey,
  },
  {
    id: 'EFS1',
    level: NagMessageLevel.ERROR,
    info: 'The EFS file system is not encrypted with a customer managed KMS key.',
    fix: 'Set `encrypted: true, kmsKey: key` with a customer managed key (an existing file system needs a new one).',
    explanation: `Without KmsKeyId EFS uses aws/elasticfilesystem, whose policy you do not control; encryption cannot be changed after creation. ${FIX_CMK}: \`encrypted: true, kmsKey: key\` (L1: Encrypted and KmsKeyId).`,
    check: () => efsCustomerManagedKey,
  },
  {
    id: 'KDS1',
    level: NagMessageLevel.ERROR,
    info: 'The Kinesis data stream is not encrypted with a customer managed KMS key.',
    fix: 'Set `encryption: kinesis.StreamEncryption.KMS, encryptionKey: key` with a customer managed key.',
    explanation: `An unencrypted stream, or alias/aws/kinesis, is not under your key policy. ${FIX_CMK}: \`encryption: kinesis.StreamEncryption.KMS, encryptionKey: key\` (L1: StreamEncryption with EncryptionType KMS and KeyId).`,
    check: () => kinesisCustomerManagedKey,
  },
];
