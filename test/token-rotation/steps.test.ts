// The pure decisions of the token rotation function, against the step contract of
// "Lambda rotation functions" and "How rotation works" (AWS Secrets Manager User Guide):
// each step receives the version Secrets Manager staged AWSPENDING; createSecret is
// idempotent; finishSecret moves AWSCURRENT (and with it AWSPENDING) to that version.
import {
  RotationRequest, TOKEN_LENGTH, checkStaging, currentVersion, finishPlan, parseRotationRequest, tokenFormatFrom, tokenProblems,
} from '../../src/token-rotation/steps';

const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:api-token-AbCdEf';
const request = (step: RotationRequest['step'], token = 'new'): RotationRequest => ({ step, secretId: SECRET, token });

describe('parseRotationRequest', () => {
  test.each(['createSecret', 'setSecret', 'testSecret', 'finishSecret'])('reads a %s request', (step) => {
    expect(parseRotationRequest({ Step: step, SecretId: SECRET, ClientRequestToken: 't' })).toEqual({ step, secretId: SECRET, token: 't', rotationToken: undefined });
  });

  test('keeps the RotationToken Secrets Manager may send', () => {
    expect(parseRotationRequest({ Step: 'createSecret', SecretId: SECRET, ClientRequestToken: 't', RotationToken: 'r' }).rotationToken).toBe('r');
  });

  test.each<[string, unknown, string]>([
    ['an unknown step', { Step: 'deleteSecret', SecretId: SECRET, ClientRequestToken: 't' }, 'invalid rotation step "deleteSecret"'],
    ['no step', { SecretId: SECRET, ClientRequestToken: 't' }, 'invalid rotation step undefined'],
    ['no secret', { Step: 'createSecret', ClientRequestToken: 't' }, 'the rotation request has no SecretId'],
    ['an empty token', { Step: 'createSecret', SecretId: SECRET, ClientRequestToken: '' }, 'the rotation request has no ClientRequestToken'],
    ['no event at all', undefined, 'invalid rotation step undefined'],
  ])('fails on %s', (_name, event, message) => {
    expect(() => parseRotationRequest(event)).toThrow(message);
  });
});

describe('tokenFormatFrom', () => {
  test('defaults: 32 characters, no punctuation', () => {
    expect(tokenFormatFrom({})).toEqual({ length: 32, excludePunctuation: true });
  });

  test('reads both variables', () => {
    expect(tokenFormatFrom({ TOKEN_LENGTH: '64', TOKEN_EXCLUDE_PUNCTUATION: 'false' })).toEqual({ length: 64, excludePunctuation: false });
  });

  test.each(['7', '4097', '12.5', 'abc', ''])('fails on TOKEN_LENGTH %p', (value) => {
    expect(() => tokenFormatFrom({ TOKEN_LENGTH: value })).toThrow(`TOKEN_LENGTH must be a whole number from ${TOKEN_LENGTH.min} to ${TOKEN_LENGTH.max}`);
  });
});

describe('checkStaging', () => {
  const staged = (stages: Record<string, string[]>, enabled = true) => ({ RotationEnabled: enabled, VersionIdsToStages: stages });

  test('proceeds when the version is staged AWSPENDING', () => {
    expect(checkStaging(request('createSecret'), staged({ old: ['AWSCURRENT'], new: ['AWSPENDING'] }))).toBe('proceed');
  });

  test('is done when the version is already AWSCURRENT (a retried step after the rotation finished)', () => {
    expect(checkStaging(request('finishSecret'), staged({ old: ['AWSPREVIOUS'], new: ['AWSCURRENT'] }))).toBe('done');
  });

  test('fails when rotation is off', () => {
    expect(() => checkStaging(request('createSecret'), staged({ new: ['AWSPENDING'] }, false))).toThrow(`secret ${SECRET} is not enabled for rotation`);
  });

  test('fails when the secret has no such version', () => {
    expect(() => checkStaging(request('createSecret'), staged({ old: ['AWSCURRENT'] }))).toThrow(`secret ${SECRET} has no version new to rotate to`);
  });

  test('fails when the version is not staged for rotation', () => {
    expect(() => checkStaging(request('testSecret'), staged({ old: ['AWSCURRENT'], new: ['AWSPREVIOUS'] })))
      .toThrow('version new of secret ' + SECRET + ' is not staged AWSPENDING (its stages: AWSPREVIOUS)');
  });
});

describe('finishPlan', () => {
  test('moves AWSCURRENT from the version that holds it', () => {
    expect(finishPlan(request('finishSecret'), { VersionIdsToStages: { old: ['AWSCURRENT'], new: ['AWSPENDING'] } }))
      .toEqual({ moveFrom: 'old', alreadyCurrent: false });
  });

  test('does nothing when the version holds it already', () => {
    expect(finishPlan(request('finishSecret'), { VersionIdsToStages: { new: ['AWSCURRENT', 'AWSPENDING'] } })).toEqual({ alreadyCurrent: true });
  });

  test('currentVersion: undefined for a secret without AWSCURRENT', () => {
    expect(currentVersion({ VersionIdsToStages: { new: ['AWSPENDING'] } })).toBeUndefined();
  });
});

describe('tokenProblems', () => {
  const format = { length: 8, excludePunctuation: true };

  test('a new token of the right form is fit', () => {
    expect(tokenProblems('Ab3dEf9h', format, 'old-token')).toEqual([]);
  });

  test.each<[string, string | undefined, string | undefined, string]>([
    ['no value', undefined, undefined, 'the pending version has no SecretString'],
    ['an empty value', '', undefined, 'the pending version has no SecretString'],
    ['the wrong length', 'Ab3dEf9', undefined, 'the pending token has 7 characters, not 8'],
    ['punctuation', 'Ab3d!f9h', undefined, 'the pending token has characters other than letters and digits'],
    ['the current value', 'Ab3dEf9h', 'Ab3dEf9h', 'the pending token equals the current one: the rotation would change nothing'],
  ])('names %s', (_name, value, current, problem) => {
    expect(tokenProblems(value, format, current)).toEqual([problem]);
  });

  test('punctuation is fine when the format allows it', () => {
    expect(tokenProblems('Ab3d!f9h', { length: 8, excludePunctuation: false })).toEqual([]);
  });
});
