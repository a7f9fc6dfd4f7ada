// The handler's wiring, with aws-sdk-client-mock: which SDK calls it makes, how it
// waits, retries, decides and reports. The decisions themselves are checks.test.ts's.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  IsCompleteRequest, VerificationState, configure, dailyCheck, handler, isComplete, isThrottling, onEvent, reset,
} from '../../src/rotation-verification/verify-rotation.lambda';

const KEY = 'arn:aws:kms:us-east-1:111111111111:key/k1';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s1-AbCdEf';
const START = new Date('2025-06-01T00:00:00Z');

const kms = mockClient(KMSClient);
const sm = mockClient(SecretsManagerClient);
const cw = mockClient(CloudWatchClient);
let now: Date;
const sleeps: number[] = [];

function props(overrides: { strict?: string; testRotation?: string } = {}): Record<string, unknown> {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider',
    Keys: [{ KeyId: KEY, MaxRotationPeriodDays: '365' }],
    Secrets: [{ SecretId: SECRET, MaxRotationIntervalHours: '720', GraceHours: '24', TestRotation: overrides.testRotation ?? 'false' }],
    Strict: overrides.strict ?? 'false',
    WaitSeconds: '600',
  };
}

function event(type: 'Create' | 'Update' | 'Delete', properties = props(), state?: VerificationState): IsCompleteRequest {
  const base = {
    ServiceToken: 'x',
    ResponseURL: 'https://example.com',
    StackId: 'stack',
    RequestId: 'req-1',
    LogicalResourceId: 'Verify',
    ResourceType: 'Custom::KmsPatternsRotationVerification',
    ResourceProperties: properties as any,
  };
  const e = type === 'Create' ? { ...base, RequestType: 'Create' }
    : type === 'Update' ? { ...base, RequestType: 'Update', PhysicalResourceId: 'rotation-verification-req-0', OldResourceProperties: {} }
      : { ...base, RequestType: 'Delete', PhysicalResourceId: 'rotation-verification-req-0' };
  return { ...(e as CloudFormationCustomResourceEvent), ...(state ? { VerificationState: state } : {}) };
}

const HEALTHY_SECRET = {
  ARN: SECRET,
  RotationEnabled: true,
  RotationLambdaARN: 'arn:aws:lambda:us-east-1:111111111111:function:rotate',
  RotationRules: { AutomaticallyAfterDays: 30, ScheduleExpression: 'rate(30 days)' },
  LastRotatedDate: new Date(START.getTime() - 3_600_000),
  VersionIdsToStages: { v1: ['AWSCURRENT'] },
};

beforeEach(() => {
  kms.reset();
  sm.reset();
  cw.reset();
  sleeps.length = 0;
  now = START;
  configure({
    kms: new KMSClient({ region: 'us-east-1' }),
    secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
    cloudWatch: new CloudWatchClient({ region: 'us-east-1' }),
    sleep: async (ms) => { sleeps.push(ms); },
    now: () => now,
    maxAttempts: 4,
    baseDelayMs: 100,
  });
  kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
  sm.on(DescribeSecretCommand).resolves(HEALTHY_SECRET);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(() => reset());

describe('onEvent', () => {
  test('create: a physical ID from the request, the start time, no SDK call without testRotation', async () => {
    const result = await onEvent(event('Create'));
    expect(result).toEqual({
      PhysicalResourceId: 'rotation-verification-req-1',
      VerificationState: { startedAt: START.toISOString(), previousVersions: {}, startFailures: [] },
    });
    expect(sm.calls()).toHaveLength(0);
    expect(kms.calls()).toHaveLength(0);
  });

  test('update keeps the physical ID', async () => {
    expect((await onEvent(event('Update'))).PhysicalResourceId).toBe('rotation-verification-req-0');
  });

  test('delete makes no call and keeps the physical ID', async () => {
    expect(await onEvent(event('Delete'))).toEqual({ PhysicalResourceId: 'rotation-verification-req-0' });
    expect(sm.calls()).toHaveLength(0);
  });

  test('testRotation records AWSCURRENT and starts the rotation', async () => {
    sm.on(RotateSecretCommand).resolves({});
    const result = await onEvent(event('Create', props({ testRotation: 'true' })));
    expect(result.VerificationState!.previousVersions).toEqual({ [SECRET]: 'v1' });
    expect(sm.commandCalls(RotateSecretCommand)[0].args[0].input).toEqual({ SecretId: SECRET, RotateImmediately: true });
  });

  test('testRotation that cannot start is recorded, not thrown', async () => {
    sm.on(RotateSecretCommand).rejects(Object.assign(new Error('A previous rotation isn\'t complete.'), { name: 'InvalidRequestException' }));
    const result = await onEvent(event('Update', props({ testRotation: 'true' })));
    expect(result.VerificationState!.startFailures).toEqual([{
      subject: `secret ${SECRET}`,
      problems: ['could not be read: InvalidRequestException: A previous rotation isn\'t complete.'],
    }]);
  });

  test('malformed properties are left to isComplete', async () => {
    expect((await onEvent(event('Create', { Keys: 'x' }))).PhysicalResourceId).toBe('rotation-verification-req-1');
  });
});

describe('isComplete', () => {
  const state: VerificationState = { startedAt: START.toISOString(), previousVersions: {}, startFailures: [] };

  test('success: one GetKeyRotationStatus per key, one DescribeSecret per secret, PASSED', async () => {
    expect(await isComplete(event('Create', props(), state))).toEqual({ IsComplete: true, Data: { Status: 'PASSED', Findings: '' } });
    expect(kms.commandCalls(GetKeyRotationStatusCommand)[0].args[0].input).toEqual({ KeyId: KEY });
    expect(sm.commandCalls(DescribeSecretCommand)[0].args[0].input).toEqual({ SecretId: SECRET });
  });

  test('the Lambda entry point dispatches on VERIFY_ROTATION_PHASE', async () => {
    process.env.VERIFY_ROTATION_PHASE = 'isComplete';
    try {
      expect(await handler(event('Create', props(), state))).toEqual({ IsComplete: true, Data: { Status: 'PASSED', Findings: '' } });
    } finally {
      delete process.env.VERIFY_ROTATION_PHASE;
    }
    expect(await handler(event('Create'))).toHaveProperty('PhysicalResourceId', 'rotation-verification-req-1');
  });

  test.each<[string, () => void, RegExp]>([
    ['key rotation disabled', () => kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false }),
      new RegExp(`key ${KEY}: automatic key rotation is disabled`)],
    ['key period too long', () => kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true, RotationPeriodInDays: 730 }),
      /rotates every 730 days, more than the required maximum of 365 days/],
    ['key unreadable', () => kms.on(GetKeyRotationStatusCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })),
      new RegExp(`key ${KEY}: could not be read: AccessDeniedException: denied`)],
    ['secret rotation off', () => sm.on(DescribeSecretCommand).resolves({ ...HEALTHY_SECRET, RotationEnabled: false }),
      new RegExp(`secret ${SECRET}: rotation is not enabled`)],
    ['secret without a rotation function', () => sm.on(DescribeSecretCommand).resolves({ ...HEALTHY_SECRET, RotationLambdaARN: undefined }),
      /has neither a rotation Lambda nor hosted or managed rotation/],
    ['secret schedule too long', () => sm.on(DescribeSecretCommand).resolves({ ...HEALTHY_SECRET, RotationRules: { ScheduleExpression: 'rate(90 days)' } }),
      /rotates every 90 days, more than the required maximum of 30 days/],
    ['secret overdue', () => sm.on(DescribeSecretCommand).resolves({ ...HEALTHY_SECRET, LastRotatedDate: new Date('2025-01-01T00:00:00Z') }),
      /rotation is failing/],
    ['secret missing', () => sm.on(DescribeSecretCommand).rejects(Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' })),
      new RegExp(`secret ${SECRET}: could not be read: ResourceNotFoundException: nope`)],
  ])('create fails when %s, naming it', async (_name, arrange, message) => {
    arrange();
    await expect(isComplete(event('Create', props(), state))).rejects.toThrow(message);
  });

  test('update outside strict mode reports the finding (attribute and WARN line) and succeeds', async () => {
    kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    const result = await isComplete(event('Update', props(), state));
    expect(result).toEqual({ IsComplete: true, Data: { Status: 'FINDINGS', Findings: `key ${KEY}: automatic key rotation is disabled` } });
    const warning = JSON.parse((console.warn as jest.Mock).mock.calls[0][0]);
    expect(warning).toMatchObject({ level: 'WARN', requestType: 'Update', findings: `key ${KEY}: automatic key rotation is disabled` });
  });

  test('update in strict mode fails', async () => {
    kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    await expect(isComplete(event('Update', props({ strict: 'true' }), state))).rejects.toThrow(/automatic key rotation is disabled/);
  });

  test('delete never fails and makes no call, even with a broken configuration', async () => {
    kms.on(GetKeyRotationStatusCommand).rejects(new Error('x'));
    expect(await isComplete(event('Delete', { Keys: 'broken' }, state))).toEqual({ IsComplete: true });
    expect(kms.calls()).toHaveLength(0);
  });

  test('malformed properties fail a create and are reported on an update', async () => {
    await expect(isComplete(event('Create', { Keys: 'x', WaitSeconds: '1' }))).rejects.toThrow(/property Keys must be a list of objects/);
    expect((await isComplete(event('Update', { Keys: 'x', WaitSeconds: '1' }))).Data?.Status).toBe('FINDINGS');
  });

  test('throttling is retried with exponential backoff, then succeeds', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    kms.on(GetKeyRotationStatusCommand)
      .rejectsOnce(throttled).rejectsOnce(throttled)
      .resolves({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    jest.spyOn(Math, 'random').mockReturnValue(1);
    expect((await isComplete(event('Create', props(), state))).Data?.Status).toBe('PASSED');
    expect(kms.commandCalls(GetKeyRotationStatusCommand)).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  test('throttling that persists past the attempts fails the create with the throttling error', async () => {
    sm.on(DescribeSecretCommand).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    await expect(isComplete(event('Create', props(), state))).rejects.toThrow(/TooManyRequestsException: slow down/);
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(4);
  });

  test('other errors are not retried', async () => {
    sm.on(DescribeSecretCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    await expect(isComplete(event('Create', props(), state))).rejects.toThrow(/AccessDeniedException/);
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test.each([
    [{ name: 'ThrottlingException' }, true],
    [{ name: 'Throttling' }, true],
    [{ name: 'RequestLimitExceeded' }, true],
    [{ name: 'X', $retryable: { throttling: true } }, true],
    [{ name: 'X', $metadata: { httpStatusCode: 429 } }, true],
    [{ name: 'InvalidRequestException' }, false],
    [undefined, false],
  ])('isThrottling(%j) is %p', (error, expected) => {
    expect(isThrottling(error)).toBe(expected);
  });

  describe('waiting', () => {
    const pending = { ...HEALTHY_SECRET, VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } };
    const testState: VerificationState = { ...state, previousVersions: { [SECRET]: 'v1' } };

    test('a test rotation that has not moved AWSCURRENT yet: not complete, no Data', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      expect(await isComplete(event('Create', props({ testRotation: 'true' }), testState))).toEqual({ IsComplete: false });
    });

    test('a test rotation that moved AWSCURRENT: checks run and pass', async () => {
      sm.on(DescribeSecretCommand).resolves({ ...HEALTHY_SECRET, VersionIdsToStages: { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] } });
      expect((await isComplete(event('Create', props({ testRotation: 'true' }), testState))).Data?.Status).toBe('PASSED');
    });

    test('a test rotation past the wait budget fails a create', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      now = new Date(START.getTime() + 601_000);
      await expect(isComplete(event('Create', props({ testRotation: 'true' }), testState)))
        .rejects.toThrow(`secret ${SECRET}: test rotation did not move AWSCURRENT within 601 seconds`);
    });

    test('a test rotation past the wait budget is reported on an update', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      now = new Date(START.getTime() + 601_000);
      const result = await isComplete(event('Update', props({ testRotation: 'true' }), testState));
      expect(result.Data).toEqual({ Status: 'FINDINGS', Findings: expect.stringContaining('test rotation did not move AWSCURRENT') });
    });

    test('a test rotation that failed to start is not waited for, and fails the create', async () => {
      const failed: VerificationState = { ...state, startFailures: [{ subject: `secret ${SECRET}`, problems: ['could not be read: X: y'] }] };
      await expect(isComplete(event('Create', props({ testRotation: 'true' }), failed))).rejects.toThrow('could not be read: X: y');
    });

    test('a rotation already in progress is waited for, within the pending budget', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      now = new Date(START.getTime() + 179_000);
      expect(await isComplete(event('Create', props(), state))).toEqual({ IsComplete: false });
    });

    test('a rotation still pending past the pending budget fails a create, naming the rotation function and its logs', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      now = new Date(START.getTime() + 180_000);
      const failure = isComplete(event('Create', props(), state));
      await expect(failure).rejects.toThrow(`secret ${SECRET}: a rotation is still pending after 180 seconds`);
      await expect(isComplete(event('Create', props(), state))).rejects.toThrow('the rotation function rotate has not finished it; see its logs in /aws/lambda/rotate');
    });

    test('the pending budget comes from PendingWaitSeconds', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      now = new Date(START.getTime() + 30_000);
      await expect(isComplete(event('Create', { ...props(), PendingWaitSeconds: '30' }, state))).rejects.toThrow('still pending after 30 seconds');
      now = new Date(START.getTime() + 29_000);
      expect(await isComplete(event('Create', { ...props(), PendingWaitSeconds: '30' }, state))).toEqual({ IsComplete: false });
    });

    test('a rotation still pending past the pending budget is reported, not failed, on an update', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      now = new Date(START.getTime() + 180_000);
      const result = await isComplete(event('Update', props(), state));
      expect(result.Data).toEqual({ Status: 'FINDINGS', Findings: expect.stringContaining('a rotation is still pending after 180 seconds') });
    });

    test('a create that already fails a key does not wait for a pending rotation', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
      await expect(isComplete(event('Create', props(), state))).rejects.toThrow(`key ${KEY}: automatic key rotation is disabled`);
    });

    test('an update outside strict mode with a failing key still waits for the pending rotation, to report it all', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
      expect(await isComplete(event('Update', props(), state))).toEqual({ IsComplete: false });
    });

    test('a test rotation keeps the full wait budget, not the pending one', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      now = new Date(START.getTime() + 500_000);
      expect(await isComplete(event('Create', props({ testRotation: 'true' }), testState))).toEqual({ IsComplete: false });
    });

    test('a delete never waits and never fails, whatever is pending', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      now = new Date(START.getTime() + 10_000_000);
      expect(await isComplete(event('Delete', props(), state))).toEqual({ IsComplete: true });
    });

    test('without state from onEvent, the wait starts now', async () => {
      sm.on(DescribeSecretCommand).resolves(pending);
      expect(await isComplete(event('Create'))).toEqual({ IsComplete: false });
    });
  });
});

describe('the daily check', () => {
  const daily = (body: Record<string, unknown> = {}) => ({
    DailyRotationCheck: {
      Stack: 'app',
      Shard: 1,
      Keys: [{ MaxDays: 365, Ids: [KEY] }],
      Secrets: [{ MaxHours: 720, GraceHours: 24, Ids: [SECRET] }],
      ...body,
    },
  });
  const metrics = () => cw.commandCalls(PutMetricDataCommand).map(c => c.args[0].input);
  const dims = [{ Name: 'StackName', Value: 'app' }];

  test('all well: a heartbeat and zero findings, in the one namespace the role may publish to', async () => {
    expect(await dailyCheck(daily())).toEqual({ findings: 0, failing: [] });
    expect(metrics()).toEqual([{
      Namespace: 'KmsPatterns/RotationCheck',
      MetricData: [
        { MetricName: 'Heartbeat', Value: 1, Unit: 'Count', Dimensions: dims },
        { MetricName: 'Findings', Value: 0, Unit: 'Count', Dimensions: dims },
      ],
    }]);
    expect(kms.commandCalls(GetKeyRotationStatusCommand).map(c => c.args[0].input)).toEqual([{ KeyId: KEY }]);
    expect(sm.commandCalls(DescribeSecretCommand).map(c => c.args[0].input)).toEqual([{ SecretId: SECRET }]);
  });

  test('never rotates a secret', async () => {
    await dailyCheck(daily());
    expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(0);
  });

  test('counts failing subjects and logs each as a structured line naming it and why', async () => {
    kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    sm.on(DescribeSecretCommand).resolves({ ...HEALTHY_SECRET, LastRotatedDate: new Date(START.getTime() - 40 * 24 * 3_600_000) });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const summary = await dailyCheck(daily());
    expect(summary.findings).toBe(2);
    expect(metrics()[0].MetricData?.[1]).toEqual({ MetricName: 'Findings', Value: 2, Unit: 'Count', Dimensions: dims });
    const lines = warn.mock.calls.map(c => JSON.parse(c[0] as string));
    expect(lines).toEqual([
      { level: 'WARN', message: 'daily rotation check finding', check: 'daily', stack: 'app', shard: 1, subject: `key ${KEY}`, problems: ['automatic key rotation is disabled'] },
      {
        level: 'WARN',
        message: 'daily rotation check finding',
        check: 'daily',
        stack: 'app',
        shard: 1,
        subject: `secret ${SECRET}`,
        problems: [expect.stringContaining('more than its interval plus grace (31 days): rotation is failing')],
      },
    ]);
  });

  test('a pending version that lingers past the interval is a finding (unlike at deploy time)', async () => {
    sm.on(DescribeSecretCommand).resolves({
      ...HEALTHY_SECRET, LastRotatedDate: new Date(START.getTime() - 40 * 24 * 3_600_000), VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] },
    });
    expect((await dailyCheck(daily())).failing[0].problems[0]).toMatch(/the last rotation did not finish/);
  });

  test('a subject it cannot read is a finding, not a failed run', async () => {
    kms.on(GetKeyRotationStatusCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    expect((await dailyCheck(daily())).findings).toBe(1);
    expect(metrics()[0].MetricData?.[0].MetricName).toBe('Heartbeat');
  });

  test('throttling is retried', async () => {
    kms.on(GetKeyRotationStatusCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({ KeyRotationEnabled: true });
    expect((await dailyCheck(daily())).findings).toBe(0);
    expect(sleeps).toHaveLength(1);
  });

  test('a run that cannot publish fails (no heartbeat: the alarm sees it)', async () => {
    cw.on(PutMetricDataCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
    await expect(dailyCheck(daily())).rejects.toThrow('no');
  });

  test('an input it cannot read fails the run, publishes nothing, and logs why', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(dailyCheck({ DailyRotationCheck: { Shard: 1 } })).rejects.toThrow('property Stack must be a non-empty string');
    expect(metrics()).toEqual([]);
    expect(JSON.parse(error.mock.calls[0][0] as string)).toEqual(expect.objectContaining({ level: 'ERROR', message: 'daily rotation check: unreadable input' }));
  });

  test('the entry point runs it for the scheduled input, in either phase', async () => {
    for (const phase of ['onEvent', 'isComplete']) {
      process.env.VERIFY_ROTATION_PHASE = phase;
      expect(await handler(daily() as any)).toEqual({ findings: 0, failing: [] });
    }
    delete process.env.VERIFY_ROTATION_PHASE;
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(2);
  });
});
