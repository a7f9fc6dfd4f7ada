import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Who may manage a key: change its policy, disable it, schedule its deletion, tag it, or
 * move its alias. Every key of the library denies those actions to everyone else, whatever
 * their IAM policies say (`restrictKeyManagement`).
 *
 * Set them on a construct, or for every key of a stack, the library's own keys included,
 * with `KeyManagement.setStackDefaults(stack, options)`; each option given on a construct
 * replaces the stack's.
 */
export interface KeyManagementOptions {
  /**
   * IAM roles and users that administer the key: they may change its policy, rotation,
   * state, aliases and tags, and schedule its deletion, but may not encrypt, decrypt or
   * generate data keys with it. They are the key's managers, besides the role that deploys
   * the stack and the account root.
   *
   * The key-management Deny names them by `aws:PrincipalArn`, which carries the role's
   * path. A role or user imported by name (`Role.fromRoleName`) or by an ARN without a path
   * is matched there under any path, as `role/<name>` and `role/<any path>/<name>`: names
   * are unique in an account, so that is still the one identity. The administrator
   * statement, though, names the ARN as given, and a key policy may name only principals
   * that exist: give a role with a path by its full ARN (`Role.fromRoleArn`).
   * @default - none: the role that deploys the stack and the account root are the only
   * managers of the key (an info annotation says so at synth)
   */
  readonly admins?: iam.IPrincipal[];

  /**
   * Names of IAM Identity Center permission sets whose roles in the key's account manage the
   * key, as `admins` do. IAM Identity Center names those roles
   * `role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<name>_<suffix>`, with a
   * suffix that changes whenever the permission set is re-assigned, so they are matched by
   * pattern. The roles' own permissions come from the permission set (through the account-root
   * statement); this only exempts them from the key-management Deny. A permission set named
   * `<name>_<more>` matches the pattern too: give managing permission sets distinct names.
   * @default - no permission set
   */
  readonly adminPermissionSets?: string[];

  /**
   * The role CloudFormation deploys the stack with: it creates and updates the key, so it
   * must stay one of the key's managers, or the next deployment fails (KMS's lockout safety
   * check refuses a policy that would deny its own caller `PutKeyPolicy`).
   *
   * Give it when the app cannot know the role: with `CliCredentialsStackSynthesizer`,
   * `LegacyStackSynthesizer` or a custom synthesizer (synth then fails without it), and
   * whenever the stack is deployed by another role than its synthesizer's: `cdk deploy
   * --role-arn`, CloudFormation StackSets, Service Catalog.
   * @default - the synthesizer's CloudFormation execution role (`DefaultStackSynthesizer`:
   * the bootstrap's `cdk-<qualifier>-cfn-exec-role-<account>-<region>`)
   */
  readonly deploymentRole?: iam.IRole;

  /**
   * Deny key management (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, `kms:DisableKey`,
   * `kms:DisableKeyRotation`, `kms:UpdateKeyDescription`, tagging, `kms:CreateAlias`,
   * `kms:UpdateAlias`, `kms:DeleteAlias`, `kms:RevokeGrant`, `kms:ReplicateKey`,
   * `kms:UpdatePrimaryRegion`) to every principal except the key's managers: `admins`,
   * `adminPermissionSets`, the deploying role and the account root. Without it, anyone with
   * `kms:*` in IAM can rewrite the key policy, disable the key, or point its alias at a key
   * of their own.
   *
   * Turn it off only where the deploying role cannot be named, as a last resort: KMS's
   * lockout safety check tests only the caller, so a Deny naming the wrong role leaves a key
   * that no later deployment can update.
   * @default true
   */
  readonly restrictKeyManagement?: boolean;
}

/**
 * The options every key in this library shares. Their defaults are the safe ones;
 * each opt-out is explicit.
 */
export interface SafeKeyOptions extends KeyManagementOptions {
  /**
   * A description of the key, shown in the KMS console.
   * @default - a description naming the construct and its purpose
   */
  readonly description?: string;

  /**
   * How often KMS rotates the key material automatically, between 90 and 2560 days.
   * Rotation is always on: the Control Tower control CT.KMS.PR.1 refuses keys without it.
   * @default Duration.days(365)
   */
  readonly rotationPeriod?: Duration;

  /**
   * How long KMS waits before deleting the key after deletion is scheduled,
   * between 7 and 30 days. The longest window gives the most time to notice a
   * mistaken deletion before the data encrypted under the key is lost for good.
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;

  /**
   * What happens to the key when it leaves the stack. Deleting a key makes every
   * ciphertext under it unreadable, so keys are retained unless you say otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Deny `kms:CreateGrant` unless the grant is for an AWS resource
   * (`kms:GrantIsForAWSResource`) or comes from an AWS service
   * (`aws:PrincipalIsAWSService`), as the Control Tower control CT.KMS.PR.3 requires.
   * A grant outlives the key policy that allowed it and escapes the conditions of its
   * Allow statements (only a Deny still binds it); turn this off only when a principal
   * of yours must create grants itself. On a `CrossAccountDecryptKey`, which has no
   * principal Deny, turning it off lets a grant made in the key's account reach any
   * principal, in any account, outside the consumer restrictions (nag rule EncStd-KMS11).
   * @default true
   */
  readonly restrictGrantsToAwsServices?: boolean;
}

/**
 * The checks every key and secret construct of the library runs by default: a deploy-time
 * proof that rotation is on, and alarms for what goes wrong afterwards. Each is on unless
 * you turn it off.
 */
export interface AssuranceOptions {
  /**
   * Prove at deploy time, with a `RotationVerification`, that the key's automatic rotation
   * is on (and, for a secret, that its rotation is on and on schedule). A failed check fails
   * the create; an update reports its findings without failing.
   *
   * The verification adds one custom resource per construct, and one provider per stack
   * (Lambda functions outside a VPC: the Control Tower control CT.LAMBDA.PR.3 flags them).
   * To run the provider in a VPC, call `RotationVerification.useNetwork(stack, { vpc })`
   * before the constructs.
   *
   * The app-wide default is the context key `cdk-kms-patterns:verifyRotation` (`true` or
   * `false`, in cdk.json or with `cdk synth -c`).
   * @default - the context key `cdk-kms-patterns:verifyRotation`, else true
   */
  readonly verifyRotation?: boolean;

  /**
   * Watch the key (and the secret) with the stack's `EncryptionMonitor`
   * (`EncryptionMonitor.of(stack)`): alarms for refused decrypts, for disabling, scheduling
   * the deletion of or replacing the policy of the key, and for failed or overdue rotations.
   *
   * The stack's monitor is the first `EncryptionMonitor` created in it. When there is none,
   * one is made with default properties except its trail: it relies on the trail the account
   * already has (`MonitorTrail.existing()`, such as the organisation trail of AWS Control
   * Tower). Without a trail EventBridge receives no CloudTrail events and the alarms stay
   * silent: then create `new EncryptionMonitor(stack, 'EncryptionMonitor')`, which creates
   * one trail per app, before the constructs.
   *
   * The app-wide default is the context key `cdk-kms-patterns:monitoring` (`true` or
   * `false`, in cdk.json or with `cdk synth -c`).
   * @default - the context key `cdk-kms-patterns:monitoring`, else true
   */
  readonly monitoring?: boolean;
}

/**
 * How consumers may use a `CrossAccountDecryptKey`: the key policy enforces these, and
 * the consumer's IAM statement (`consumerPolicyStatement()`, `grantConsumer`) repeats them.
 */
export interface CrossAccountConsumerOptions {
  /**
   * `kms:ViaService` endpoints (`<service>.<region>.amazonaws.com`, e.g.
   * `s3.eu-west-1.amazonaws.com`) that every consumer call must come through. Stops a
   * consumer principal that holds ciphertext (an object's encrypted data key, a copied
   * blob) from decrypting it with a direct KMS call, outside the service's own access
   * control: the bucket, queue or secret policy then decides what it can read.
   * @default - consumers may also call KMS directly
   */
  readonly viaServices?: string[];

  /**
   * Encryption-context pairs every consumer `kms:Decrypt` (and `kms:ReEncryptFrom`) must
   * carry. Stops a consumer from using the key as a decryption oracle for every other
   * ciphertext under it: only ciphertext the producer made for sharing, under this
   * context, can be decrypted. An encryption context is no secret and no access control
   * by itself; it binds what may be decrypted, not who may. AWS services set their own
   * context, so with `viaServices` only the services' own keys (e.g. `aws:s3:arn` for S3,
   * `SecretARN` for Secrets Manager) can be required; other combinations are rejected.
   * Cannot be combined with `allowReEncryptFrom` (see there).
   * @default - no encryption context is required
   */
  readonly requiredEncryptionContext?: { [key: string]: string };

  /**
   * Also allow `kms:ReEncryptFrom`, so a consumer can move ciphertext under this key to
   * a key of its own without seeing the plaintext. Cannot be combined with
   * `requiredEncryptionContext`: AWS does not document whether encryption-context
   * conditions on ReEncrypt judge the source or the destination context, so the
   * required context might bind only the consumer's own destination and leave every
   * ciphertext under the key open to re-encryption.
   * @default false
   */
  readonly allowReEncryptFrom?: boolean;

  /**
   * The preset for shared encrypted EBS snapshots, RDS snapshots and AMIs, which consumers
   * copy or launch through EC2 and RDS: adds `kms:ReEncryptFrom`, `kms:ReEncryptTo`,
   * `kms:GenerateDataKeyWithoutPlaintext` and `kms:CreateGrant` (only with
   * `kms:GrantIsForAWSResource` = true, so a grant can only be for an AWS resource, and
   * the CreateGrant guard rail stays in force). It lets consumers produce ciphertext under
   * the key (re-encrypted volumes), which plain decrypt sharing never does. Cannot be
   * combined with `requiredEncryptionContext`.
   * @default false
   */
  readonly allowSnapshotAndAmiSharing?: boolean;
}
