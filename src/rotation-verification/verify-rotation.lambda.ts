// The rotation verification's Lambda handler, for the custom-resources Provider
// framework: one bundle serves as both the onEvent and the isComplete handler (the
// construct sets VERIFY_ROTATION_PHASE on each function). The onEvent function also
// serves the daily check: an EventBridge rule invokes it with a `DailyRotationCheck`
// input, and it runs the same checks and publishes a heartbeat and a findings metric.
//
// Thin on purpose: it calls the SDK (retrying throttling with backoff) and hands every
// response to ./checks, which decides. No aws-cdk-lib, no construct code.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  CheckMode, DAILY_CHECK_NAMESPACE, DailySummary, DescribeSecretResponse, KeyRequirement, SecretRequirement, Verdict,
  VerificationRequest, checkKey, checkSecret, currentVersionId, decide, errorVerdict, isDailyCheckEvent, keepWaiting,
  parseDailyRequest, parseRequest, pendingRotationVerdict, rotationInProgress, rotationTimeoutVerdict, summarizeDaily,
  testRotationProgress, truncateFindings, waitBudgetSeconds, whereToLook,
} from './checks';
import type { VerificationAttributes } from './checks';

/** What onEvent hands to isComplete, through the Provider framework's event. */
export interface VerificationState {
  /** When the verification started, ISO 8601. */
  readonly startedAt: string;
  /** `AWSCURRENT` version of each test-rotated secret before the rotation, by secret ID. */
  readonly previousVersions: Record<string, string | null>;
  /** Secrets whose test rotation could not be started, with why. */
  readonly startFailures: Verdict[];
}

/** The Provider framework's onEvent request, as far as this handler reads it. */
export type OnEventRequest = CloudFormationCustomResourceEvent;
/** The Provider framework's isComplete request: the onEvent request plus what onEvent returned. */
export type IsCompleteRequest = CloudFormationCustomResourceEvent & { VerificationState?: VerificationState };

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly VerificationState?: VerificationState;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: VerificationAttributes;
}

/** The handler's dependencies; tests and the moto suite replace them through `configure`. */
export interface Dependencies {
  readonly kms: KMSClient;
  readonly secretsManager: SecretsManagerClient;
  readonly cloudWatch: CloudWatchClient;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
  /** Attempts per call when AWS throttles, the first included. */
  readonly maxAttempts: number;
  /** Backoff before the n-th retry: `baseDelayMs * 2^(n-1)`, with full jitter. */
  readonly baseDelayMs: number;
}

let deps: Dependencies | undefined;

function dependencies(): Dependencies {
  if (!deps) {
    deps = defaults();
  }
  return deps;
}

function defaults(): Dependencies {
  // The SDK's own retries stay on for network faults; throttling gets the longer backoff below.
  return {
    kms: new KMSClient({}),
    secretsManager: new SecretsManagerClient({}),
    cloudWatch: new CloudWatchClient({}),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    now: () => new Date(),
    maxAttempts: 6,
    baseDelayMs: 250,
  };
}

/** Replaces some dependencies (clients pointed at another endpoint, a fake clock); `reset` restores the defaults. */
export function configure(overrides: Partial<Dependencies>): void {
  deps = { ...dependencies(), ...overrides };
}

/** Restores the default dependencies. */
export function reset(): void {
  deps = undefined;
}

/** The Lambda entry point: the daily check for its scheduled input, else onEvent or isComplete, as the function's environment says. */
export async function handler(event: IsCompleteRequest | DailyCheckEvent): Promise<OnEventResponse | IsCompleteResponse | DailySummary> {
  if (isDailyCheckEvent(event)) {
    return dailyCheck(event as DailyCheckEvent);
  }
  const request = event as IsCompleteRequest;
  return process.env.VERIFY_ROTATION_PHASE === 'isComplete' ? isComplete(request) : onEvent(request);
}

/** The daily check's EventBridge target input. */
export type DailyCheckEvent = Record<string, unknown>;

/**
 * The daily check: the deploy-time checks on one shard of the stack's keys and secrets,
 * each finding as a structured WARN line, then one `PutMetricData` with `Heartbeat` 1 and
 * `Findings` (failing subjects). An input it cannot read, or metrics it cannot publish,
 * throw: the run fails (EventBridge invokes asynchronously, so Lambda retries it), no
 * heartbeat arrives, and the heartbeat alarm says so.
 */
export async function dailyCheck(event: DailyCheckEvent): Promise<DailySummary> {
  let request;
  try {
    request = parseDailyRequest(event);
  } catch (e) {
    log('ERROR', 'daily rotation check: unreadable input', { error: asError(e).message });
    throw e;
  }
  const verdicts = [
    ...await checkKeys(request.keys),
    ...await checkSecrets(request.secrets, 'daily'),
  ];
  const summary = summarizeDaily(verdicts);
  for (const finding of summary.failing) {
    log('WARN', 'daily rotation check finding', { check: 'daily', stack: request.stackName, shard: request.shard, subject: finding.subject, problems: finding.problems });
  }
  const dimensions = [{ Name: 'StackName', Value: request.stackName }];
  await withRetries(() => dependencies().cloudWatch.send(new PutMetricDataCommand({
    Namespace: DAILY_CHECK_NAMESPACE,
    MetricData: [
      { MetricName: 'Heartbeat', Value: 1, Unit: 'Count', Dimensions: dimensions },
      { MetricName: 'Findings', Value: summary.findings, Unit: 'Count', Dimensions: dimensions },
    ],
  })));
  log('INFO', 'daily rotation check done', {
    check: 'daily',
    stack: request.stackName,
    shard: request.shard,
    keys: request.keys.length,
    secrets: request.secrets.length,
    findings: summary.findings,
  });
  return summary;
}

async function checkKeys(keys: readonly KeyRequirement[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const key of keys) {
    try {
      const status = await withRetries(() => dependencies().kms.send(new GetKeyRotationStatusCommand({ KeyId: key.keyId })));
      verdicts.push(checkKey(key, status));
    } catch (e) {
      verdicts.push(errorVerdict(`key ${key.keyId}`, asError(e)));
    }
  }
  return verdicts;
}

async function checkSecrets(secrets: readonly SecretRequirement[], mode: CheckMode): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const secret of secrets) {
    try {
      verdicts.push(checkSecret(secret, await describeSecret(secret.secretId), dependencies().now(), mode));
    } catch (e) {
      verdicts.push(errorVerdict(`secret ${secret.secretId}`, asError(e)));
    }
  }
  return verdicts;
}

/**
 * Create and update: record where each test-rotated secret stands and start its
 * rotation; the checks run in isComplete. Delete: nothing to do, ever.
 */
export async function onEvent(event: OnEventRequest): Promise<OnEventResponse> {
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const physicalResourceId = event.RequestType === 'Create' ? `rotation-verification-${event.RequestId}` : event.PhysicalResourceId;
  const { now } = dependencies();
  const state: { startedAt: string; previousVersions: Record<string, string | null>; startFailures: Verdict[] } = {
    startedAt: now().toISOString(),
    previousVersions: {},
    startFailures: [],
  };
  const request = tryParse(event);
  for (const secret of request?.secrets.filter(s => s.testRotation) ?? []) {
    try {
      const before = await describeSecret(secret.secretId);
      state.previousVersions[secret.secretId] = currentVersionId(before) ?? null;
      await withRetries(() => dependencies().secretsManager.send(new RotateSecretCommand({ SecretId: secret.secretId, RotateImmediately: true })));
      log('INFO', 'started test rotation', { secret: secret.secretId, previousVersion: state.previousVersions[secret.secretId] });
    } catch (e) {
      state.startFailures.push(errorVerdict(`secret ${secret.secretId}`, asError(e)));
    }
  }
  return { PhysicalResourceId: physicalResourceId, VerificationState: state };
}

/**
 * Runs every check, then waits (returns IsComplete false) while a test rotation is within
 * the wait budget, or a rotation it did not start (a new secret's first one) is within the
 * shorter pending budget; past its budget, a pending rotation is a finding that names the
 * rotation function and its log group. A create whose checks already fail fails at once,
 * without waiting (checks.keepWaiting).
 */
export async function isComplete(event: IsCompleteRequest): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  const { now } = dependencies();
  let request: VerificationRequest;
  try {
    request = parseRequest(event.ResourceProperties);
  } catch (e) {
    return conclude(event.RequestType, false, [{ subject: 'the verification\'s properties', problems: [asError(e).message ?? String(e)] }]);
  }
  const state = event.VerificationState ?? { startedAt: now().toISOString(), previousVersions: {}, startFailures: [] };
  const waitedSeconds = Math.floor((now().getTime() - Date.parse(state.startedAt)) / 1000);
  const failedToStart = new Set(state.startFailures.map(v => v.subject));

  const verdicts: Verdict[] = [...state.startFailures];
  const waiting: string[] = [];
  for (const secret of request.secrets) {
    const subject = `secret ${secret.secretId}`;
    let described: DescribeSecretResponse;
    try {
      described = await describeSecret(secret.secretId);
    } catch (e) {
      verdicts.push(errorVerdict(subject, asError(e)));
      continue;
    }
    const testing = secret.testRotation && !failedToStart.has(subject);
    const pending = testing
      ? testRotationProgress(state.previousVersions[secret.secretId] ?? undefined, described) === 'waiting'
      : rotationInProgress(described);
    if (pending && waitedSeconds < waitBudgetSeconds(request, testing)) {
      waiting.push(secret.secretId);
      log('INFO', 'waiting for rotation', { secret: secret.secretId, waitedSeconds, testRotation: testing, whereToLook: whereToLook(described) });
    } else if (pending) {
      verdicts.push(testing ? rotationTimeoutVerdict(secret, waitedSeconds, described) : pendingRotationVerdict(secret, waitedSeconds, described));
    }
    verdicts.push(checkSecret(secret, described, now()));
  }
  verdicts.push(...await checkKeys(request.keys));
  if (keepWaiting(event.RequestType, request.strict, waiting.length, verdicts)) {
    return { IsComplete: false };
  }
  return conclude(event.RequestType, request.strict, verdicts);
}

function conclude(requestType: string, strict: boolean, verdicts: Verdict[]): IsCompleteResponse {
  const decision = decide(requestType, strict, verdicts);
  if (decision.outcome === 'fail') {
    log('ERROR', 'rotation verification failed', { requestType, findings: decision.message });
    throw new Error(decision.message);
  }
  if (decision.outcome === 'report') {
    // Not failed on purpose (see checks.decide): the finding is the log line and the attribute.
    log('WARN', 'rotation verification found problems; not failing an update outside strict mode', { requestType, findings: decision.message });
    return { IsComplete: true, Data: { Status: 'FINDINGS', Findings: truncateFindings(decision.message) } };
  }
  log('INFO', 'rotation verified', { requestType, subjects: verdicts.map(v => v.subject) });
  return { IsComplete: true, Data: { Status: 'PASSED', Findings: '' } };
}

async function describeSecret(secretId: string): Promise<DescribeSecretResponse> {
  return withRetries(() => dependencies().secretsManager.send(new DescribeSecretCommand({ SecretId: secretId })));
}

function tryParse(event: OnEventRequest): VerificationRequest | undefined {
  try {
    return parseRequest(event.ResourceProperties);
  } catch {
    return undefined; // isComplete reports it.
  }
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'LimitExceededException']);

/** True for errors AWS raises when it throttles. */
export function isThrottling(e: unknown): boolean {
  const err = e as { name?: string; $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(err?.name ?? '') || err?.$retryable?.throttling === true || err?.$metadata?.httpStatusCode === 429;
}

/** Calls `fn`, retrying throttling with exponential backoff and full jitter. */
export async function withRetries<T>(fn: () => Promise<T>): Promise<T> {
  const { maxAttempts, baseDelayMs, sleep } = dependencies();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isThrottling(e) || attempt >= maxAttempts) {
        throw e;
      }
      const delay = Math.round(Math.random() * baseDelayMs * 2 ** (attempt - 1));
      log('INFO', 'throttled; retrying', { attempt, delayMs: delay, error: asError(e).name });
      await sleep(delay);
    }
  }
}

function asError(e: unknown): { name?: string; message?: string } {
  return typeof e === 'object' && e !== null ? e as { name?: string; message?: string } : { message: String(e) };
}

function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'ERROR') {
    console.error(line);
  } else if (level === 'WARN') {
    console.warn(line);
  } else {
    console.log(line);
  }
}
