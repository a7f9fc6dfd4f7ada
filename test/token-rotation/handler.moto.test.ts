// The token rotation handler against moto's Secrets Manager (test/helpers/moto.ts starts and
// stops it): real DescribeSecret, GetSecretValue, GetRandomPassword, PutSecretValue and
// UpdateSecretVersionStage shapes and errors, no AWS account.
//
// What moto cannot show: the version Secrets Manager stages AWSPENDING *before* createSecret,
// without a value (moto's RotateSecret without a Lambda completes the rotation itself, and
// this machine runs no Docker for a moto Lambda). So each test here stages the pending
// version with PutSecretValue, as createSecret would leave it, and the fresh createSecret is
// covered by handler.test.ts's mocks.
import {
  CreateSecretCommand, DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand,
  RotateSecretCommand, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { configure, handler, reset } from '../../src/token-rotation/rotate-token.lambda';
import { MotoServer, startMoto } from '../helpers/moto';

const FORMAT = { length: 40, excludePunctuation: true };
const TOKEN = '11111111-2222-3333-4444-555555555555';
let moto: MotoServer | undefined;
let sm: SecretsManagerClient;
let counter = 0;

beforeAll(async () => {
  moto = await startMoto();
  sm = new SecretsManagerClient(moto.clientConfig);
  configure({ secretsManager: sm, format: () => FORMAT });
}, 60_000);

afterAll(() => {
  reset();
  moto?.stop();
});

beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

/** A secret with rotation on, a current value, and (unless `pending` is null) a pending version under TOKEN. */
async function secretWith(pending: string | null, rotation = true): Promise<string> {
  const created = await sm.send(new CreateSecretCommand({ Name: `api-token-${++counter}`, SecretString: 'OldTokenOldTokenOldTokenOldTokenOldToken' }));
  if (rotation) {
    // Turns RotationEnabled on; without a Lambda, moto completes this rotation at once.
    await sm.send(new RotateSecretCommand({ SecretId: created.ARN, RotationRules: { AutomaticallyAfterDays: 30 } }));
    await sm.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'OldTokenOldTokenOldTokenOldTokenOldToken' }));
  }
  if (pending !== null) {
    await sm.send(new PutSecretValueCommand({ SecretId: created.ARN, ClientRequestToken: TOKEN, SecretString: pending, VersionStages: ['AWSPENDING'] }));
  }
  return created.ARN!;
}

/** A token as createSecret makes it: moto's GetRandomPassword with the function's settings. */
async function randomToken(): Promise<string> {
  const random = await sm.send(new GetRandomPasswordCommand({ PasswordLength: FORMAT.length, ExcludePunctuation: true, IncludeSpace: false }));
  return random.RandomPassword!;
}

const step = (secretId: string, name: string) => handler({ Step: name, SecretId: secretId, ClientRequestToken: TOKEN });
const stages = async (secretId: string) => (await sm.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};

test('a rotation from createSecret (retried) to finishSecret makes the pending token current and keeps the old one as AWSPREVIOUS', async () => {
  const token = await randomToken();
  const secret = await secretWith(token);
  const [oldVersion] = Object.entries(await stages(secret)).find(([, s]) => s.includes('AWSCURRENT'))!;

  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    await step(secret, name);
  }

  // By stage: moto's GetSecretValue without one still returns the value it last put, where
  // Secrets Manager returns AWSCURRENT.
  expect((await sm.send(new GetSecretValueCommand({ SecretId: secret, VersionStage: 'AWSCURRENT' }))).SecretString).toBe(token);
  expect(await stages(secret)).toMatchObject({ [TOKEN]: expect.arrayContaining(['AWSCURRENT']), [oldVersion]: ['AWSPREVIOUS'] });
});

test('createSecret retried on a pending version that holds a value keeps that value and adds no version', async () => {
  const token = await randomToken();
  const secret = await secretWith(token);
  const before = Object.keys(await stages(secret)).sort();

  await step(secret, 'createSecret');

  expect((await sm.send(new GetSecretValueCommand({ SecretId: secret, VersionId: TOKEN, VersionStage: 'AWSPENDING' }))).SecretString).toBe(token);
  expect(Object.keys(await stages(secret)).sort()).toEqual(before);
});

test('moto\'s GetRandomPassword makes tokens testSecret accepts: 40 letters and digits', async () => {
  const secret = await secretWith(await randomToken());

  await expect(step(secret, 'testSecret')).resolves.toBeUndefined();
});

test('testSecret fails the rotation on a malformed pending value, and AWSCURRENT stays', async () => {
  const secret = await secretWith('short!');

  await expect(step(secret, 'testSecret')).rejects.toThrow('the pending token has 6 characters, not 40');
  expect((await sm.send(new GetSecretValueCommand({ SecretId: secret, VersionStage: 'AWSCURRENT' }))).SecretString).toBe('OldTokenOldTokenOldTokenOldTokenOldToken');
});

test('finishSecret run twice moves AWSCURRENT once', async () => {
  const secret = await secretWith(await randomToken());

  await step(secret, 'finishSecret');
  const after = await stages(secret);
  await step(secret, 'finishSecret');

  expect(await stages(secret)).toEqual(after);
});

test('a request for a version the secret does not have is refused with the real DescribeSecret shape', async () => {
  const secret = await secretWith(null);

  await expect(step(secret, 'createSecret')).rejects.toThrow(`has no version ${TOKEN} to rotate to`);
});

test('a secret whose rotation is off is not rotated', async () => {
  const secret = await secretWith(await randomToken(), false);

  await expect(step(secret, 'createSecret')).rejects.toThrow('is not enabled for rotation');
});

test('a missing secret fails with Secrets Manager\'s ResourceNotFoundException', async () => {
  await expect(step('arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf', 'createSecret'))
    .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});
