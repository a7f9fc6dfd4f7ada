import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { AssuranceOptions } from './key-options';
import { EncryptionMonitor } from './monitoring/encryption-monitor';
import { requireMonitor, resolveAssurance } from './private/assurance';
import { SecureKey } from './private/secure-key';
import { rotationDaysOf } from './private/validate';
import { RotationVerification } from './rotation-verification/rotation-verification';

/** What a key construct exposes, set once by `_initializeKey`. */
interface KeyParts {
  readonly key: kms.IKey;
  readonly alias: kms.IAlias;
  readonly aliasName: string;
  readonly rotationVerification?: RotationVerification;
  monitor?: EncryptionMonitor;
  /** Whose `monitoring` decided the monitor: the construct, or the fleet that made it. */
  monitoringOwner: IConstruct;
}

/**
 * The shape every key construct of the library shares (`TenantKey`, `SharedTenantKey`,
 * `CrossAccountDecryptKey`, `MultiRegionKeySet`), in the spirit of aws-cdk-lib's `KeyBase`:
 * the key, its alias, their names, and the checks that run on it by default
 * (`AssuranceOptions`): a `RotationVerification` that proves at deploy time that the key
 * rotates, and the stack's `EncryptionMonitor`, whose metrics the construct passes through.
 *
 * The checks are wired here, above the monitor and the verification, so neither of them
 * (nor `private/`) depends on the constructs. Their defaults are decided in one place,
 * `resolveAssurance` (see docs/decisions/0003-checks-on-by-default.md).
 *
 * Not meant to be extended outside this library: a subclass must call the internal
 * initializer, which is not part of the public API.
 */
export abstract class KeyConstructBase extends Construct {
  private parts!: KeyParts;

  /**
   * The KMS key, safe to hand to any construct: its `grant*` methods (which aws-cdk-lib's
   * S3, SQS and Secrets Manager grants call) grant as the construct's own grants do, and
   * refuse at synth what the key policy would deny. Each construct's docs say how.
   */
  public get key(): kms.IKey {
    return this.parts.key;
  }

  /** The key's alias. */
  public get alias(): kms.IAlias {
    return this.parts.alias;
  }

  /** The ARN of the key. */
  public get keyArn(): string {
    return this.parts.key.keyArn;
  }

  /** The ID of the key. */
  public get keyId(): string {
    return this.parts.key.keyId;
  }

  /** The alias name, `alias/` included. */
  public get aliasName(): string {
    return this.parts.aliasName;
  }

  /**
   * The deploy-time check that the key rotates.
   * @default - none when `verifyRotation` is false
   */
  public get rotationVerification(): RotationVerification | undefined {
    return this.parts.rotationVerification;
  }

  /**
   * The monitor that watches the key: the stack's, or the fleet's for a key of a `TenantKeyFleet`.
   * @default - none when `monitoring` is false
   */
  public get monitor(): EncryptionMonitor | undefined {
    return this.parts.monitor;
  }

  /**
   * Refused `kms:Decrypt` calls counted by the monitor watching this key, over every key
   * it watches (it counts per rule, not per key, so the thousandth key adds no metric).
   * Requires `monitoring`.
   */
  public metricDeniedDecrypts(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.watchingMonitor('metricDeniedDecrypts').metricDeniedDecrypts(options);
  }

  /** Refused KMS calls of any operation, counted like `metricDeniedDecrypts`. Requires `monitoring`. */
  public metricDeniedKeyCalls(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.watchingMonitor('metricDeniedKeyCalls').metricDeniedKeyCalls(options);
  }

  /** DisableKey, ScheduleKeyDeletion and PutKeyPolicy calls, counted like `metricDeniedDecrypts`. Requires `monitoring`. */
  public metricKeyLifecycleEvents(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.watchingMonitor('metricKeyLifecycleEvents').metricKeyLifecycleEvents(options);
  }

  /**
   * Sets what the construct exposes and turns on the default checks of `made.key`: a
   * `RotationVerification` (a child of this construct, held to the key's own rotation
   * period) and the stack's `EncryptionMonitor`, which also watches the alias by name.
   * Each is on unless its option, or the app's default (`resolveAssurance`), is false.
   *
   * @param made the key and alias the construct made
   * @param options the construct's props
   * @param exposed the `key` the construct hands out (a guarded facade of `made.key`)
   * @param aliasName the alias name to expose and monitor
   * @internal
   */
  protected _initializeKey(made: SecureKey, options: AssuranceOptions & { readonly rotationPeriod?: Duration },
    exposed: kms.IKey = made.key, aliasName: string = made.alias.aliasName): void {
    const checks = resolveAssurance(this, options);
    let rotationVerification: RotationVerification | undefined;
    if (checks.verifyRotation) {
      rotationVerification = new RotationVerification(this, 'RotationVerification');
      // The key must rotate at least as often as it was configured to. The key factory
      // validated `rotationPeriod` where the user gave it: no second check here.
      rotationVerification._addKey(made.key, rotationDaysOf(options.rotationPeriod));
    }
    let monitor: EncryptionMonitor | undefined;
    if (checks.monitoring) {
      monitor = EncryptionMonitor.of(this);
      monitor.monitorKey(made.key, aliasName);
    }
    this.parts = { key: exposed, alias: made.alias, aliasName, rotationVerification, monitor, monitoringOwner: this };
  }

  /**
   * Hands the key's watching to `owner`'s monitor (a fleet's, one for all its keys), or
   * to none when `owner`'s `monitoring` is off. The key must have been made without a monitor.
   * The alias goes with the key: a monitor that lists what it watches pages on an alias
   * moved to another key only for the aliases it lists.
   * @internal
   */
  public _watchBy(owner: IConstruct, monitor: EncryptionMonitor | undefined): void {
    monitor?.monitorKey(this.key, this.aliasName);
    this.parts.monitor = monitor;
    this.parts.monitoringOwner = owner;
  }

  private watchingMonitor(method: string): EncryptionMonitor {
    const owner = this.parts.monitoringOwner;
    return requireMonitor(owner, this.parts.monitor, owner === this
      ? `${method}(): the key has no monitor`
      : `${method}() of its keys (${this.node.path}): they are watched by its monitor, and it has none`);
  }
}
