import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The options every key in this library shares. Their defaults are the safe ones;
 * each opt-out is explicit.
 */
export interface SafeKeyOptions {
  /**
   * A description of the key, shown in the KMS console.
   * @default - a description naming the construct and its purpose
   */
  readonly description?: string;

  /**
   * Principals that administer the key: they may change its policy, rotation,
   * state, aliases and tags, and schedule its deletion, but may not encrypt,
   * decrypt or generate data keys with it.
   * @default - no administrators besides the account, through IAM
   */
  readonly admins?: iam.IPrincipal[];

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
   * A grant outlives the key policy that allowed it; turn this off only when a
   * principal of yours must create grants itself.
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
