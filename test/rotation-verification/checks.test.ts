import {
  DAILY_CHECK_FIELD, DAILY_CHECK_NAMESPACE, DEFAULT_PENDING_WAIT_SECONDS, DescribeSecretResponse, KeyRequirement, MAX_FINDINGS_LENGTH,
  SecretRequirement,
  VerificationRequest, checkKey, checkSecret, currentVersionId, decide, errorVerdict, isDailyCheckEvent, keepWaiting, parseDailyRequest,
  parseRequest, pendingRotationVerdict, rotationFunctionName, rotationInProgress, rotationIntervalHours, rotationTimeoutVerdict,
  summarizeDaily, testRotationProgress, truncateFindings, waitBudgetSeconds, whereToLook,
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
    // The expression is anchored at both ends and needs a space between number and unit:
    // anything else is not a rate Secrets Manager reports, and falls back to the days.
    [{ ScheduleExpression: 'xrate(4 hours)' }, undefined],
    [{ ScheduleExpression: 'rate(4 hours)x', AutomaticallyAfterDays: 3 }, 72],
    [{ ScheduleExpression: 'rate(4hours)' }, undefined],
    [{ ScheduleExpression: 'rate(four hours)' }, undefined],
    [{ ScheduleExpression: 'rate(4 weeks)' }, undefined],
    [{ ScheduleExpression: 'rate(12 hours )' }, 12],
    [{ ScheduleExpression: 'rate(\t2\tdays)' }, 48],
    [{ ScheduleExpression: 'rate(10 days)' }, 240],
    [{ ScheduleExpression: 'rate(6  hours)' }, 6],
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
    // No version holds AWSCURRENT (yet): nothing has rotated, whatever the previous version was.
    ['a', { a: ['AWSPREVIOUS'] }, 'waiting'],
    ['a', {}, 'waiting'],
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
    expect(rotationTimeoutVerdict(SECRET, 720, HEALTHY)).toEqual({
      subject: `secret ${SECRET.secretId}`,
      problems: ['test rotation did not move AWSCURRENT within 720 seconds: the rotation function rotate has not finished it; '
        + 'see its logs in /aws/lambda/rotate (its default log group) for the step that failed (createSecret, setSecret, testSecret or finishSecret)'],
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
  test('a delete succeeds silently even with failing checks', () => {
    expect(decide('Delete', true, [ok, bad])).toEqual({ outcome: 'succeed', message: '' });
  });
  test('each failing subject gets a line of its own', () => {
    const worse = { subject: 'key c', problems: ['automatic key rotation is disabled'] };
    expect(decide('Update', false, [bad, ok, worse]).message).toBe('secret b: rotation is not enabled; x\nkey c: automatic key rotation is disabled');
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

  test('findings of exactly the limit are kept whole; one character more are cut', () => {
    const atLimit = 'x'.repeat(MAX_FINDINGS_LENGTH);
    expect(truncateFindings(atLimit)).toBe(atLimit);
    expect(truncateFindings(`${atLimit}y`)).toBe(`${'x'.repeat(MAX_FINDINGS_LENGTH - 20)}… (truncated)`);
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
      PendingWaitSeconds: '60',
    })).toEqual({
      keys: [{ keyId: 'k', maxRotationPeriodDays: 365 }],
      secrets: [{ secretId: 's', maxRotationIntervalHours: 720, graceHours: 24, testRotation: true }],
      strict: false,
      waitSeconds: 720,
      pendingWaitSeconds: 60,
    });
  });
  test('reads a grace of "0" hours as zero, not as missing or negative', () => {
    expect(parseRequest({ Secrets: [{ SecretId: 's', MaxRotationIntervalHours: '4', GraceHours: '0' }], WaitSeconds: '0' }))
      .toEqual({
        keys: [],
        secrets: [{ secretId: 's', maxRotationIntervalHours: 4, graceHours: 0, testRotation: false }],
        strict: false,
        waitSeconds: 0,
        pendingWaitSeconds: DEFAULT_PENDING_WAIT_SECONDS,
      });
  });
  test('reads native false', () => {
    expect(parseRequest({ Strict: false, WaitSeconds: 10 }).strict).toBe(false);
  });
  test('reads native types and missing lists', () => {
    // A resource deployed before PendingWaitSeconds existed: the default applies until its next update sends it.
    expect(parseRequest({ Strict: true, WaitSeconds: 10 }))
      .toEqual({ keys: [], secrets: [], strict: true, waitSeconds: 10, pendingWaitSeconds: DEFAULT_PENDING_WAIT_SECONDS });
  });
  test.each<[Record<string, unknown>, string]>([
    [{ Keys: 'k', WaitSeconds: '1' }, 'property Keys must be a list of objects, got "k"'],
    [{ Keys: [null], WaitSeconds: '1' }, 'property Keys must be a list of objects, got [null]'],
    [{ Keys: [{ KeyId: 'k', MaxRotationPeriodDays: '1' }, 'k2'], WaitSeconds: '1' },
      'property Keys must be a list of objects, got [{"KeyId":"k","MaxRotationPeriodDays":"1"},"k2"]'],
    [{ Secrets: {}, WaitSeconds: '1' }, 'property Secrets must be a list of objects, got {}'],
    [{ Keys: [{ KeyId: 5, MaxRotationPeriodDays: '1' }], WaitSeconds: '1' }, 'property Keys[0].KeyId must be a non-empty string, got 5'],
    [{ Keys: [{ KeyId: '', MaxRotationPeriodDays: '1' }], WaitSeconds: '1' }, 'property Keys[0].KeyId must be a non-empty string, got ""'],
    [{ Keys: [{ KeyId: 'k', MaxRotationPeriodDays: 'x' }], WaitSeconds: '1' }, 'property Keys[0].MaxRotationPeriodDays must be a non-negative number, got "x"'],
    [{ Secrets: [{ SecretId: 's', MaxRotationIntervalHours: '1', GraceHours: '-1' }], WaitSeconds: '1' }, 'property Secrets[0].GraceHours must be a non-negative number, got "-1"'],
    [{ Secrets: [{ SecretId: 's', MaxRotationIntervalHours: '1', GraceHours: '1', TestRotation: 'yes' }], WaitSeconds: '1' }, 'property Secrets[0].TestRotation must be "true" or "false", got "yes"'],
    [{}, 'property WaitSeconds must be a non-negative number, got undefined'],
    [{ WaitSeconds: '  ' }, 'property WaitSeconds must be a non-negative number, got "  "'],
    [{ WaitSeconds: '1', PendingWaitSeconds: 'soon' }, 'property PendingWaitSeconds must be a non-negative number, got "soon"'],
    [{ WaitSeconds: '1', Strict: 'yes' }, 'property Strict must be "true" or "false", got "yes"'],
    [{ Secrets: [{ MaxRotationIntervalHours: '1', GraceHours: '1' }], WaitSeconds: '1' }, 'property Secrets[0].SecretId must be a non-empty string, got undefined'],
    [{ Secrets: [{ SecretId: 's', GraceHours: '1' }], WaitSeconds: '1' }, 'property Secrets[0].MaxRotationIntervalHours must be a non-negative number, got undefined'],
    [{ WaitSeconds: '' }, 'property WaitSeconds must be a non-negative number, got ""'],
  ])('fails when the properties are %j', (properties, message) => {
    expect(() => parseRequest(properties)).toThrow(message);
  });
});

describe('the age of the last rotation', () => {
  const PENDING = { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] };
  const overdue = new Date(NOW.getTime() - (30 * 24 + 25) * HOUR);
  test('a secret that never rotated counts from its creation', () => {
    expect(checkSecret(SECRET, { ...HEALTHY, LastRotatedDate: undefined, CreatedDate: overdue }, NOW).problems).toEqual([
      'never rotated since it was created 2025-04-30T23:00:00.000Z, 745 hours ago, more than its interval plus grace (31 days): rotation is failing',
    ]);
  });
  test('a secret that never rotated, created within its interval plus grace, passes', () => {
    const created = new Date(NOW.getTime() - 31 * 24 * HOUR);
    expect(checkSecret(SECRET, { ...HEALTHY, LastRotatedDate: undefined, CreatedDate: created }, NOW).problems).toEqual([]);
  });
  test('at deploy time a rotation in progress skips the overdue check: the handler waits for it', () => {
    expect(checkSecret(SECRET, { ...HEALTHY, LastRotatedDate: overdue, VersionIdsToStages: PENDING }, NOW, 'deploy').problems).toEqual([]);
  });
  test('on the daily check a lingering pending version does not excuse an overdue rotation', () => {
    expect(checkSecret(SECRET, { ...HEALTHY, LastRotatedDate: overdue, VersionIdsToStages: PENDING }, NOW, 'daily').problems).toEqual([
      'last rotated 2025-04-30T23:00:00.000Z, 745 hours ago, more than its interval plus grace (31 days): rotation is failing '
      + '(a version still holds AWSPENDING: the last rotation did not finish)',
    ]);
  });
  test('on the daily check a rotation in progress within the interval is no finding', () => {
    expect(checkSecret(SECRET, { ...HEALTHY, VersionIdsToStages: PENDING }, NOW, 'daily').problems).toEqual([]);
  });
  test('the daily check judges everything else as at deploy time', () => {
    const broken: DescribeSecretResponse = { ...HEALTHY, RotationEnabled: false, RotationRules: { ScheduleExpression: 'rate(31 days)' } };
    expect(checkSecret(SECRET, broken, NOW, 'daily')).toEqual(checkSecret(SECRET, broken, NOW, 'deploy'));
  });
});

describe('a rotation left pending at deploy time', () => {
  const REQUEST: VerificationRequest = { keys: [], secrets: [], strict: false, waitSeconds: 720, pendingWaitSeconds: 180 };
  test.each([
    ['arn:aws:lambda:us-east-1:111111111111:function:rotate', 'rotate'],
    ['arn:aws-us-gov:lambda:us-gov-west-1:111111111111:function:SecretsManagerRDSPostgreSQLRotationSingleUser', 'SecretsManagerRDSPostgreSQLRotationSingleUser'],
    ['arn:aws:lambda:us-east-1:111111111111:function:rotate:live', 'rotate'],
    ['arn:aws:lambda:us-east-1:111111111111:function:rotate:$LATEST', 'rotate'],
  ])('rotationFunctionName(%s) is %s', (arn, name) => {
    expect(rotationFunctionName(arn)).toBe(name);
  });
  test.each(['rotate', 'arn:aws:lambda:us-east-1:111111111111:layer:x:1', 'arn:aws:secretsmanager:us-east-1:1:secret:s',
    'xarn:aws:lambda:us-east-1:111111111111:function:rotate', 'arn:aws:lambda:us-east-1:111111111111:function:rotate:1:extra'])('rotationFunctionName(%s) is undefined', (arn) => {
    expect(rotationFunctionName(arn)).toBeUndefined();
  });
  test('names the rotation function and its default log group', () => {
    expect(pendingRotationVerdict(SECRET, 180, HEALTHY)).toEqual({
      subject: `secret ${SECRET.secretId}`,
      problems: ['a rotation is still pending after 180 seconds (a version holds AWSPENDING and AWSCURRENT has not moved): '
        + 'the rotation function rotate has not finished it; see its logs in /aws/lambda/rotate (its default log group) '
        + 'for the step that failed (createSecret, setSecret, testSecret or finishSecret). Secrets Manager retries the pending '
        + `rotation at the next scheduled rotation, or now with \`aws secretsmanager rotate-secret --secret-id ${SECRET.secretId}\``],
    });
  });
  test.each<[DescribeSecretResponse, string]>([
    [{ OwningService: 'rds' }, 'its rotation is managed by rds; see that service\'s events for the failure'],
    [{}, 'the secret has no rotation function to finish it'],
    [{ RotationLambdaARN: 'not-an-arn' }, 'the secret has no rotation function to finish it'],
  ])('whereToLook(%j)', (secret, text) => {
    expect(whereToLook(secret)).toBe(text);
  });
  test('a test rotation gets the whole wait; a rotation the verification did not start gets the short pending wait', () => {
    expect(waitBudgetSeconds(REQUEST, true)).toBe(720);
    expect(waitBudgetSeconds(REQUEST, false)).toBe(180);
    expect(waitBudgetSeconds({ ...REQUEST, pendingWaitSeconds: 900 }, false)).toBe(720);
  });
  const failing = [{ subject: 'key k', problems: ['automatic key rotation is disabled'] }];
  const passing = [{ subject: 'key k', problems: [] }];
  test.each<[string, boolean, number, typeof failing, boolean]>([
    ['Create', false, 0, passing, false],
    ['Create', false, 1, passing, true],
    ['Create', false, 1, failing, false],
    ['Update', true, 1, failing, false],
    ['Update', false, 1, failing, true],
    ['Update', false, 0, failing, false],
    ['Delete', false, 1, passing, false],
  ])('keepWaiting(%s, strict %s, %d waiting, %j) is %s', (type, strict, waiting, verdicts, expected) => {
    expect(keepWaiting(type, strict, waiting, verdicts)).toBe(expected);
  });
});

describe('the daily check\'s input', () => {
  const input = {
    [DAILY_CHECK_FIELD]: {
      Stack: 'app',
      Shard: 2,
      Keys: [{ MaxDays: 365, Ids: ['k1', 'k2'] }, { MaxDays: 90, Ids: ['k3'] }],
      Secrets: [{ MaxHours: 720, GraceHours: 24, Ids: ['s1'] }],
    },
  };
  test('is told apart from CloudFormation requests', () => {
    expect(isDailyCheckEvent(input)).toBe(true);
    expect(isDailyCheckEvent({ RequestType: 'Create', ResourceProperties: {} })).toBe(false);
    expect(isDailyCheckEvent(null)).toBe(false);
    expect(isDailyCheckEvent('DailyRotationCheck')).toBe(false);
  });
  test('expands each group into one requirement per subject; secrets are never test-rotated', () => {
    expect(parseDailyRequest(input)).toEqual({
      stackName: 'app',
      shard: 2,
      keys: [{ keyId: 'k1', maxRotationPeriodDays: 365 }, { keyId: 'k2', maxRotationPeriodDays: 365 }, { keyId: 'k3', maxRotationPeriodDays: 90 }],
      secrets: [{ secretId: 's1', maxRotationIntervalHours: 720, graceHours: 24, testRotation: false }],
    });
  });
  test('the metrics namespace is KmsPatterns/RotationCheck, a public name (DailyRotationCheck.NAMESPACE)', () => {
    expect(DAILY_CHECK_NAMESPACE).toBe('KmsPatterns/RotationCheck');
  });
  test('missing lists are empty', () => {
    expect(parseDailyRequest({ [DAILY_CHECK_FIELD]: { Stack: 'app', Shard: 1 } })).toEqual({ stackName: 'app', shard: 1, keys: [], secrets: [] });
  });
  test.each<[unknown, string]>([
    [[], 'DailyRotationCheck must be an object, got []'],
    ['x', 'DailyRotationCheck must be an object, got "x"'],
    [null, 'DailyRotationCheck must be an object, got null'],
    [{ Stack: 'a', Shard: 'one' }, 'property Shard must be a non-negative number, got "one"'],
    [{ Stack: 'a', Shard: 1, Keys: 'k' }, 'property Keys must be a list of objects, got "k"'],
    [{ Stack: 'a', Shard: 1, Secrets: 's' }, 'property Secrets must be a list of objects, got "s"'],
    [{ Stack: 'a', Shard: 1, Secrets: [{ GraceHours: 1, Ids: ['s'] }] }, 'property Secrets[0].MaxHours must be a non-negative number, got undefined'],
    [{ Stack: 'a', Shard: 1, Secrets: [{ MaxHours: 1, GraceHours: 1, Ids: [7] }] }, 'property Secrets[0].Ids[0] must be a non-empty string, got 7'],
    [{ Shard: 1 }, 'property Stack must be a non-empty string, got undefined'],
    [{ Stack: 'a', Shard: 1, Keys: [{ MaxDays: 365 }] }, 'Keys[0].Ids must be a list of strings, got undefined'],
    [{ Stack: 'a', Shard: 1, Keys: [{ MaxDays: 365, Ids: [''] }] }, 'property Keys[0].Ids[0] must be a non-empty string, got ""'],
    [{ Stack: 'a', Shard: 1, Keys: [{ Ids: ['k'] }] }, 'property Keys[0].MaxDays must be a non-negative number, got undefined'],
    [{ Stack: 'a', Shard: 1, Secrets: [{ MaxHours: 1, Ids: ['s'] }] }, 'property Secrets[0].GraceHours must be a non-negative number, got undefined'],
  ])('fails when the input is %j', (body, message) => {
    expect(() => parseDailyRequest({ [DAILY_CHECK_FIELD]: body })).toThrow(message);
  });
  test('the findings are the failing verdicts, counted', () => {
    const bad = { subject: 'key k2', problems: ['automatic key rotation is disabled'] };
    expect(summarizeDaily([{ subject: 'key k1', problems: [] }, bad])).toEqual({ findings: 1, failing: [bad] });
    expect(summarizeDaily([])).toEqual({ findings: 0, failing: [] });
  });
});
