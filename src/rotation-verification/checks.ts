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
  readonly CreatedDate?: Date;
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

/**
 * The custom resource's properties, as `RotationVerification` writes them: the one place
 * their names are defined. CloudFormation passes every scalar on as a string, so the
 * handler reads them as `Received<VerificationProperties>` and converts each value.
 */
export interface VerificationProperties {
  readonly Keys: ReadonlyArray<{ readonly KeyId: string; readonly MaxRotationPeriodDays: number }>;
  readonly Secrets: ReadonlyArray<{
    readonly SecretId: string;
    readonly MaxRotationIntervalHours: number;
    readonly GraceHours: number;
    readonly TestRotation: boolean;
  }>;
  readonly Strict: boolean;
  readonly WaitSeconds: number;
  readonly PendingWaitSeconds: number;
}

/** The custom resource's attributes (the handler's `Data`), which the construct reads with `getAttString`. */
export interface VerificationAttributes {
  /** `PASSED`, or `FINDINGS` when an update found problems it did not fail on. */
  readonly Status: 'PASSED' | 'FINDINGS';
  /** What an update found and did not fail on; empty when all passed. */
  readonly Findings: string;
}

/** What the handler receives for a `T`: the same names, any values, any of them missing. */
export type Received<T> = { readonly [K in keyof T]?: unknown };

/** The verification's configuration, as the custom resource's properties carry it. */
export interface VerificationRequest {
  readonly keys: KeyRequirement[];
  readonly secrets: SecretRequirement[];
  /** Fail updates too, not only creates. */
  readonly strict: boolean;
  /** How long the handler may wait for a test rotation, in seconds; below the provider's total timeout. */
  readonly waitSeconds: number;
  /**
   * How long the handler waits for a rotation it did not start (a version already holds
   * `AWSPENDING`, e.g. a secret's first rotation) before it reports it, in seconds.
   */
  readonly pendingWaitSeconds: number;
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
/** How long a rotation the verification did not start may stay pending, unless the construct says otherwise. */
export const DEFAULT_PENDING_WAIT_SECONDS = 180;

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

/** When a check runs: during a deployment, or on the daily schedule. */
export type CheckMode = 'deploy' | 'daily';

/**
 * Verdict on a secret's `DescribeSecret` at `now`. The last rotation's age counts from
 * `LastRotatedDate`, or from `CreatedDate` for a secret that never rotated. At deploy time
 * a rotation in progress skips the overdue check: the handler waits for it, and it is about
 * to reset `LastRotatedDate`. On the daily check it does not: a pending version that lingers
 * for days is exactly how a failing rotation looks.
 */
export function checkSecret(requirement: SecretRequirement, secret: DescribeSecretResponse, now: Date, mode: CheckMode = 'deploy'): Verdict {
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
  const since = secret.LastRotatedDate ?? secret.CreatedDate;
  if (since !== undefined && (mode === 'daily' || !rotationInProgress(secret))) {
    const allowedHours = (intervalHours ?? requirement.maxRotationIntervalHours) + requirement.graceHours;
    const ageHours = (now.getTime() - since.getTime()) / 3_600_000;
    if (ageHours > allowedHours) {
      const what = secret.LastRotatedDate ? 'last rotated' : 'never rotated since it was created';
      const pending = rotationInProgress(secret) ? ' (a version still holds AWSPENDING: the last rotation did not finish)' : '';
      problems.push(`${what} ${since.toISOString()}, ${describeHours(Math.floor(ageHours))} ago, `
        + `more than its interval plus grace (${describeHours(allowedHours)}): rotation is failing${pending}`);
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
export function rotationTimeoutVerdict(requirement: SecretRequirement, waitedSeconds: number, secret: DescribeSecretResponse = {}): Verdict {
  return {
    subject: `secret ${requirement.secretId}`,
    problems: [`test rotation did not move AWSCURRENT within ${waitedSeconds} seconds: ${whereToLook(secret)}`],
  };
}

/**
 * The verdict for a rotation the verification did not start (typically a new secret's first
 * rotation) that still holds `AWSPENDING` once the short pending budget is spent. It names
 * the rotation function and its log group, so a failing first rotation fails the create in
 * minutes with a pointer, not after the whole wait budget with none.
 */
export function pendingRotationVerdict(requirement: SecretRequirement, waitedSeconds: number, secret: DescribeSecretResponse): Verdict {
  return {
    subject: `secret ${requirement.secretId}`,
    problems: [`a rotation is still pending after ${waitedSeconds} seconds (a version holds AWSPENDING and AWSCURRENT has not moved): `
      + `${whereToLook(secret)}. Secrets Manager retries the pending rotation at the next scheduled rotation, or now with `
      + `\`aws secretsmanager rotate-secret --secret-id ${requirement.secretId}\``],
  };
}

/** Where a failed rotation left its trail: the rotation function's name and default log group, or who manages it. */
export function whereToLook(secret: DescribeSecretResponse): string {
  const name = secret.RotationLambdaARN ? rotationFunctionName(secret.RotationLambdaARN) : undefined;
  if (name) {
    return `the rotation function ${name} has not finished it; see its logs in /aws/lambda/${name} (its default log group) `
      + 'for the step that failed (createSecret, setSecret, testSecret or finishSecret)';
  }
  if (secret.OwningService) {
    return `its rotation is managed by ${secret.OwningService}; see that service's events for the failure`;
  }
  return 'the secret has no rotation function to finish it';
}

/** The function name in a Lambda function ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`). */
export function rotationFunctionName(functionArn: string): string | undefined {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(functionArn);
  return match?.[1];
}

/** How long a secret may stay pending before its verdict is written: the test budget for a test rotation, else the short pending budget. */
export function waitBudgetSeconds(request: VerificationRequest, testRotation: boolean): number {
  return testRotation ? request.waitSeconds : Math.min(request.pendingWaitSeconds, request.waitSeconds);
}

/**
 * Whether isComplete should poll again while `waiting` subjects are still within their
 * budget. Not when the verdicts already fail the request: a create (or a strict update)
 * that has a failing subject fails at once, without waiting for the others. A delete never waits.
 */
export function keepWaiting(requestType: string, strict: boolean, waiting: number, verdicts: readonly Verdict[]): boolean {
  return requestType !== 'Delete' && waiting > 0 && decide(requestType, strict, verdicts).outcome !== 'fail';
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
export function parseRequest(properties: Received<VerificationProperties> & Received<{ ServiceToken: string }>): VerificationRequest {
  const keys = asArray<VerificationProperties['Keys'][number]>(properties.Keys, 'Keys').map((k, i) => ({
    keyId: asString(k.KeyId, `Keys[${i}].KeyId`),
    maxRotationPeriodDays: asNumber(k.MaxRotationPeriodDays, `Keys[${i}].MaxRotationPeriodDays`),
  }));
  const secrets = asArray<VerificationProperties['Secrets'][number]>(properties.Secrets, 'Secrets').map((s, i) => ({
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
    // Absent from resources deployed before the property existed: their next update sends it.
    pendingWaitSeconds: properties.PendingWaitSeconds === undefined
      ? DEFAULT_PENDING_WAIT_SECONDS : asNumber(properties.PendingWaitSeconds, 'PendingWaitSeconds'),
  };
}


// ---- The daily check: the same checks, on a schedule ----

/** The key of the EventBridge target input that marks a daily check (and nothing CloudFormation sends). */
export const DAILY_CHECK_FIELD = 'DailyRotationCheck';
/** The CloudWatch namespace of the daily check's metrics; the role may publish to this one only. */
export const DAILY_CHECK_NAMESPACE = 'KmsPatterns/RotationCheck';

/**
 * A daily check's target input under `DAILY_CHECK_FIELD`, as `DailyRotationCheck` writes
 * it: the one place its names are defined. Subjects are grouped by requirement, so each
 * costs only its ARN.
 */
export interface DailyCheckInput {
  readonly Stack: string;
  readonly Shard: number;
  readonly Keys: ReadonlyArray<{ readonly MaxDays: number; readonly Ids: readonly string[] }>;
  readonly Secrets: ReadonlyArray<{ readonly MaxHours: number; readonly GraceHours: number; readonly Ids: readonly string[] }>;
}

/** What one scheduled run checks: one shard of the stack's keys and secrets. */
export interface DailyCheckRequest {
  /** The metrics' `StackName` dimension. */
  readonly stackName: string;
  /** This shard's 1-based number, for the logs. */
  readonly shard: number;
  readonly keys: KeyRequirement[];
  readonly secrets: SecretRequirement[];
}

/** What a daily run found. */
export interface DailySummary {
  /** How many subjects have at least one problem: the `Findings` metric. */
  readonly findings: number;
  /** Their verdicts, one structured log line each. */
  readonly failing: Verdict[];
}

/** True when a Lambda event is a daily check's target input (CloudFormation requests never carry the field). */
export function isDailyCheckEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && DAILY_CHECK_FIELD in event;
}

/**
 * Reads a daily check's target input. Its shape keeps the per-subject cost to the ARN
 * (the input of an EventBridge target holds at most 8,192 characters): subjects are grouped
 * by requirement,
 * `{"DailyRotationCheck":{"Stack":"s","Shard":1,"Keys":[{"MaxDays":365,"Ids":[...]}],
 * "Secrets":[{"MaxHours":720,"GraceHours":24,"Ids":[...]}]}}`.
 * Throws on anything the construct would never send.
 */
export function parseDailyRequest(event: Record<string, unknown>): DailyCheckRequest {
  const body = event[DAILY_CHECK_FIELD];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Error(`${DAILY_CHECK_FIELD} must be an object, got ${JSON.stringify(body)}`);
  }
  const input = body as Received<DailyCheckInput>;
  const ids = (group: Received<{ Ids: string[] }>, name: string): string[] => {
    if (!Array.isArray(group.Ids)) {
      throw new Error(`${name}.Ids must be a list of strings, got ${JSON.stringify(group.Ids)}`);
    }
    return group.Ids.map((id, i) => asString(id, `${name}.Ids[${i}]`));
  };
  const keys = asArray<DailyCheckInput['Keys'][number]>(input.Keys, 'Keys').flatMap((g, i) => {
    const maxRotationPeriodDays = asNumber(g.MaxDays, `Keys[${i}].MaxDays`);
    return ids(g, `Keys[${i}]`).map(keyId => ({ keyId, maxRotationPeriodDays }));
  });
  const secrets = asArray<DailyCheckInput['Secrets'][number]>(input.Secrets, 'Secrets').flatMap((g, i) => {
    const maxRotationIntervalHours = asNumber(g.MaxHours, `Secrets[${i}].MaxHours`);
    const graceHours = asNumber(g.GraceHours, `Secrets[${i}].GraceHours`);
    return ids(g, `Secrets[${i}]`).map(secretId => ({ secretId, maxRotationIntervalHours, graceHours, testRotation: false }));
  });
  return { stackName: asString(input.Stack, 'Stack'), shard: asNumber(input.Shard, 'Shard'), keys, secrets };
}

/** The failing verdicts of a daily run, and their count. */
export function summarizeDaily(verdicts: readonly Verdict[]): DailySummary {
  const failing = verdicts.filter(v => v.problems.length > 0);
  return { findings: failing.length, failing };
}

function asArray<T>(value: unknown, name: string): Array<Received<T>> {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.some(v => typeof v !== 'object' || v === null)) {
    throw new Error(`property ${name} must be a list of objects, got ${JSON.stringify(value)}`);
  }
  return value as Array<Received<T>>;
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
