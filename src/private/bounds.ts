// Every bound and default of the library's props, once. No imports, so anything can read
// them: the constructs, the rotation verification, the monitor, and a Lambda handler.
// The nag pack (src/nag/) keeps its own copies on purpose (it must judge apps that never
// used this library); test/private/bounds.test.ts ties its numbers, and the `@default`
// lines of the public props, to these.

/**
 * A KMS key's automatic rotation period, in days. "EnableKeyRotation" (AWS KMS API
 * Reference): `RotationPeriodInDays` is 90 to 2560, 365 when not given, which the library
 * keeps as its default.
 */
export const KEY_ROTATION_DAYS = { min: 90, max: 2560, default: 365 } as const;

/**
 * How long KMS waits before deleting a key, in days. "ScheduleKeyDeletion" (AWS KMS API
 * Reference): `PendingWindowInDays` is 7 to 30. The library defaults to the longest, the
 * most time to notice a mistaken deletion.
 */
export const PENDING_WINDOW_DAYS = { min: 7, max: 30, default: 30 } as const;

/**
 * How often a secret rotates. "Rotation schedules" (Secrets Manager User Guide), "Rate
 * expressions": as often as every four hours; `RotationRulesType` (API Reference):
 * `AutomaticallyAfterDays` is 1 to 1000. The library rotates every 30 days by default.
 */
export const SECRET_ROTATION_INTERVAL = { minHours: 4, maxDays: 1000, defaultDays: 30 } as const;

/**
 * How far past its interval a secret's last rotation may lie before it counts as overdue:
 * a day by default. The monitor's AWS Config rule counts whole days, at most `maxDays`.
 */
export const ROTATION_GRACE = { defaultDays: 1, maxDays: 30 } as const;

/** "CreateAlias" (AWS KMS API Reference): an alias name, `alias/` included, is 1 to 256 characters. */
export const MAX_ALIAS_LENGTH = 256;
