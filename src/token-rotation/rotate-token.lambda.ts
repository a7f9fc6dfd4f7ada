// The rotation function of RandomTokenRotation: gives a secret a new random value (an API
// token, a shared secret) through Secrets Manager's four rotation steps. Nothing outside
// Secrets Manager holds the value, so setSecret has nothing to change and testSecret
// checks the pending version itself: readable (which proves the function may decrypt
// with the secret's key), of the configured form and new.
//
// Thin on purpose: SDK calls here, every decision in ./steps. No aws-cdk-lib.
import {
  DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { RotationRequest, TokenFormat, checkStaging, finishPlan, parseRotationRequest, tokenFormatFrom, tokenProblems } from './steps';

/** The handler's dependencies; tests replace them through `configure`. */
export interface Dependencies {
  readonly secretsManager: SecretsManagerClient;
  readonly format: () => TokenFormat;
}

let deps: Dependencies | undefined;

function dependencies(): Dependencies {
  deps ??= { secretsManager: new SecretsManagerClient({}), format: () => tokenFormatFrom(process.env) };
  return deps;
}

/** Replaces some dependencies (a client pointed at another endpoint); `reset` restores the defaults. */
export function configure(overrides: Partial<Dependencies>): void {
  deps = { ...dependencies(), ...overrides };
}

/** Restores the default dependencies. */
export function reset(): void {
  deps = undefined;
}

/** The Lambda entry point: one rotation step per invocation. A thrown error fails the rotation. */
export async function handler(event: unknown): Promise<void> {
  const request = parseRotationRequest(event);
  const sm = dependencies().secretsManager;
  const described = await sm.send(new DescribeSecretCommand({ SecretId: request.secretId }));
  if (checkStaging(request, described) === 'done') {
    log('version is already AWSCURRENT: nothing to do', request);
    return;
  }
  switch (request.step) {
    case 'createSecret':
      return createSecret(request);
    case 'setSecret':
      // The token lives only in Secrets Manager: no service to tell about it.
      log('no external service holds the token: nothing to set', request);
      return;
    case 'testSecret':
      return testSecret(request);
    case 'finishSecret':
      return finishSecret(request, described);
  }
}

/** Stores a new random value as the AWSPENDING version, unless an earlier attempt already did. */
async function createSecret(request: RotationRequest): Promise<void> {
  const sm = dependencies().secretsManager;
  // The current version must exist: the template functions refuse to rotate a secret without one.
  await sm.send(new GetSecretValueCommand({ SecretId: request.secretId, VersionStage: 'AWSCURRENT' }));
  if (await pendingValue(request) !== undefined) {
    log('the pending version already has a value: kept', request);
    return;
  }
  const format = dependencies().format();
  const random = await sm.send(new GetRandomPasswordCommand({
    PasswordLength: format.length,
    ExcludePunctuation: format.excludePunctuation,
    IncludeSpace: false,
  }));
  await sm.send(new PutSecretValueCommand({
    SecretId: request.secretId,
    ClientRequestToken: request.token,
    SecretString: random.RandomPassword,
    VersionStages: ['AWSPENDING'],
    RotationToken: request.rotationToken,
  }));
  log('stored a new token as AWSPENDING', request);
}

/** Fails the rotation unless the pending value is readable, of the configured form and new. */
async function testSecret(request: RotationRequest): Promise<void> {
  const sm = dependencies().secretsManager;
  const pending = await pendingValue(request);
  const current = await sm.send(new GetSecretValueCommand({ SecretId: request.secretId, VersionStage: 'AWSCURRENT' }));
  const problems = tokenProblems(pending, dependencies().format(), current.SecretString);
  if (problems.length > 0) {
    throw new Error(`testSecret of ${request.secretId} version ${request.token}: ${problems.join('; ')}`);
  }
  log('the pending token is fit to become current', request);
}

/** Moves AWSCURRENT to the pending version. */
async function finishSecret(request: RotationRequest, described: { VersionIdsToStages?: Record<string, string[]> }): Promise<void> {
  const plan = finishPlan(request, described);
  if (plan.alreadyCurrent) {
    return;
  }
  await dependencies().secretsManager.send(new UpdateSecretVersionStageCommand({
    SecretId: request.secretId,
    VersionStage: 'AWSCURRENT',
    MoveToVersionId: request.token,
    RemoveFromVersionId: plan.moveFrom,
  }));
  log(`moved AWSCURRENT from ${plan.moveFrom ?? 'no version'} to the new version`, request);
}

/** The AWSPENDING value of the rotation's version, or undefined when it has none yet. */
async function pendingValue(request: RotationRequest): Promise<string | undefined> {
  try {
    const pending = await dependencies().secretsManager.send(new GetSecretValueCommand({
      SecretId: request.secretId, VersionId: request.token, VersionStage: 'AWSPENDING',
    }));
    return pending.SecretString;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') {
      return undefined;
    }
    throw e;
  }
}

/** One JSON line per event; never the token itself. */
function log(message: string, request: RotationRequest): void {
  console.log(JSON.stringify({ message, step: request.step, secretId: request.secretId, version: request.token }));
}
