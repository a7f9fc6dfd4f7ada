// The token rotation handler's wiring, with aws-sdk-client-mock: which Secrets Manager
// calls each step makes, with what. The decisions are steps.test.ts's; the real API shapes
// are handler.moto.test.ts's. The fresh createSecret (a version Secrets Manager staged
// AWSPENDING without a value yet) is covered here only: moto cannot stage such a version.
import {
  DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException,
  SecretsManagerClient, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { configure, handler, reset } from '../../src/token-rotation/rotate-token.lambda';

const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:api-token-AbCdEf';
const sm = mockClient(SecretsManagerClient);
const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });
const event = (step: string, extra: Record<string, string> = {}) => ({ Step: step, SecretId: SECRET, ClientRequestToken: 'new', ...extra });
const STAGED = { RotationEnabled: true, VersionIdsToStages: { old: ['AWSCURRENT'], new: ['AWSPENDING'] } };

beforeEach(() => {
  sm.reset();
  configure({ secretsManager: new SecretsManagerClient({ region: 'us-east-1' }), format: () => ({ length: 8, excludePunctuation: true }) });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  sm.on(DescribeSecretCommand).resolves(STAGED);
  sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: 'OldToken' });
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => reset());

describe('createSecret', () => {
  test('a version without a value gets a new random token of the configured form, staged AWSPENDING under the request\'s token', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'new', VersionStage: 'AWSPENDING' }).rejects(notFound());
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: 'NewToken' });

    await handler(event('createSecret', { RotationToken: 'rt' }));

    expect(sm.commandCalls(GetRandomPasswordCommand)[0].args[0].input).toEqual({ PasswordLength: 8, ExcludePunctuation: true, IncludeSpace: false });
    expect(sm.commandCalls(PutSecretValueCommand).map(c => c.args[0].input)).toEqual([{
      SecretId: SECRET, ClientRequestToken: 'new', SecretString: 'NewToken', VersionStages: ['AWSPENDING'], RotationToken: 'rt',
    }]);
  });

  test('a retry keeps the value an earlier attempt stored (idempotent)', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'new', VersionStage: 'AWSPENDING' }).resolves({ SecretString: 'Stored01' });

    await handler(event('createSecret'));

    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  test('an error other than "not found" reading the pending version fails the step, and nothing is written', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'new', VersionStage: 'AWSPENDING' }).rejects(new Error('AccessDeniedException: kms:Decrypt'));

    await expect(handler(event('createSecret'))).rejects.toThrow('AccessDeniedException');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  test('a secret without a current version is not rotated', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).rejects(notFound());

    await expect(handler(event('createSecret'))).rejects.toThrow('not found');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});

test('setSecret changes nothing anywhere', async () => {
  await handler(event('setSecret'));

  expect(sm.calls().map(c => c.args[0].constructor.name)).toEqual(['DescribeSecretCommand']);
});

describe('testSecret', () => {
  test('passes a pending token of the configured form that differs from the current one', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'new', VersionStage: 'AWSPENDING' }).resolves({ SecretString: 'NewToken' });

    await expect(handler(event('testSecret'))).resolves.toBeUndefined();
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  test('fails the rotation, naming why, when the pending token is malformed', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'new', VersionStage: 'AWSPENDING' }).resolves({ SecretString: 'bad!' });

    await expect(handler(event('testSecret'))).rejects.toThrow(`testSecret of ${SECRET} version new: the pending token has 4 characters, not 8; `
      + 'the pending token has characters other than letters and digits');
  });
});

describe('finishSecret', () => {
  test('moves AWSCURRENT from the old version to the new one', async () => {
    await handler(event('finishSecret'));

    expect(sm.commandCalls(UpdateSecretVersionStageCommand).map(c => c.args[0].input)).toEqual([{
      SecretId: SECRET, VersionStage: 'AWSCURRENT', MoveToVersionId: 'new', RemoveFromVersionId: 'old',
    }]);
  });

  test('a retry after the move does nothing', async () => {
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { old: ['AWSPREVIOUS'], new: ['AWSCURRENT'] } });

    await handler(event('finishSecret'));

    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });
});

test('no step runs when the version is not staged for this rotation', async () => {
  sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { old: ['AWSCURRENT'] } });

  await expect(handler(event('createSecret'))).rejects.toThrow(`secret ${SECRET} has no version new to rotate to`);
  expect(sm.calls()).toHaveLength(1);
});

test('the log never holds a token', async () => {
  const logged = jest.spyOn(console, 'log');
  sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'new', VersionStage: 'AWSPENDING' }).rejects(notFound());
  sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: 'NewToken' });

  await handler(event('createSecret'));

  expect(JSON.stringify(logged.mock.calls)).not.toContain('NewToken');
  expect(JSON.stringify(logged.mock.calls)).not.toContain('OldToken');
});
