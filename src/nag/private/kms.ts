import { CfnResource, Stack } from 'aws-cdk-lib';
import { RenderedResource, findResource, referencedLogicalId, render } from './template';

export const KEY = 'AWS::KMS::Key';
export const REPLICA_KEY = 'AWS::KMS::ReplicaKey';

/** AWS::KMS::Key or AWS::KMS::ReplicaKey: the resources the KMS rules judge. */
export function isKmsKey(node: CfnResource): boolean {
  return node.cfnResourceType === KEY || node.cfnResourceType === REPLICA_KEY;
}

/**
 * KMS's bounds, and its defaults when the template leaves these out: `RotationPeriodInDays`
 * ("EnableKeyRotation") and `PendingWindowInDays` ("ScheduleKeyDeletion", AWS KMS API
 * Reference). The library keeps the same numbers in src/private/bounds.ts; the pack imports
 * nothing outside nag/, so it has its own copy, and test/private/bounds.test.ts ties the two.
 */
export const ROTATION_PERIOD_DAYS = { min: 90, max: 2560, default: 365 } as const;
export const PENDING_WINDOW_DAYS = { min: 7, max: 30, default: 30 } as const;
/** Secrets Manager's longest rotation interval, in days (`RotationRulesType`: `AutomaticallyAfterDays` 1 to 1000). */
export const MAX_SECRET_ROTATION_DAYS = 1000;

/**
 * The key whose rotation settings govern `node`: the key itself, or for a replica its
 * primary key when the primary is a key of the same stack. A replica shares its
 * primary's key material and rotation; a primary elsewhere is judged where it is
 * defined, so this returns undefined (the rules answer N/A).
 */
export function rotationSource(node: CfnResource): RenderedResource | undefined {
  if (node.cfnResourceType === KEY) {
    return render(node);
  }
  const stack = Stack.of(node);
  const primaryArn = render(node).properties.PrimaryKeyArn;
  const logicalId = referencedLogicalId(primaryArn);
  const primary = logicalId === undefined ? undefined : findResource(stack, logicalId);
  return primary?.cfnResourceType === KEY ? render(primary) : undefined;
}

/**
 * Whether KMS can rotate this key automatically: symmetric encryption keys
 * (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`) with KMS-generated material. Asymmetric,
 * HMAC, imported-material and custom-key-store keys cannot. Undefined when the
 * template leaves it to a token.
 */
export function rotationApplies(key: RenderedResource): boolean | undefined {
  const { KeySpec: spec, KeyUsage: usage, Origin: origin } = key.properties;
  if ([spec, usage, origin].some(v => v !== undefined && typeof v !== 'string')) {
    return undefined;
  }
  return (spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT'
    && (usage ?? 'ENCRYPT_DECRYPT') === 'ENCRYPT_DECRYPT'
    && (origin ?? 'AWS_KMS') === 'AWS_KMS';
}
