// The synthesized event patterns of the EncryptionMonitor, fed sample CloudTrail events
// through a real matcher: AWS's own event-ruler (the engine behind EventBridge). The local
// moto endpoint is checked first, to record why it is not the matcher here: in moto 5.2.5
// EventBridge's TestEventPattern is not implemented, and CloudWatch Logs filtering treats
// any JSON filter pattern as matching everything.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { EncryptionMonitor, EncryptionMonitorProps, MonitorScope, MonitorTrail } from '../../src/monitoring/encryption-monitor';
import { KEY_LIFECYCLE_EVENTS, estimatedPatternLength, deniedKeyCallsPattern } from '../../src/monitoring/patterns';
import { matchEvents } from '../helpers/event-ruler';
import { FAKE_ENV, keyArnFor, resolveIntrinsics } from '../helpers/resolve-template';

const ACCOUNT = FAKE_ENV.account;
const MONITORED_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
const FOREIGN_KEY = 'arn:aws:kms:us-east-1:999999999999:key/33333333-3333-3333-3333-333333333333';
const MONITORED_SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db/credentials-AbCdEf`;
const OTHER_SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:other-GhIjKl`;

/** A KMS call as EventBridge delivers it from CloudTrail. */
function kmsCall(eventName: string, keyArn: string, errorCode?: string, readOnly = true): Record<string, unknown> {
  return {
    'version': '0',
    'id': `${eventName}-${keyArn.slice(-4)}-${errorCode ?? 'ok'}`,
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.kms',
    'account': ACCOUNT,
    'time': '2026-01-01T00:00:00Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': {
      eventVersion: '1.10',
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/session`, accountId: ACCOUNT },
      eventTime: '2026-01-01T00:00:00Z',
      eventSource: 'kms.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      ...(errorCode ? { errorCode, errorMessage: `User is not authorized to perform: kms:${eventName} on resource: ${keyArn}` } : {}),
      requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      responseElements: null,
      resources: [{ accountId: keyArn.split(':')[4], type: 'AWS::KMS::Key', ARN: keyArn }],
      eventType: 'AwsApiCall',
      managementEvent: true,
      readOnly,
      eventCategory: 'Management',
    },
  };
}

/** A Secrets Manager rotation outcome as EventBridge delivers it from CloudTrail. */
function rotationEvent(eventName: string, secretArn: string): Record<string, unknown> {
  return {
    'version': '0',
    'id': `${eventName}-${secretArn.slice(-6)}`,
    'detail-type': 'AWS Service Event via CloudTrail',
    'source': 'aws.secretsmanager',
    'account': ACCOUNT,
    'time': '2026-01-01T00:00:00Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': {
      eventVersion: '1.10',
      userIdentity: { accountId: ACCOUNT, invokedBy: 'secretsmanager.amazonaws.com' },
      eventSource: 'secretsmanager.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      additionalEventData: { SecretId: secretArn },
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      readOnly: false,
      eventCategory: 'Management',
    },
  };
}

const EVENTS: Record<string, Record<string, unknown>> = {
  'denied Decrypt on the monitored key': kmsCall('Decrypt', MONITORED_KEY, 'AccessDenied'),
  'denied Decrypt (AccessDeniedException spelling)': kmsCall('Decrypt', MONITORED_KEY, 'AccessDeniedException'),
  'successful Decrypt on the monitored key': kmsCall('Decrypt', MONITORED_KEY),
  'denied Decrypt on an unmonitored key': kmsCall('Decrypt', OTHER_KEY, 'AccessDenied'),
  'denied Decrypt on another account\'s key': kmsCall('Decrypt', FOREIGN_KEY, 'AccessDenied'),
  'denied GenerateDataKey on the monitored key': kmsCall('GenerateDataKey', MONITORED_KEY, 'AccessDenied'),
  'Decrypt failing for another reason': kmsCall('Decrypt', MONITORED_KEY, 'InvalidCiphertextException'),
  'ScheduleKeyDeletion on the monitored key': kmsCall('ScheduleKeyDeletion', MONITORED_KEY, undefined, false),
  'DisableKey on the monitored key': kmsCall('DisableKey', MONITORED_KEY, undefined, false),
  'PutKeyPolicy on the monitored key': kmsCall('PutKeyPolicy', MONITORED_KEY, undefined, false),
  'denied ScheduleKeyDeletion on the monitored key': kmsCall('ScheduleKeyDeletion', MONITORED_KEY, 'AccessDenied', false),
  'ScheduleKeyDeletion on an unmonitored key': kmsCall('ScheduleKeyDeletion', OTHER_KEY, undefined, false),
  'EnableKey on the monitored key': kmsCall('EnableKey', MONITORED_KEY, undefined, false),
  'RotationFailed of the monitored secret': rotationEvent('RotationFailed', MONITORED_SECRET),
  'RotationAbandoned of the monitored secret': rotationEvent('RotationAbandoned', MONITORED_SECRET),
  'RotationSucceeded of the monitored secret': rotationEvent('RotationSucceeded', MONITORED_SECRET),
  'RotationFailed of an unmonitored secret': rotationEvent('RotationFailed', OTHER_SECRET),
};

/**
 * The event patterns of every AWS::Events::Rule of the monitor, by the monitor rule's name,
 * intrinsics resolved. The stack's only other rule is the daily rotation check's schedule,
 * which matches no event.
 */
function synthesizedPatterns(scope: MonitorScope, props: EncryptionMonitorProps = {}): Record<string, unknown> {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), scope, ...props });
  monitor.monitorKey(kms.Key.fromKeyArn(stack, 'Key', MONITORED_KEY));
  monitor.monitorSecret(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', MONITORED_SECRET));
  // A Config rule's Ref is its name; the resolver knows only keys and IAM identities.
  const template = JSON.parse(JSON.stringify(Template.fromStack(stack).toJSON()), (_k, v) =>
    v && typeof v === 'object' && typeof v.Ref === 'string' && /RotationOverdueCheck/.test(v.Ref) ? v.Ref : v);
  const rules = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
  const others = rules.filter(([id]) => !/^Monitor\w+Rule[0-9A-F]{8}$/.test(id)).map(([, r]) => r.Properties);
  expect(others).toEqual([expect.objectContaining({ ScheduleExpression: 'rate(1 day)' })]);
  expect(others[0].EventPattern).toBeUndefined();
  return Object.fromEntries(rules.filter(([id]) => /^Monitor\w+Rule[0-9A-F]{8}$/.test(id)).map(([id, r]) => [
    /^Monitor(\w+?)Rule[0-9A-F]{8}$/.exec(id)![1],
    resolveIntrinsics(r.Properties.EventPattern, template, id),
  ]));
}

describe('the synthesized patterns, through event-ruler', () => {
  test('with MonitorScope.MONITORED_RESOURCES, exactly the right events match', () => {
    const patterns = synthesizedPatterns(MonitorScope.MONITORED_RESOURCES);
    // Overdue rotation is the daily check's by default: no RotationOverdue rule.
    expect(Object.keys(patterns).sort()).toEqual(['DeniedDecrypts', 'DeniedKeyCalls', 'KeyLifecycle', 'RotationFailures', 'RoutineDeploys']);
    // With the opt-in Config rule, its overdue pattern matches Config findings, not CloudTrail records: none of these.
    const withConfig = synthesizedPatterns(MonitorScope.MONITORED_RESOURCES, { rotationOverdueConfigRule: true });
    expect(Object.keys(withConfig).sort()).toEqual(['DeniedDecrypts', 'DeniedKeyCalls', 'KeyLifecycle', 'RotationFailures', 'RotationOverdue', 'RoutineDeploys']);
    expect(matchEvents(withConfig, EVENTS)).toEqual(matchEvents(patterns, EVENTS));

    expect(matchEvents(patterns, EVENTS)).toEqual({
      'denied Decrypt on the monitored key': ['DeniedDecrypts', 'DeniedKeyCalls'],
      'denied Decrypt (AccessDeniedException spelling)': ['DeniedDecrypts', 'DeniedKeyCalls'],
      'successful Decrypt on the monitored key': [],
      'denied Decrypt on an unmonitored key': [],
      'denied Decrypt on another account\'s key': [],
      'denied GenerateDataKey on the monitored key': ['DeniedKeyCalls'],
      'Decrypt failing for another reason': [],
      'ScheduleKeyDeletion on the monitored key': ['KeyLifecycle'],
      'DisableKey on the monitored key': ['KeyLifecycle'],
      'PutKeyPolicy on the monitored key': ['KeyLifecycle'],
      'denied ScheduleKeyDeletion on the monitored key': ['DeniedKeyCalls'],
      'ScheduleKeyDeletion on an unmonitored key': [],
      'EnableKey on the monitored key': [],
      'RotationFailed of the monitored secret': ['RotationFailures'],
      'RotationAbandoned of the monitored secret': ['RotationFailures'],
      'RotationSucceeded of the monitored secret': [],
      'RotationFailed of an unmonitored secret': [],
    });
  });

  test('keys made in the stack are matched by their key ID at the end of the ARN, and only they', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    const [first, second] = ['First', 'Second'].map(id => new kms.Key(stack, id, { enableKeyRotation: true }));
    monitor.monitorKey(first);
    monitor.monitorKey(second);
    new kms.Key(stack, 'Unmonitored', { enableKeyRotation: true });
    const template = Template.fromStack(stack).toJSON();
    const idOf = (prefix: string) => Object.keys(template.Resources).find(id => id.startsWith(prefix) && template.Resources[id].Type === 'AWS::KMS::Key')!;
    const rule = Object.entries<any>(template.Resources).find(([id, r]) => r.Type === 'AWS::Events::Rule' && id.startsWith('MonitorDeniedDecrypts'))!;
    const patterns = { DeniedDecrypts: resolveIntrinsics(rule[1].Properties.EventPattern, template, rule[0]) };
    // An ID that only ends like a monitored one does not match: the matcher includes the `/` before the ID.
    const keyId = keyArnFor(idOf('First')).split('/')[1];

    expect(matchEvents(patterns, {
      first: kmsCall('Decrypt', keyArnFor(idOf('First')), 'AccessDenied'),
      second: kmsCall('Decrypt', keyArnFor(idOf('Second')), 'AccessDenied'),
      unmonitored: kmsCall('Decrypt', keyArnFor(idOf('Unmonitored')), 'AccessDenied'),
      longerIdEndingAlike: kmsCall('Decrypt', `arn:aws:kms:us-east-1:${ACCOUNT}:key/x${keyId}`, 'AccessDenied'),
    })).toEqual({ first: ['DeniedDecrypts'], second: ['DeniedDecrypts'], unmonitored: [], longerIdEndingAlike: [] });
  });

  test('with MonitorScope.ACCOUNT, every key and secret of the account matches, and no other account\'s', () => {
    const matches = matchEvents(synthesizedPatterns(MonitorScope.ACCOUNT), EVENTS);

    expect(matches['denied Decrypt on an unmonitored key']).toEqual(['DeniedDecrypts', 'DeniedKeyCalls']);
    expect(matches['ScheduleKeyDeletion on an unmonitored key']).toEqual(['KeyLifecycle']);
    expect(matches['RotationFailed of an unmonitored secret']).toEqual(['RotationFailures']);
    expect(matches['denied Decrypt on another account\'s key']).toEqual([]);
    expect(matches['successful Decrypt on the monitored key']).toEqual([]);
    expect(matches['RotationSucceeded of the monitored secret']).toEqual([]);
  });

  /** A Config rule's evaluation change as EventBridge delivers it. */
  const finding = (name: string, complianceType: string, resourceId = MONITORED_SECRET, resourceType = 'AWS::SecretsManager::Secret') => ({
    'source': 'aws.config',
    'detail-type': 'Config Rules Compliance Change',
    'account': ACCOUNT,
    'region': 'us-east-1',
    'resources': [],
    'detail': { configRuleName: name, resourceType, resourceId, newEvaluationResult: { complianceType } },
  });

  test('with rotationOverdueConfigRule, the overdue pattern matches a NON_COMPLIANT finding of its rule on a monitored secret only', () => {
    const patterns = synthesizedPatterns(MonitorScope.MONITORED_RESOURCES, { rotationOverdueConfigRule: true });
    const ruleName = (patterns.RotationOverdue as any).detail.configRuleName[0];

    // The Config rule has no Scope (it judges every secret of the account): the pattern keeps the monitored ones, by resourceId.
    expect(matchEvents({ RotationOverdue: patterns.RotationOverdue }, {
      noncompliant: finding(ruleName, 'NON_COMPLIANT'),
      compliant: finding(ruleName, 'COMPLIANT'),
      otherRule: finding('some-other-rule', 'NON_COMPLIANT'),
      unmonitoredSecret: finding(ruleName, 'NON_COMPLIANT', OTHER_SECRET),
      otherResourceType: finding(ruleName, 'NON_COMPLIANT', MONITORED_SECRET, 'AWS::KMS::Key'),
    })).toEqual({ noncompliant: ['RotationOverdue'], compliant: [], otherRule: [], unmonitoredSecret: [], otherResourceType: [] });
  });

  test('with rotationOverdueConfigRule and MonitorScope.ACCOUNT, the overdue pattern matches every secret of the account', () => {
    const patterns = synthesizedPatterns(MonitorScope.ACCOUNT, { rotationOverdueConfigRule: true });
    const ruleName = (patterns.RotationOverdue as any).detail.configRuleName[0];

    expect(matchEvents({ RotationOverdue: patterns.RotationOverdue }, {
      monitored: finding(ruleName, 'NON_COMPLIANT'),
      unmonitoredSecret: finding(ruleName, 'NON_COMPLIANT', OTHER_SECRET),
      compliant: finding(ruleName, 'COMPLIANT', OTHER_SECRET),
      otherResourceType: finding(ruleName, 'NON_COMPLIANT', MONITORED_SECRET, 'AWS::KMS::Key'),
    })).toEqual({ monitored: ['RotationOverdue'], unmonitoredSecret: ['RotationOverdue'], compliant: [], otherResourceType: [] });
  });

  test('every lifecycle event the README names is in the patterns', () => {
    expect(KEY_LIFECYCLE_EVENTS).toEqual(['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy']);
  });

  test('the size estimate counts each unresolved ARN at the given length', () => {
    const stack = new Stack();
    const key = new kms.Key(stack, 'Key');
    const one = estimatedPatternLength(deniedKeyCallsPattern({ service: 'kms', resourceType: 'key', arns: [key.keyArn] }), 90);
    const two = estimatedPatternLength(deniedKeyCallsPattern({ service: 'kms', resourceType: 'key', arns: [key.keyArn, key.keyArn] }), 90);

    expect(two - one).toBe(90 + 3);
  });
});

describe('the local moto endpoint (why it is not the matcher here)', () => {
  const venvBin = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'moto_server');
  let moto: ChildProcess | undefined;
  let endpoint = '';

  beforeAll(async () => {
    if (!fs.existsSync(venvBin)) {
      throw new Error(`moto_server not found at ${venvBin}: run \`npx projen python-tools\` to create the Python venv`);
    }
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn(venvBin, ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
    try {
      await waitForEndpoint(endpoint, 30_000);
    } catch (e) {
      stopMoto(moto);
      throw e;
    }
  });

  afterAll(() => stopMoto(moto));

  test('moto 5.2.5 answers EventBridge TestEventPattern without a verdict', async () => {
    const response = await call(endpoint, 'AWSEvents.TestEventPattern', 'events', {
      EventPattern: JSON.stringify({ source: ['aws.kms'] }),
      Event: JSON.stringify(EVENTS['denied Decrypt on the monitored key']),
    });

    // The handler is a stub: HTTP 200 and no `Result`, where EventBridge answers {"Result": true|false}.
    expect(response.status).toBe(200);
    expect(response.body.includes('Result')).toBe(false);
  });

  test('moto 5.2.5 CloudWatch Logs filtering returns every event for a JSON filter pattern', async () => {
    const group = 'patterns-test';
    await call(endpoint, 'Logs_20140328.CreateLogGroup', 'logs', { logGroupName: group });
    await call(endpoint, 'Logs_20140328.CreateLogStream', 'logs', { logGroupName: group, logStreamName: 's' });
    const now = Date.now();
    await call(endpoint, 'Logs_20140328.PutLogEvents', 'logs', {
      logGroupName: group,
      logStreamName: 's',
      logEvents: [
        { timestamp: now, message: JSON.stringify((EVENTS['denied Decrypt on the monitored key'] as any).detail) },
        { timestamp: now, message: JSON.stringify((EVENTS['successful Decrypt on the monitored key'] as any).detail) },
      ],
    });
    const filtered = await call(endpoint, 'Logs_20140328.FilterLogEvents', 'logs', {
      logGroupName: group,
      filterPattern: '{ $.errorCode = "AccessDenied" }',
    });

    // CloudWatch Logs would return only the denied call.
    expect(JSON.parse(filtered.body).events).toHaveLength(2);
  });
});

async function call(endpoint: string, target: string, service: string, body: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': target,
      'Authorization': `AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForEndpoint(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(`${endpoint}/moto-api/`);
      return;
    } catch {
      await new Promise(r => setTimeout(r, 200));
    }
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/** Ends moto's whole process group (it was started detached as the group leader). */
function stopMoto(moto: ChildProcess | undefined): void {
  if (moto?.pid && moto.exitCode === null) {
    try {
      process.kill(-moto.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
