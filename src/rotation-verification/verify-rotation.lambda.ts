// The rotation verification's Lambda handler, for the custom-resources Provider
// framework: one bundle serves as both the onEvent and the isComplete handler (the
// construct sets VERIFY_ROTATION_PHASE on each function).
//
// Thin on purpose: it calls the SDK (retrying throttling with backoff) and hands every
// response to ./checks, which decides. No aws-cdk-lib, no construct code.
import { GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  DescribeSecretResponse, Verdict, VerificationRequest, checkKey, checkSecret, currentVersionId, decide, errorVerdict,
  parseRequest, rotationInProgress, rotationTimeoutVerdict, testRotationProgress, truncateFindings,
} from './checks';

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
  readonly Data?: { Status: 'PASSED' | 'FINDINGS'; Findings: string };
}

/** The handler's dependencies; tests and the moto suite replace them through `configure`. */
export interface Dependencies {
  readonly kms: KMSClient;
  readonly secretsManager: SecretsManagerClient;
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

/** The Lambda entry point: onEvent or isComplete, as the function's environment says. */
export async function handler(event: IsCompleteRequest): Promise<OnEventResponse | IsCompleteResponse> {
  return process.env.VERIFY_ROTATION_PHASE === 'isComplete' ? isComplete(event) : onEvent(event);
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
 * Waits (returns IsComplete false) while a test rotation, or a rotation already under
 * way, has not finished within the wait budget; then runs every check and decides.
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
  const withinBudget = waitedSeconds < request.waitSeconds;
  const failedToStart = new Set(state.startFailures.map(v => v.subject));

  const verdicts: Verdict[] = [...state.startFailures];
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
    const waiting = testing
      ? testRotationProgress(state.previousVersions[secret.secretId] ?? undefined, described) === 'waiting'
      : rotationInProgress(described);
    if (waiting && withinBudget) {
      log('INFO', 'waiting for rotation', { secret: secret.secretId, waitedSeconds });
      return { IsComplete: false };
    }
    if (waiting && testing) {
      verdicts.push(rotationTimeoutVerdict(secret, waitedSeconds));
    } else if (waiting) {
      verdicts.push({ subject, problems: [`a rotation is still pending (a version holds AWSPENDING) after ${waitedSeconds} seconds: the last rotation may have failed`] });
    }
    verdicts.push(checkSecret(secret, described, now()));
  }
  for (const key of request.keys) {
    try {
      const status = await withRetries(() => dependencies().kms.send(new GetKeyRotationStatusCommand({ KeyId: key.keyId })));
      verdicts.push(checkKey(key, status));
    } catch (e) {
      verdicts.push(errorVerdict(`key ${key.keyId}`, asError(e)));
    }
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
