// The decisions of the random-token rotation function, free of the SDK and of aws-cdk-lib:
// Secrets Manager's responses in, what to do (or why not) out. The contract is the one
// "Lambda rotation functions" and "How rotation works" (AWS Secrets Manager User Guide)
// describe: four steps per rotation, each called with the version (`ClientRequestToken`)
// Secrets Manager staged AWSPENDING; each step may be retried, so each is idempotent.

/** The steps Secrets Manager invokes the function with, in order. */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = typeof ROTATION_STEPS[number];

/** A rotation request, as Secrets Manager sends it. */
export interface RotationRequest {
  readonly step: RotationStep;
  readonly secretId: string;
  /** The version this rotation creates: Secrets Manager staged it AWSPENDING before createSecret. */
  readonly token: string;
  /** Present for rotations that identify their caller; passed back on PutSecretValue. */
  readonly rotationToken?: string;
}

/** How the new token looks; the construct sets it in the function's environment. */
export interface TokenFormat {
  /** Characters, 8-4096. */
  readonly length: number;
  /** Letters and digits only: no punctuation, which headers and URLs may mangle. */
  readonly excludePunctuation: boolean;
}

/** GetRandomPassword's bounds on the length, and the shortest token this function makes. */
export const TOKEN_LENGTH = { min: 8, max: 4096, default: 32 };

/** The environment variables that carry the `TokenFormat`. */
export const TOKEN_ENV = { length: 'TOKEN_LENGTH', excludePunctuation: 'TOKEN_EXCLUDE_PUNCTUATION' } as const;

/** DescribeSecret, as far as the steps read it. */
export interface SecretDescription {
  readonly RotationEnabled?: boolean;
  readonly VersionIdsToStages?: Record<string, string[]>;
}

/** Parses the invocation event; throws on anything Secrets Manager would never send. */
export function parseRotationRequest(event: unknown): RotationRequest {
  const e = (event ?? {}) as Record<string, unknown>;
  const step = e.Step;
  if (typeof step !== 'string' || !(ROTATION_STEPS as readonly string[]).includes(step)) {
    throw new Error(`invalid rotation step ${JSON.stringify(step)}: expected one of ${ROTATION_STEPS.join(', ')}`);
  }
  for (const field of ['SecretId', 'ClientRequestToken']) {
    if (typeof e[field] !== 'string' || e[field] === '') {
      throw new Error(`the rotation request has no ${field}`);
    }
  }
  return {
    step: step as RotationStep,
    secretId: e.SecretId as string,
    token: e.ClientRequestToken as string,
    rotationToken: typeof e.RotationToken === 'string' && e.RotationToken !== '' ? e.RotationToken : undefined,
  };
}

/** Reads the token format from the function's environment; throws when it is out of bounds. */
export function tokenFormatFrom(env: Record<string, string | undefined>): TokenFormat {
  const raw = env[TOKEN_ENV.length] ?? String(TOKEN_LENGTH.default);
  const length = Number(raw);
  if (!Number.isInteger(length) || length < TOKEN_LENGTH.min || length > TOKEN_LENGTH.max) {
    throw new Error(`${TOKEN_ENV.length} must be a whole number from ${TOKEN_LENGTH.min} to ${TOKEN_LENGTH.max}, got ${JSON.stringify(raw)}`);
  }
  return { length, excludePunctuation: (env[TOKEN_ENV.excludePunctuation] ?? 'true') !== 'false' };
}

/**
 * Whether `request` may run against the secret as it stands: rotation must be on and the
 * version Secrets Manager named must be staged for this rotation. `done` means the version
 * is already AWSCURRENT: an earlier attempt of this rotation finished, so there is nothing
 * left to do (a retried step must not undo it).
 */
export function checkStaging(request: RotationRequest, secret: SecretDescription): 'proceed' | 'done' {
  if (!secret.RotationEnabled) {
    throw new Error(`secret ${request.secretId} is not enabled for rotation`);
  }
  const stages = secret.VersionIdsToStages?.[request.token];
  if (!stages) {
    throw new Error(`secret ${request.secretId} has no version ${request.token} to rotate to`);
  }
  if (stages.includes('AWSCURRENT')) {
    return 'done';
  }
  if (!stages.includes('AWSPENDING')) {
    throw new Error(`version ${request.token} of secret ${request.secretId} is not staged AWSPENDING (its stages: ${stages.join(', ') || 'none'})`);
  }
  return 'proceed';
}

/** The version AWSCURRENT is on, if any. */
export function currentVersion(secret: SecretDescription): string | undefined {
  return Object.entries(secret.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
}

/**
 * finishSecret: move AWSCURRENT from the version that holds it to `token` (Secrets Manager
 * then labels the old one AWSPREVIOUS and AWSPENDING leaves with the move), or nothing when
 * `token` holds it already.
 */
export function finishPlan(request: RotationRequest, secret: SecretDescription): { readonly moveFrom?: string; readonly alreadyCurrent: boolean } {
  const current = currentVersion(secret);
  return current === request.token ? { alreadyCurrent: true } : { moveFrom: current, alreadyCurrent: false };
}

/** What is wrong with a pending token, judged against the format; empty when it is fit to become current. */
export function tokenProblems(value: string | undefined, format: TokenFormat, current?: string): string[] {
  if (value === undefined || value === '') {
    return ['the pending version has no SecretString'];
  }
  const problems: string[] = [];
  if (value.length !== format.length) {
    problems.push(`the pending token has ${value.length} characters, not ${format.length}`);
  }
  if (format.excludePunctuation && !/^[A-Za-z0-9]*$/.test(value)) {
    problems.push('the pending token has characters other than letters and digits');
  }
  if (current !== undefined && value === current) {
    problems.push('the pending token equals the current one: the rotation would change nothing');
  }
  return problems;
}
