import {
  DescribeSecretResponse, KeyRequirement, MAX_FINDINGS_LENGTH, SecretRequirement, checkKey, checkSecret, currentVersionId,
  decide, errorVerdict, parseRequest, rotationInProgress, rotationIntervalHours, rotationTimeoutVerdict, testRotationProgress,
  truncateFindings,
} from '../../src/rotation-verification/checks';

const NOW = new Date('2025-06-01T00:00:00Z');
const HOUR = 3_600_000;
const KEY: KeyRequirement = { keyId: 'arn:aws:kms:us-east-1:111111111111:key/k1', maxRotationPeriodDays: 365 };
const SECRET: SecretRequirement = { secretId: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s1-AbCdEf', maxRotationIntervalHours: 30 * 24, graceHours: 24, testRotation: false };
const HEALTHY: DescribeSecretResponse = {
  RotationEnabled: true,
  RotationLambdaARN: 'arn:aws:lambda:us-east-1:111111111111:function:rotate',
  RotationRules: { AutomaticallyAfterDays: 30, ScheduleExpression: 'rate(30 days)' },
  LastRotatedDate: new Date(NOW.getTime() - 24 * HOUR),
  VersionIdsToStages: { v1: ['AWSCURRENT'] },
};

describe('checkKey', () => {
  test('passes when rotation is on within the maximum', () => {
    expect(checkKey(KEY, { KeyRotationEnabled: true, RotationPeriodInDays: 365 })).toEqual({ subject: `key ${KEY.keyId}`, problems: [] });
  });
  test('a status without RotationPeriodInDays is the legacy yearly rotation', () => {
    expect(checkKey(KEY, { KeyRotationEnabled: true }).problems).toEqual([]);
    expect(checkKey({ ...KEY, maxRotationPeriodDays: 180 }, { KeyRotationEnabled: true }).problems)
      .toEqual(['rotates every 365 days, more than the required maximum of 180 days']);
  });
  test.each([
    [{ KeyRotationEnabled: false }, 'automatic key rotation is disabled'],
    [{}, 'automatic key rotation is disabled'],
    [{ KeyRotationEnabled: true, RotationPeriodInDays: 366 }, 'rotates every 366 days, more than the required maximum of 365 days'],
  ])('fails when the status is %j', (status, problem) => {
    expect(checkKey(KEY, status).problems).toEqual([problem]);
  });
});

describe('checkSecret', () => {
  test('passes a healthy secret', () => {
    expect(checkSecret(SECRET, HEALTHY, NOW)).toEqual({ subject: `secret ${SECRET.secretId}`, problems: [] });
  });
  test('passes a secret that never rotated yet', () => {
    expect(checkSecret(SECRET, { ...HEALTHY, LastRotatedDate: undefined }, NOW).problems).toEqual([]);
  });
  test('passes managed rotation (OwningService) without a rotation Lambda', () => {
    expect(checkSecret(SECRET, { ...HEALTHY, RotationLambdaARN: undefined, OwningService: 'rds' }, NOW).problems).toEqual([]);
  });
  test.each<[string, DescribeSecretResponse, string[]]>([
    ['rotation is off', { ...HEALTHY, RotationEnabled: false }, ['rotation is not enabled']],
    ['no rotation function', { ...HEALTHY, RotationLambdaARN: undefined }, ['has neither a rotation Lambda nor hosted or managed rotation']],
    ['no rules', { ...HEALTHY, RotationRules: undefined }, ['has no rotation schedule Secrets Manager reports as a rate (RotationRules: null)']],
    ['a cron schedule', { ...HEALTHY, RotationRules: { ScheduleExpression: 'cron(0 0 1 * ? *)' } },
      ['has no rotation schedule Secrets Manager reports as a rate (RotationRules: {"ScheduleExpression":"cron(0 0 1 * ? *)"})']],
    ['too long an interval', { ...HEALTHY, RotationRules: { ScheduleExpression: 'rate(31 days)' }, LastRotatedDate: undefined },
      ['rotates every 31 days, more than the required maximum of 30 days']],
    ['deletion scheduled', { ...HEALTHY, DeletedDate: new Date('2025-05-30T00:00:00Z') }, ['is scheduled for deletion (since 2025-05-30T00:00:00.000Z)']],
    ['an overdue rotation', { ...HEALTHY, LastRotatedDate: new Date(NOW.getTime() - (30 * 24 + 25) * HOUR) },
      ['last rotated 2025-04-30T23:00:00.000Z, 745 hours ago, more than its interval plus grace (31 days): rotation is failing']],
    ['everything wrong', { RotationEnabled: false }, ['rotation is not enabled', 'has neither a rotation Lambda nor hosted or managed rotation',
      'has no rotation schedule Secrets Manager reports as a rate (RotationRules: null)']],
  ])('fails when %s', (_name, secret, problems) => {
    expect(checkSecret(SECRET, secret, NOW).problems).toEqual(problems);
  });
  test('an overdue rotation uses the required maximum when the schedule is unknown', () => {
    const secret = { ...HEALTHY, RotationRules: {}, LastRotatedDate: new Date(NOW.getTime() - 40 * 24 * HOUR) };
    expect(checkSecret(SECRET, secret, NOW).problems[1]).toMatch(/more than its interval plus grace \(31 days\)/);
  });
  test('the last rotation exactly at interval plus grace is not overdue', () => {
    expect(checkSecret(SECRET, { ...HEALTHY, LastRotatedDate: new Date(NOW.getTime() - 31 * 24 * HOUR) }, NOW).problems).toEqual([]);
  });
  test('an old last rotation is not overdue while a rotation is in progress', () => {
    const secret = { ...HEALTHY, LastRotatedDate: new Date(0), VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } };
    expect(checkSecret(SECRET, secret, NOW).problems).toEqual([]);
  });
});

describe('rotationIntervalHours', () => {
  test.each<[DescribeSecretResponse['RotationRules'], number | undefined]>([
    [undefined, undefined],
    [{}, undefined],
    [{ ScheduleExpression: 'rate(4 hours)' }, 4],
    [{ ScheduleExpression: 'rate(1 hour)' }, 1],
    [{ ScheduleExpression: ' rate( 7 days ) ' }, 168],
    [{ ScheduleExpression: 'rate(1 day)', AutomaticallyAfterDays: 9 }, 24],
    [{ AutomaticallyAfterDays: 30 }, 720],
    [{ AutomaticallyAfterDays: 0 }, undefined],
    [{ ScheduleExpression: 'cron(0 12 * * ? *)' }, undefined],
    [{ ScheduleExpression: 'cron(0 12 * * ? *)', AutomaticallyAfterDays: 2 }, 48],
  ])('%j is %p hours', (rules, hours) => {
    expect(rotationIntervalHours(rules)).toBe(hours);
  });
});

describe('versions', () => {
  test('currentVersionId finds AWSCURRENT', () => {
    expect(currentVersionId({ VersionIdsToStages: { a: ['AWSPREVIOUS'], b: ['AWSCURRENT', 'x'] } })).toBe('b');
    expect(currentVersionId({})).toBeUndefined();
  });
  test.each<[Record<string, string[]> | undefined, boolean]>([
    [undefined, false],
    [{ a: ['AWSCURRENT'] }, false],
    [{ a: ['AWSCURRENT', 'AWSPENDING'] }, false],
    [{ a: ['AWSCURRENT'], b: ['AWSPENDING'] }, true],
  ])('rotationInProgress(%j) is %p', (stages, expected) => {
    expect(rotationInProgress({ VersionIdsToStages: stages })).toBe(expected);
  });
  test.each<[string | undefined, Record<string, string[]>, string]>([
    ['a', { a: ['AWSCURRENT'] }, 'waiting'],
    ['a', { a: ['AWSCURRENT'], b: ['AWSPENDING'] }, 'waiting'],
    ['a', { a: ['AWSPREVIOUS'], b: ['AWSCURRENT'] }, 'rotated'],
    [undefined, { b: ['AWSCURRENT'] }, 'rotated'],
    [undefined, {}, 'waiting'],
  ])('testRotationProgress(%p, %j) is %p', (previous, stages, expected) => {
    expect(testRotationProgress(previous, { VersionIdsToStages: stages })).toBe(expected);
  });
});

describe('errors', () => {
  test.each([
    ['AccessDeniedException', /verification's role is scoped/],
    ['NotFoundException', /does it exist/],
    ['ResourceNotFoundException', /does it exist/],
    ['KMSInvalidStateException', /pending deletion/],
    ['DisabledException', /disabled/],
  ])('errorVerdict names %s with a hint', (name, hint) => {
    const v = errorVerdict('key k', { name, message: 'boom' });
    expect(v.subject).toBe('key k');
    expect(v.problems[0]).toMatch(new RegExp(`^could not be read: ${name}: boom`));
    expect(v.problems[0]).toMatch(hint);
  });
  test('errorVerdict without a name or message', () => {
    expect(errorVerdict('key k', {}).problems).toEqual(['could not be read: Error:']);
  });
  test('rotationTimeoutVerdict names the secret and the wait', () => {
    expect(rotationTimeoutVerdict(SECRET, 720)).toEqual({
      subject: `secret ${SECRET.secretId}`,
      problems: ['test rotation did not move AWSCURRENT within 720 seconds: check the rotation Lambda\'s logs'],
    });
  });
});

describe('decide', () => {
  const ok = { subject: 'key a', problems: [] };
  const bad = { subject: 'secret b', problems: ['rotation is not enabled', 'x'] };
  test.each<[string, boolean, string]>([
    ['Create', false, 'fail'],
    ['Create', true, 'fail'],
    ['Update', false, 'report'],
    ['Update', true, 'fail'],
    ['Delete', false, 'succeed'],
    ['Delete', true, 'succeed'],
  ])('%s (strict: %p) with a failing check: %s', (type, strict, outcome) => {
    expect(decide(type, strict, [ok, bad]).outcome).toBe(outcome);
  });
  test('a failure names each failing subject and what is wrong', () => {
    expect(decide('Create', false, [ok, bad]).message).toBe('Rotation verification failed:\nsecret b: rotation is not enabled; x');
    expect(decide('Update', false, [ok, bad]).message).toBe('secret b: rotation is not enabled; x');
  });
  test.each(['Create', 'Update'])('%s with every check passing succeeds', (type) => {
    expect(decide(type, true, [ok])).toEqual({ outcome: 'succeed', message: '' });
  });
});

describe('truncateFindings', () => {
  test('keeps short findings and cuts long ones to the limit', () => {
    expect(truncateFindings('abc')).toBe('abc');
    const cut = truncateFindings('x'.repeat(10_000));
    expect(cut.length).toBeLessThanOrEqual(MAX_FINDINGS_LENGTH);
    expect(cut.endsWith('… (truncated)')).toBe(true);
  });
});

describe('parseRequest', () => {
  test('reads CloudFormation\'s strings', () => {
    expect(parseRequest({
      ServiceToken: 'x',
      Keys: [{ KeyId: 'k', MaxRotationPeriodDays: '365' }],
      Secrets: [{ SecretId: 's', MaxRotationIntervalHours: '720', GraceHours: '24', TestRotation: 'true' }],
      Strict: 'false',
      WaitSeconds: '720',
    })).toEqual({
      keys: [{ keyId: 'k', maxRotationPeriodDays: 365 }],
      secrets: [{ secretId: 's', maxRotationIntervalHours: 720, graceHours: 24, testRotation: true }],
      strict: false,
      waitSeconds: 720,
    });
  });
  test('reads native types and missing lists', () => {
    expect(parseRequest({ Strict: true, WaitSeconds: 10 })).toEqual({ keys: [], secrets: [], strict: true, waitSeconds: 10 });
  });
  test.each<[Record<string, unknown>, string]>([
    [{ Keys: 'k', WaitSeconds: '1' }, 'property Keys must be a list of objects, got "k"'],
    [{ Keys: [null], WaitSeconds: '1' }, 'property Keys must be a list of objects, got [null]'],
    [{ Keys: [{ KeyId: '', MaxRotationPeriodDays: '1' }], WaitSeconds: '1' }, 'property Keys[0].KeyId must be a non-empty string, got ""'],
    [{ Keys: [{ KeyId: 'k', MaxRotationPeriodDays: 'x' }], WaitSeconds: '1' }, 'property Keys[0].MaxRotationPeriodDays must be a non-negative number, got "x"'],
    [{ Secrets: [{ SecretId: 's', MaxRotationIntervalHours: '1', GraceHours: '-1' }], WaitSeconds: '1' }, 'property Secrets[0].GraceHours must be a non-negative number, got "-1"'],
    [{ Secrets: [{ SecretId: 's', MaxRotationIntervalHours: '1', GraceHours: '1', TestRotation: 'yes' }], WaitSeconds: '1' }, 'property Secrets[0].TestRotation must be "true" or "false", got "yes"'],
    [{}, 'property WaitSeconds must be a non-negative number, got undefined'],
    [{ WaitSeconds: '' }, 'property WaitSeconds must be a non-negative number, got ""'],
  ])('fails when the properties are %j', (properties, message) => {
    expect(() => parseRequest(properties)).toThrow(message);
  });
});
