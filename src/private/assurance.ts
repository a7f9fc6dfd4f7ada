import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { invalidProp } from './validate';
import { AssuranceOptions } from '../key-options';
import { EncryptionMonitor } from '../monitoring/encryption-monitor';
import { RotationVerification } from '../rotation-verification/rotation-verification';

/** What `assureKey` set up for a key. */
export interface KeyAssurance {
  readonly rotationVerification?: RotationVerification;
  readonly monitor?: EncryptionMonitor;
}

/**
 * The one place the key constructs turn on their default checks: a `RotationVerification`
 * of the key (a child of `scope`, held to the key's own rotation period) and the stack's
 * `EncryptionMonitor`, which also watches the key's alias (`aliasName`) by name. Each is
 * skipped only when its option is explicitly false.
 */
export function assureKey(scope: Construct, key: kms.IKey, options: AssuranceOptions & { readonly rotationPeriod?: Duration },
  aliasName?: string): KeyAssurance {
  let rotationVerification: RotationVerification | undefined;
  if (options.verifyRotation ?? true) {
    rotationVerification = new RotationVerification(scope, 'RotationVerification', {
      // The key must rotate at least as often as it was configured to.
      maxKeyRotationPeriod: options.rotationPeriod,
    });
    rotationVerification.addKey(key);
  }
  let monitor: EncryptionMonitor | undefined;
  if (options.monitoring ?? true) {
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
