import { CustomResource, Duration, Lazy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEFAULT_PENDING_WAIT_SECONDS } from './checks';
import type { VerificationAttributes, VerificationProperties } from './checks';
import { DailyRotationCheck } from './daily-rotation-check';
import { RotationVerificationNetwork, RotationVerificationProvider, validateNetwork } from './provider';
import { KEY_ROTATION_DAYS, ROTATION_GRACE, SECRET_ROTATION_INTERVAL } from '../private/bounds';
import { recordFootprint } from '../private/footprint';
import { LIBRARY_NAME_PASCAL } from '../private/names';
import { invalidProp, validateGraceHours, validateKeyRotationPeriod, validateSecretRotationInterval } from '../private/validate';

/**
 * Properties for a `RotationVerification`. Its network (`vpc`, `vpcSubnets`,
 * `securityGroups`) is the network of the stack's one provider: the first verification
 * made decides it, and a later one may only repeat it (or give none). To place the
 * verifications that constructs make (`TenantKey`, `RotatedSecret`, ...), call
 * `RotationVerification.useNetwork` before them.
 */
export interface RotationVerificationProps extends RotationVerificationNetwork {
  /**
   * KMS keys whose automatic rotation must be on, at most every `maxKeyRotationPeriod`.
   * More can be added with `addKey`.
   * @default - no keys
   */
  readonly keys?: kms.IKey[];

  /**
   * Secrets whose rotation must be on, scheduled at most every
   * `maxSecretRotationInterval`, and not overdue. More can be added with `addSecret`.
   * @default - no secrets
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * The longest acceptable key rotation period (90 to 2560 days).
   * @default Duration.days(365)
   */
  readonly maxKeyRotationPeriod?: Duration;

  /**
   * The longest acceptable secret rotation interval (4 hours to 1000 days).
   * @default Duration.days(30)
   */
  readonly maxSecretRotationInterval?: Duration;

  /**
   * How far past its interval a secret's last rotation may lie before the secret
   * counts as overdue (a failing rotation), in whole hours.
   * @default Duration.days(1)
   */
  readonly rotationGracePeriod?: Duration;

  /**
   * Rotate each secret during the deployment and wait until its `AWSCURRENT` version
   * changes: proof that the rotation function works, at the price of a rotation on
   * every create and every change of this resource's properties.
   * @default false
   */
  readonly testRotation?: boolean;

  /**
   * Fail updates, not only creates, when a check fails. CloudFormation's rollback
   * re-sends an update with the old properties; if the check fails that one too, the
   * stack ends in UPDATE_ROLLBACK_FAILED. Without strict mode an update reports its
   * findings (the `findings` attribute and a WARN log line) and succeeds.
   * @default false
   */
  readonly strict?: boolean;

  /**
   * How long a create or update waits for a rotation it did not start (a version already
   * holds `AWSPENDING`: typically a new secret's first rotation, which the rotation
   * schedule starts at once) before it reports the secret, naming its rotation function
   * and the function's log group. A failing first rotation then fails the create in
   * minutes, not after the whole wait. At most 12 minutes (the wait for `testRotation`).
   * @default Duration.minutes(3)
   */
  readonly pendingRotationWait?: Duration;

  /**
   * Check the same keys and secrets every day after the deployment too: each one is
   * registered with the stack's `DailyRotationCheck`, which runs these checks on a
   * schedule and alarms on what they find, or when it stops running. Without it, a
   * rotation that starts failing after the deployment (an expired database password, a
   * deleted rotation function) goes unnoticed until it is read.
   * @default true
   */
  readonly checkDaily?: boolean;
}

/** Options for one secret added with `addSecret`. */
export interface VerifiedSecretOptions {
  /**
   * The longest acceptable rotation interval for this secret.
   * @default - the verification's `maxSecretRotationInterval`
   */
  readonly maxRotationInterval?: Duration;

  /**
   * Rotate this secret during the deployment and wait for `AWSCURRENT` to change.
   * @default - the verification's `testRotation`
   */
  readonly testRotation?: boolean;

  /**
   * The secret's rotation function. With `testRotation`, `RotateSecret` requires the
   * caller to be allowed to invoke it; name it here to get that permission, scoped to
   * this function. Not needed for hosted rotation.
   * @default - no invoke permission
   */
  readonly rotationLambda?: lambda.IFunction;
}

/**
 * Proves at deploy time that rotation is on: a custom resource that, on create and
 * update, checks each key's `GetKeyRotationStatus` and each secret's `DescribeSecret`
 * (and optionally rotates the secret and waits for it). A failed check fails a create
 * with a message naming the key or secret; an update fails only in `strict` mode;
 * a delete never fails.
 *
 * One provider (its Lambda functions, roles and waiter state machine) serves every
 * verification in a stack; each verification adds only its custom resource and the
 * ARNs it checks to the provider's policy. Add a dependency on whatever makes
 * rotation true (a rotation schedule) so the check runs after it:
 * `verification.node.addDependency(schedule)`.
 *
 * @example
 * const verification = new RotationVerification(this, 'Verify', { keys: [key], secrets: [secret] });
 * verification.node.addDependency(schedule);
 */
export class RotationVerification extends Construct {
  /**
   * Run the stack's rotation verification in `network`: the one provider that every
   * `RotationVerification` of the stack shares, including those the key constructs and
   * `RotatedSecret` make by default. Call it before the first of them, where the
   * organisation requires every Lambda function in a VPC (the Control Tower control
   * CT.LAMBDA.PR.3).
   *
   * @example
   * RotationVerification.useNetwork(this, { vpc });
   * new TenantKey(this, 'AcmeKey', { tenantId: 'acme' }); // verified from inside the VPC
   */
  public static useNetwork(scope: Construct, network: RotationVerificationNetwork): void {
    validateNetwork(scope, network);
    RotationVerificationProvider.of(scope, network);
  }

  /** `PASSED`, or `FINDINGS` when an update found problems it did not fail on. */
  public readonly status: string;
  /** What an update found and did not fail on; empty when all passed. */
  public readonly findings: string;

  private readonly provider: RotationVerificationProvider;
  private readonly resource: CustomResource;
  private readonly keys: Array<VerificationProperties['Keys'][number]> = [];
  private readonly secrets: Array<VerificationProperties['Secrets'][number]> = [];
  private readonly maxKeyRotationDays: number;
  private readonly maxSecretRotation: Duration;
  private readonly graceHours: number;
  private readonly testRotation: boolean;
  private readonly checkDaily: boolean;

  constructor(scope: Construct, id: string, props: RotationVerificationProps = {}) {
    super(scope, id);
    recordFootprint(this);
    this.maxKeyRotationDays = validateKeyRotationPeriod(this, 'maxKeyRotationPeriod', props.maxKeyRotationPeriod) ?? KEY_ROTATION_DAYS.default;
    validateSecretRotationInterval(this, 'maxSecretRotationInterval', props.maxSecretRotationInterval);
    this.maxSecretRotation = props.maxSecretRotationInterval ?? Duration.days(SECRET_ROTATION_INTERVAL.defaultDays);
    const grace = props.rotationGracePeriod ?? Duration.days(ROTATION_GRACE.defaultDays);
    validateGraceHours(this, 'rotationGracePeriod', grace);
    this.graceHours = grace.toHours();
    this.testRotation = props.testRotation ?? false;
    this.checkDaily = props.checkDaily ?? true;
    const pendingWait = props.pendingRotationWait ?? Duration.seconds(DEFAULT_PENDING_WAIT_SECONDS);
    if (!pendingWait.isUnresolved() && (pendingWait.toSeconds() < 0 || pendingWait.toSeconds() > RotationVerificationProvider.WAIT.toSeconds())) {
      invalidProp(this, 'pendingRotationWait', pendingWait.toHumanString(), `must be between 0 seconds and ${RotationVerificationProvider.WAIT.toHumanString()}`);
    }
    validateNetwork(this, props);
    this.provider = RotationVerificationProvider.of(this, { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups });

    // Named as the handler reads them (checks.ts); the lists fill until synthesis.
    const properties: { readonly [K in keyof VerificationProperties]: unknown } = {
      Keys: Lazy.any({ produce: () => this.keys }, { omitEmptyArray: false }),
      Secrets: Lazy.any({ produce: () => this.secrets }, { omitEmptyArray: false }),
      Strict: props.strict ?? false,
      WaitSeconds: RotationVerificationProvider.WAIT.toSeconds(),
      PendingWaitSeconds: pendingWait.toSeconds(),
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: `Custom::${LIBRARY_NAME_PASCAL}RotationVerification`,
      properties,
    });
    // The scoped permissions must exist before the check runs.
    resource.node.addDependency(this.provider.policy);
    this.resource = resource;
    const attribute = (name: keyof VerificationAttributes): string => resource.getAttString(name);
    this.status = attribute('Status');
    this.findings = attribute('Findings');
    this.node.addValidation({
      validate: () => this.keys.length + this.secrets.length === 0
        ? [`${this.node.path}: a RotationVerification needs at least one key or secret (props \`keys\`, \`secrets\`, or addKey/addSecret)`]
        : [],
    });

    for (const key of props.keys ?? []) {
      this._addKey(key, this.maxKeyRotationDays);
    }
    for (const secret of props.secrets ?? []) {
      this._addSecret(secret);
    }
  }

  /**
   * Verify that `key` rotates automatically, at most every `maxRotationPeriod`.
   * @param maxRotationPeriod the longest acceptable period; default: the verification's `maxKeyRotationPeriod`
   */
  public addKey(key: kms.IKey, maxRotationPeriod?: Duration): void {
    this._addKey(key, validateKeyRotationPeriod(this, 'maxRotationPeriod', maxRotationPeriod) ?? this.maxKeyRotationDays);
  }

  /**
   * `addKey` with a period in days that the caller has validated: the library's constructs
   * validate their props once, where the user gives them.
   * @internal
   */
  public _addKey(key: kms.IKey, maxRotationDays: number): void {
    this.keys.push({ KeyId: key.keyArn, MaxRotationPeriodDays: maxRotationDays });
    this.allow('kms:GetKeyRotationStatus', key.keyArn);
    if (this.checkDaily) {
      DailyRotationCheck.of(this)._addKey(key, maxRotationDays);
    }
  }

  /** Verify that `secret` rotates, on schedule, with a rotation function, and is not overdue. */
  public addSecret(secret: secretsmanager.ISecret, options: VerifiedSecretOptions = {}): void {
    validateSecretRotationInterval(this, 'maxRotationInterval', options.maxRotationInterval);
    this._addSecret(secret, options);
  }

  /**
   * `addSecret` with options that the caller has validated: the library's constructs
   * validate their props once, where the user gives them.
   * @internal
   */
  public _addSecret(secret: secretsmanager.ISecret, options: VerifiedSecretOptions = {}): void {
    const interval = options.maxRotationInterval ?? this.maxSecretRotation;
    const testRotation = options.testRotation ?? this.testRotation;
    // A secret imported by name has a partial ARN; its full ARN adds six random characters.
    const arn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
    this.secrets.push({
      SecretId: secret.secretArn,
      MaxRotationIntervalHours: interval.toHours(),
      GraceHours: this.graceHours,
      TestRotation: testRotation,
    });
    this.allow('secretsmanager:DescribeSecret', arn);
    if (this.checkDaily) {
      DailyRotationCheck.of(this)._addSecret(secret, interval.toHours(), this.graceHours);
    }
    if (testRotation) {
      this.allow('secretsmanager:RotateSecret', arn);
      if (options.rotationLambda) {
        this.allow('lambda:InvokeFunction', options.rotationLambda.functionArn);
      }
    }
  }

  /** Grant the provider `action` on `resource`; the check runs once the policy that holds it exists. */
  private allow(action: string, resource: string): void {
    this.resource.node.addDependency(this.provider.allow(action, resource));
  }
}
