// Pure decision logic of the rotation verification: SDK responses in, verdicts out.
//
// Nothing here calls AWS, reads the clock or the environment: the handler passes `now`
// and the responses it got, so every branch is a plain unit test. The shapes below are
// the fields this module reads from the AWS SDK v3 responses (`GetKeyRotationStatus`,
// `DescribeSecret`), declared structurally so that this file depends on no SDK package.

/** The fields of KMS `GetKeyRotationStatus` that the checks read. */
export interface KeyRotationStatusResponse {
  readonly KeyRotationEnabled?: boolean;
  readonly RotationPeriodInDays?: number;
  readonly KeyId?: string;
}

/** The fields of Secrets Manager `DescribeSecret` that the checks read. */
export interface DescribeSecretResponse {
  readonly ARN?: string;
  readonly Name?: string;
  readonly RotationEnabled?: boolean;
  readonly RotationLambdaARN?: string;
  readonly RotationRules?: {
    readonly AutomaticallyAfterDays?: number;
    readonly Duration?: string;
    readonly ScheduleExpression?: string;
  };
  readonly LastRotatedDate?: Date;
  readonly DeletedDate?: Date;
  /** Set when a service (RDS, Redshift, ...) manages the secret's rotation itself. */
  readonly OwningService?: string;
  readonly VersionIdsToStages?: Record<string, string[]>;
}

/** What one key must satisfy. */
export interface KeyRequirement {
  /** Key ID or ARN. */
  readonly keyId: string;
  /** The longest acceptable `RotationPeriodInDays`. */
  readonly maxRotationPeriodDays: number;
}

/** What one secret must satisfy. */
export interface SecretRequirement {
  /** Secret ARN or name. */
  readonly secretId: string;
  /** The longest acceptable rotation interval, in hours. */
  readonly maxRotationIntervalHours: number;
  /** How far past its interval the last rotation may lie before it counts as overdue, in hours. */
  readonly graceHours: number;
  /** Start a rotation and wait for `AWSCURRENT` to move. */
  readonly testRotation: boolean;
}

/** The verification's configuration, as the custom resource's properties carry it. */
export interface VerificationRequest {
  readonly keys: KeyRequirement[];
  readonly secrets: SecretRequirement[];
  /** Fail updates too, not only creates. */
  readonly strict: boolean;
  /** How long the handler may wait for rotations, in seconds; below the provider's total timeout. */
  readonly waitSeconds: number;
}

/** The verdict on one key or secret. */
export interface Verdict {
  /** `key <id>` or `secret <id>`. */
  readonly subject: string;
  /** What is wrong; empty when all is well. */
  readonly problems: string[];
}

/** What the handler does with a set of verdicts. */
export interface Decision {
  /** `succeed`: all good (or a delete); `report`: succeed, but log and expose the findings; `fail`: fail the request. */
  readonly outcome: 'succeed' | 'report' | 'fail';
  /** One line per failing subject; empty when all is well. */
  readonly message: string;
}

/** Where a `testRotation` stands. */
export type RotationProgress = 'rotated' | 'waiting';

const HOURS_PER_DAY = 24;
/** The rotation period of every key before KMS offered custom periods. */
export const LEGACY_KEY_ROTATION_DAYS = 365;

/** Verdict on a key's `GetKeyRotationStatus`. */
export function checkKey(requirement: KeyRequirement, status: KeyRotationStatusResponse): Verdict {
  const problems: string[] = [];
  // Without RotationPeriodInDays (responses from before custom periods, and moto) the
  // period is KMS's original fixed one: a year.
  const period = status.RotationPeriodInDays ?? LEGACY_KEY_ROTATION_DAYS;
  if (status.KeyRotationEnabled !== true) {
    problems.push('automatic key rotation is disabled');
  } else if (period > requirement.maxRotationPeriodDays) {
    problems.push(`rotates every ${period} days, more than the required maximum of ${requirement.maxRotationPeriodDays} days`);
  }
  return { subject: `key ${requirement.keyId}`, problems };
}

/**
 * Verdict on a secret's `DescribeSecret` at `now`. With `rotationInProgress` the
 * overdue check is skipped: the rotation under way is about to reset `LastRotatedDate`.
 */
export function checkSecret(requirement: SecretRequirement, secret: DescribeSecretResponse, now: Date): Verdict {
  const problems: string[] = [];
  const subject = `secret ${requirement.secretId}`;
  if (secret.DeletedDate !== undefined) {
    problems.push(`is scheduled for deletion (since ${secret.DeletedDate.toISOString()})`);
  }
  if (secret.RotationEnabled !== true) {
    problems.push('rotation is not enabled');
  }
  if (!secret.RotationLambdaARN && !secret.OwningService) {
    problems.push('has neither a rotation Lambda nor hosted or managed rotation');
  }
  const intervalHours = rotationIntervalHours(secret.RotationRules);
  if (intervalHours === undefined) {
    problems.push(`has no rotation schedule Secrets Manager reports as a rate (RotationRules: ${JSON.stringify(secret.RotationRules ?? null)})`);
  } else if (intervalHours > requirement.maxRotationIntervalHours) {
    problems.push(`rotates every ${describeHours(intervalHours)}, more than the required maximum of ${describeHours(requirement.maxRotationIntervalHours)}`);
  }
  if (secret.LastRotatedDate !== undefined && !rotationInProgress(secret)) {
    const allowedHours = (intervalHours ?? requirement.maxRotationIntervalHours) + requirement.graceHours;
    const ageHours = (now.getTime() - secret.LastRotatedDate.getTime()) / 3_600_000;
    if (ageHours > allowedHours) {
      problems.push(`last rotated ${secret.LastRotatedDate.toISOString()}, ${describeHours(Math.floor(ageHours))} ago, `
        + `more than its interval plus grace (${describeHours(allowedHours)}): rotation is failing`);
    }
  }
  return { subject, problems };
}

/**
 * The rotation interval in hours: `AutomaticallyAfterDays`, or a `rate(N hours|days)`
 * schedule expression. Undefined for a cron schedule or no schedule at all.
 */
export function rotationIntervalHours(rules: DescribeSecretResponse['RotationRules']): number | undefined {
  if (!rules) {
    return undefined;
  }
  const rate = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(rules.ScheduleExpression?.trim() ?? '');
  if (rate) {
    const n = Number(rate[1]);
    return rate[2].startsWith('hour') ? n : n * HOURS_PER_DAY;
  }
  if (rules.AutomaticallyAfterDays !== undefined && rules.AutomaticallyAfterDays > 0) {
    return rules.AutomaticallyAfterDays * HOURS_PER_DAY;
  }
  return undefined;
}

/** The version ID that holds `AWSCURRENT`, if any. */
export function currentVersionId(secret: DescribeSecretResponse): string | undefined {
  return Object.entries(secret.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
}

/** True if some version holds `AWSPENDING` but not `AWSCURRENT`: a rotation was started and has not finished. */
export function rotationInProgress(secret: DescribeSecretResponse): boolean {
  return Object.values(secret.VersionIdsToStages ?? {}).some(stages => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'));
}

/** Where a test rotation stands, given the `AWSCURRENT` version before it started. */
export function testRotationProgress(previousVersionId: string | undefined, secret: DescribeSecretResponse): RotationProgress {
  const current = currentVersionId(secret);
  return current !== undefined && current !== previousVersionId && !rotationInProgress(secret) ? 'rotated' : 'waiting';
}

/** The verdict for a subject the SDK could not read, from the error's name and message. */
export function errorVerdict(subject: string, error: { name?: string; message?: string }): Verdict {
  const name = error.name ?? 'Error';
  const hint = HINTS[name] ?? '';
  return { subject, problems: [`could not be read: ${name}: ${error.message ?? ''}${hint}`.trim()] };
}

const HINTS: Record<string, string> = {
  AccessDeniedException: ' (the verification\'s role is scoped to the keys and secrets it verifies; for a key, its policy must delegate to IAM)',
  NotFoundException: ' (does it exist in this account and Region?)',
  ResourceNotFoundException: ' (does it exist in this account and Region?)',
  KMSInvalidStateException: ' (a key pending deletion, or pending import, reports no rotation status)',
  DisabledException: ' (the key is disabled)',
};

/** The verdict for a test rotation that did not finish within the wait budget. */
export function rotationTimeoutVerdict(requirement: SecretRequirement, waitedSeconds: number): Verdict {
  return {
    subject: `secret ${requirement.secretId}`,
    problems: [`test rotation did not move AWSCURRENT within ${waitedSeconds} seconds: check the rotation Lambda's logs`],
  };
}

/**
 * What to do with the verdicts. A failed check fails a create. An update fails only in
 * strict mode: CloudFormation's rollback re-sends an update with the old properties, and
 * a handler that fails that too leaves the stack in UPDATE_ROLLBACK_FAILED. A delete
 * never fails.
 */
export function decide(requestType: string, strict: boolean, verdicts: readonly Verdict[]): Decision {
  if (requestType === 'Delete') {
    return { outcome: 'succeed', message: '' };
  }
  const failing = verdicts.filter(v => v.problems.length > 0);
  if (failing.length === 0) {
    return { outcome: 'succeed', message: '' };
  }
  const message = failing.map(v => `${v.subject}: ${v.problems.join('; ')}`).join('\n');
  if (requestType === 'Create' || strict) {
    return { outcome: 'fail', message: `Rotation verification failed:\n${message}` };
  }
  return { outcome: 'report', message };
}

/** The most characters a finding attribute carries: CloudFormation caps a whole response at 4 KB. */
export const MAX_FINDINGS_LENGTH = 3_000;

/** Findings cut to fit a custom-resource attribute. */
export function truncateFindings(message: string): string {
  return message.length <= MAX_FINDINGS_LENGTH ? message : `${message.slice(0, MAX_FINDINGS_LENGTH - 20)}… (truncated)`;
}

/**
 * Reads the custom resource's properties. CloudFormation passes every scalar as a
 * string, so numbers and booleans arrive as `"30"` and `"true"`. Throws on anything
 * the construct would never send.
 */
export function parseRequest(properties: Record<string, unknown>): VerificationRequest {
  const keys = asArray(properties.Keys, 'Keys').map((k, i) => ({
    keyId: asString(k.KeyId, `Keys[${i}].KeyId`),
    maxRotationPeriodDays: asNumber(k.MaxRotationPeriodDays, `Keys[${i}].MaxRotationPeriodDays`),
  }));
  const secrets = asArray(properties.Secrets, 'Secrets').map((s, i) => ({
    secretId: asString(s.SecretId, `Secrets[${i}].SecretId`),
    maxRotationIntervalHours: asNumber(s.MaxRotationIntervalHours, `Secrets[${i}].MaxRotationIntervalHours`),
    graceHours: asNumber(s.GraceHours, `Secrets[${i}].GraceHours`),
    testRotation: asBoolean(s.TestRotation, `Secrets[${i}].TestRotation`),
  }));
  return {
    keys,
    secrets,
    strict: asBoolean(properties.Strict, 'Strict'),
    waitSeconds: asNumber(properties.WaitSeconds, 'WaitSeconds'),
  };
}

function asArray(value: unknown, name: string): Array<Record<string, unknown>> {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.some(v => typeof v !== 'object' || v === null)) {
    throw new Error(`property ${name} must be a list of objects, got ${JSON.stringify(value)}`);
  }
  return value as Array<Record<string, unknown>>;
}

function asString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`property ${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function asNumber(value: unknown, name: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new Error(`property ${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return n;
}

function asBoolean(value: unknown, name: string): boolean {
  if (value === undefined || value === false || value === 'false') {
    return false;
  }
  if (value === true || value === 'true') {
    return true;
  }
  throw new Error(`property ${name} must be "true" or "false", got ${JSON.stringify(value)}`);
}

function describeHours(hours: number): string {
  return hours % HOURS_PER_DAY === 0 ? `${hours / HOURS_PER_DAY} days` : `${hours} hours`;
}
