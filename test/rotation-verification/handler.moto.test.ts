// The handler against a real local endpoint: moto in server mode (test/helpers/moto.ts
// starts and stops it). Real API shapes, real errors, no AWS account.
//
// What moto covers here, and what the mocks in handler.test.ts cover instead:
// - moto: keys with and without rotation (GetKeyRotationStatus, whose moto response has no
//   RotationPeriodInDays: read as KMS's legacy yearly period); a missing key (NotFoundException);
//   a secret without rotation; a secret rotated by rules alone (RotationEnabled and
//   RotationRules real, but no rotation Lambda, so the check names that); a missing secret
//   (ResourceNotFoundException); testRotation end to end (RotateSecret then DescribeSecret
//   until AWSCURRENT moves), on a secret without a rotation Lambda; update outside strict
//   mode and delete.
// - mocks only: a secret with a rotation Lambda (moto's RotateSecret invokes the function,
//   and this machine runs no Docker for moto's Lambda backend, so no moto secret can carry
//   RotationLambdaARN), hence the all-green secret, an overdue LastRotatedDate, a rotation
//   left pending past the wait budget with a rotation function to name; throttling and its retries.
// - moto also: a rotation left pending (a version put with the AWSPENDING stage) failing a
//   create after the pending budget; the daily check end to end (its reads, and its
//   PutMetricData, read back with GetMetricStatistics).
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { IsCompleteRequest, configure, dailyCheck, isComplete, onEvent, reset } from '../../src/rotation-verification/verify-rotation.lambda';
import { MotoServer, startMoto } from '../helpers/moto';

const REGION = 'us-east-1';

let moto: MotoServer | undefined;
let kms: KMSClient;
let sm: SecretsManagerClient;
let cw: CloudWatchClient;

beforeAll(async () => {
  moto = await startMoto(REGION);
  kms = new KMSClient(moto.clientConfig);
  sm = new SecretsManagerClient(moto.clientConfig);
  cw = new CloudWatchClient(moto.clientConfig);
  configure({ kms, secretsManager: sm, cloudWatch: cw, maxAttempts: 3, baseDelayMs: 10 });
}, 60_000);

afterAll(() => {
  reset();
  moto?.stop();
});

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

interface Target { keys?: string[]; secrets?: string[]; testRotation?: boolean; strict?: boolean; pendingWaitSeconds?: number }

function request(type: 'Create' | 'Update' | 'Delete', target: Target): CloudFormationCustomResourceEvent {
  const properties = {
    ServiceToken: 'x',
    Keys: (target.keys ?? []).map(k => ({ KeyId: k, MaxRotationPeriodDays: '365' })),
    Secrets: (target.secrets ?? []).map(s => ({ SecretId: s, MaxRotationIntervalHours: '720', GraceHours: '24', TestRotation: String(target.testRotation ?? false) })),
    Strict: String(target.strict ?? false),
    WaitSeconds: '60',
    PendingWaitSeconds: String(target.pendingWaitSeconds ?? 0),
  };
  const base = { ServiceToken: 'x', ResponseURL: 'https://example.com', StackId: 's', RequestId: 'r', LogicalResourceId: 'V', ResourceType: 'Custom::V', ResourceProperties: properties };
  return (type === 'Create' ? { ...base, RequestType: 'Create' }
    : type === 'Update' ? { ...base, RequestType: 'Update', PhysicalResourceId: 'p', OldResourceProperties: {} }
      : { ...base, RequestType: 'Delete', PhysicalResourceId: 'p' }) as CloudFormationCustomResourceEvent;
}

/** Runs onEvent, then isComplete until complete, as the Provider framework would. */
async function run(type: 'Create' | 'Update' | 'Delete', target: Target) {
  const event = request(type, target);
  const started = await onEvent(event);
  const completeEvent = { ...event, ...started } as IsCompleteRequest;
  for (let i = 0; i < 20; i++) {
    const result = await isComplete(completeEvent);
    if (result.IsComplete) {
      return result;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('isComplete never completed');
}

async function newKey(rotation: boolean): Promise<string> {
  const key = await kms.send(new CreateKeyCommand({ Description: 'moto test key' }));
  if (rotation) {
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyMetadata!.KeyId }));
  }
  return key.KeyMetadata!.Arn!;
}

async function newSecret(name: string, rotateByRules: boolean): Promise<string> {
  const secret = await sm.send(new CreateSecretCommand({ Name: `${name}-${Date.now()}`, SecretString: 'initial' }));
  if (rotateByRules) {
    // No RotationLambdaARN: moto then rotates in place without invoking a function.
    await sm.send(new RotateSecretCommand({ SecretId: secret.ARN, RotationRules: { AutomaticallyAfterDays: 30 } }));
  }
  return secret.ARN!;
}

test('create passes for a key with rotation on', async () => {
  const key = await newKey(true);
  expect(await run('Create', { keys: [key] })).toEqual({ IsComplete: true, Data: { Status: 'PASSED', Findings: '' } });
});

test('create fails for a key with rotation off, naming it', async () => {
  const key = await newKey(false);
  await expect(run('Create', { keys: [key] })).rejects.toThrow(`key ${key}: automatic key rotation is disabled`);
});

test('create fails for a key that does not exist', async () => {
  const missing = `arn:aws:kms:${REGION}:123456789012:key/00000000-0000-0000-0000-000000000000`;
  await expect(run('Create', { keys: [missing] })).rejects.toThrow(new RegExp(`key ${missing}: could not be read: NotFoundException`));
});

test('create fails for a secret without rotation, naming every problem', async () => {
  const secret = await newSecret('plain', false);
  await expect(run('Create', { secrets: [secret] })).rejects.toThrow(
    `secret ${secret}: rotation is not enabled; has neither a rotation Lambda nor hosted or managed rotation; `
    + 'has no rotation schedule Secrets Manager reports as a rate');
});

test('a secret rotated by rules alone passes every check but the missing rotation function', async () => {
  const secret = await newSecret('rules', true);
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secret }));
  expect(described).toMatchObject({ RotationEnabled: true, RotationRules: { AutomaticallyAfterDays: 30 } });
  expect(described.LastRotatedDate).toBeInstanceOf(Date);
  await expect(run('Create', { secrets: [secret] })).rejects.toThrow(
    new RegExp(`^Rotation verification failed:\\nsecret ${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: has neither a rotation Lambda nor hosted or managed rotation$`));
});

test('create fails for a secret that does not exist', async () => {
  const missing = `arn:aws:secretsmanager:${REGION}:123456789012:secret:missing-AbCdEf`;
  await expect(run('Create', { secrets: [missing] })).rejects.toThrow(/could not be read: ResourceNotFoundException/);
});

test('testRotation rotates the secret and waits until AWSCURRENT moves', async () => {
  const secret = await newSecret('test-rotation', true);
  const before = await sm.send(new DescribeSecretCommand({ SecretId: secret }));
  const currentBefore = Object.entries(before.VersionIdsToStages!).find(([, s]) => s.includes('AWSCURRENT'))![0];

  // Only the missing rotation function is reported: the rotation itself went through.
  await expect(run('Create', { secrets: [secret], testRotation: true })).rejects.toThrow(/has neither a rotation Lambda/);

  const after = await sm.send(new DescribeSecretCommand({ SecretId: secret }));
  const currentAfter = Object.entries(after.VersionIdsToStages!).find(([, s]) => s.includes('AWSCURRENT'))![0];
  expect(currentAfter).not.toBe(currentBefore);
});

test('update outside strict mode reports what a create would fail on', async () => {
  const key = await newKey(false);
  const result = await run('Update', { keys: [key, await newKey(true)] });
  expect(result).toEqual({ IsComplete: true, Data: { Status: 'FINDINGS', Findings: `key ${key}: automatic key rotation is disabled` } });
});

test('update in strict mode fails', async () => {
  const key = await newKey(false);
  await expect(run('Update', { keys: [key], strict: true })).rejects.toThrow(/automatic key rotation is disabled/);
});

test('delete succeeds, even for keys and secrets that are gone', async () => {
  expect(await run('Delete', { keys: ['arn:aws:kms:us-east-1:123456789012:key/gone'], secrets: ['gone'] })).toEqual({ IsComplete: true });
});

test('a rotation left pending (AWSPENDING on a version) fails a create once the pending budget is spent, saying why', async () => {
  const secret = await newSecret('pending', true);
  await sm.send(new PutSecretValueCommand({ SecretId: secret, SecretString: 'next', VersionStages: ['AWSPENDING'] }));
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secret }));
  expect(Object.values(described.VersionIdsToStages!).some(stages => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'))).toBe(true);
  await expect(run('Create', { secrets: [secret] })).rejects.toThrow(
    `secret ${secret}: a rotation is still pending after 0 seconds (a version holds AWSPENDING and AWSCURRENT has not moved): `
    + 'the secret has no rotation function to finish it');
});

test('the daily check reads real responses and publishes its heartbeat and findings', async () => {
  const good = await newKey(true);
  const bad = await newKey(false);
  const secret = await newSecret('daily', true);
  const stackName = `daily-${Date.now()}`;
  const summary = await dailyCheck({
    DailyRotationCheck: {
      Stack: stackName,
      Shard: 1,
      Keys: [{ MaxDays: 365, Ids: [good, bad] }],
      Secrets: [{ MaxHours: 720, GraceHours: 24, Ids: [secret] }],
    },
  });
  expect(summary.failing.map(v => v.subject)).toEqual([`key ${bad}`, `secret ${secret}`]);
  const sum = async (metricName: string) => (await cw.send(new GetMetricStatisticsCommand({
    Namespace: 'KmsPatterns/RotationCheck',
    MetricName: metricName,
    Dimensions: [{ Name: 'StackName', Value: stackName }],
    StartTime: new Date(Date.now() - 3_600_000),
    EndTime: new Date(Date.now() + 3_600_000),
    Period: 86_400,
    Statistics: ['Sum'],
  }))).Datapoints?.map(d => d.Sum);
  expect(await sum('Heartbeat')).toEqual([1]);
  expect(await sum('Findings')).toEqual([2]);
});
