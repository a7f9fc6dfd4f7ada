import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { invalidProp, rotationDaysOf } from './validate';
import { AssuranceOptions } from '../key-options';
import { EncryptionMonitor } from '../monitoring/encryption-monitor';
import { RotationVerification } from '../rotation-verification/rotation-verification';

/** What `assureKey` set up for a key. */
export interface KeyAssurance {
  readonly rotationVerification?: RotationVerification;
  readonly monitor?: EncryptionMonitor;
}

/** The context keys (cdk.json `context`, or `cdk synth -c`) that set each check's app-wide default. */
export const ASSURANCE_CONTEXT_KEYS: { readonly [K in keyof Required<AssuranceOptions>]: string } = {
  verifyRotation: 'cdk-kms-patterns:verifyRotation',
  monitoring: 'cdk-kms-patterns:monitoring',
};

/**
 * The one place the checks' defaults are decided, for every key and secret construct: the
 * construct's own option, else the app's context key, else on. A context value must be a
 * boolean (or the string "true" or "false", as `cdk synth -c key=false` passes it): anything
 * else fails, rather than silently leaving a check on or off.
 */
export function resolveAssurance(scope: IConstruct, options: AssuranceOptions): Required<AssuranceOptions> {
  const decide = (option: keyof AssuranceOptions): boolean => {
    if (options[option] !== undefined) {
      return options[option]!;
    }
    const contextKey = ASSURANCE_CONTEXT_KEYS[option];
    const value: unknown = scope.node.tryGetContext(contextKey);
    if (value === undefined || value === true || value === 'true') {
      return true;
    }
    if (value === false || value === 'false') {
      return false;
    }
    return invalidProp(scope, contextKey, value,
      `(the app-wide default of \`${option}\`, a context value) must be true or false`);
  };
  return { verifyRotation: decide('verifyRotation'), monitoring: decide('monitoring') };
}

/**
 * The one place the key constructs turn on their default checks: a `RotationVerification`
 * of the key (a child of `scope`, held to the key's own rotation period) and the stack's
 * `EncryptionMonitor`, which also watches the key's alias (`aliasName`) by name. Each is on
 * unless its option, or the app's default (`resolveAssurance`), is false.
 */
export function assureKey(scope: Construct, key: kms.IKey, options: AssuranceOptions & { readonly rotationPeriod?: Duration },
  aliasName?: string): KeyAssurance {
  const checks = resolveAssurance(scope, options);
  let rotationVerification: RotationVerification | undefined;
  if (checks.verifyRotation) {
    rotationVerification = new RotationVerification(scope, 'RotationVerification');
    // The key must rotate at least as often as it was configured to. The construct's key
    // factory validated `rotationPeriod` where the user gave it: no second check here.
    rotationVerification._addKey(key, rotationDaysOf(options.rotationPeriod));
  }
  let monitor: EncryptionMonitor | undefined;
  if (checks.monitoring) {
    monitor = EncryptionMonitor.of(scope);
    monitor.monitorKey(key, aliasName);
  }
  return { rotationVerification, monitor };
}

/** The metrics a monitored construct exposes, all from its monitor: three of keys, two of secrets. */
export type MonitorMetric = 'DeniedDecrypts' | 'DeniedKeyCalls' | 'KeyLifecycleEvents' | 'RotationFailures' | 'RotationOverdue';

/**
 * A metric of the monitor watching `scope`'s key or secret. The monitor counts per rule,
 * not per key, so the metric covers everything that monitor watches: that is what keeps
 * the thousandth key free of new metrics and alarms.
 */
export function monitorMetric(scope: Construct, monitor: EncryptionMonitor | undefined, metric: MonitorMetric,
  options?: cloudwatch.MetricOptions): cloudwatch.Metric {
  if (!monitor) {
    const watched = metric.startsWith('Rotation') ? 'secret' : 'key';
    invalidProp(scope, 'monitoring', false, `must be on (the default) for metric${metric}(): the ${watched} has no monitor`);
  }
  switch (metric) {
    case 'DeniedDecrypts': return monitor.metricDeniedDecrypts(options);
    case 'DeniedKeyCalls': return monitor.metricDeniedKeyCalls(options);
    case 'KeyLifecycleEvents': return monitor.metricKeyLifecycleEvents(options);
    case 'RotationFailures': return monitor.metricRotationFailures(options);
    case 'RotationOverdue': return monitor.metricRotationOverdue(options);
  }
}
