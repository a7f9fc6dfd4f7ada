// Integration test: the whole monitoring path, as a deploy would prove it.
//
// An EncryptionMonitor that creates the app's trail, a TenantKey it watches, and a probe
// function whose role is one of the key's admins: it may manage the key, never use it.
// The assertions, in order:
//   1. the trail logs;
//   2. the key's rotation verification passed with no findings;
//   3. the probe's Decrypt is refused (AccessDenied), and the DeniedDecrypts alarm, whose
//      threshold here is 1, goes to ALARM: the refusal went CloudTrail -> EventBridge rule ->
//      non-paging queue -> `Invocations` -> alarm;
//   4. the probe's DisableKey reaches an SQS queue subscribed to the alarm topic, as the
//      Chatbot-format notification of the KeyLifecycle rule.
//
// Offline (no AWS account): `npx projen integ` compares a fresh synthesis with the
// snapshot in integ.encryption-monitor.ts.snapshot/; `npx projen integ:update` rewrites it.
// Against an account: as integ/integ.tenant-key.ts says. The trail's buckets, log group and
// key are retained on destroy (trail logs are evidence, and a bucket with objects cannot be
// deleted by CloudFormation): remove them by hand after a run. The trail is a second copy
// of management events if the account has one already, which CloudTrail bills. CloudTrail
// delivers events to EventBridge within minutes, hence the long waits.
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { CfnOutput, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DISPOSABLE_KEY, integApp } from './integ-app';
import { EncryptionMonitor, TenantKey } from '../src';

const app = integApp();
const stack = new Stack(app, 'KmsPatternsEncryptionMonitorInteg');

// The probe: a role made for the test, an admin of the key (so DisableKey is allowed by
// the key policy) that its policy never lets use the key (so Decrypt is refused).
const probeRole = new iam.Role(stack, 'ProbeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
const probe = new lambda.Function(stack, 'Probe', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  role: probeRole,
  timeout: Duration.seconds(30),
  code: lambda.Code.fromInline([
    "const { KMSClient, DecryptCommand, DisableKeyCommand } = require('@aws-sdk/client-kms');",
    'const kms = new KMSClient({});',
    'exports.handler = async ({ action, keyId }) => {',
    '  try {',
    "    if (action === 'decrypt') {",
    "      await kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: Buffer.from('not a ciphertext of this key') }));",
    '    } else {',
    '      await kms.send(new DisableKeyCommand({ KeyId: keyId }));',
    '    }',
    "    return { outcome: 'ok' };",
    '  } catch (e) {',
    '    return { outcome: e.name };',
    '  }',
    '};',
  ].join('\n')),
});

// The stack's monitor, made before the key so the key registers with it (the default
// monitor of EncryptionMonitor.of relies on an existing trail; this one creates the app's).
const monitor = new EncryptionMonitor(stack, 'EncryptionMonitor', { deniedDecryptThreshold: 1, period: Duration.minutes(1) });
const acme = new TenantKey(stack, 'AcmeKey', {
  tenantId: 'acme',
  aliasPrefix: 'integ-monitor',
  admins: [probeRole],
  ...DISPOSABLE_KEY,
});
probeRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:DisableKey'], resources: [acme.keyArn] }));

// A subscriber of the alarm topic, as a person's mailbox would be. SSE-SQS: SNS delivers
// to it without a key policy of the test's own.
const inbox = new sqs.Queue(stack, 'Inbox', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
(monitor.alarmTopic as sns.ITopic).addSubscription(new subscriptions.SqsSubscription(inbox, { rawMessageDelivery: true }));

new CfnOutput(stack, 'VerificationStatus', { value: acme.rotationVerification!.status });
// Bracketed: an output's value may not be empty, and no findings is an empty string.
new CfnOutput(stack, 'VerificationFindings', { value: Fn.join('', ['[', acme.rotationVerification!.findings, ']']) });

const integ = new IntegTest(app, 'EncryptionMonitorInteg', { testCases: [stack] });
const waitForEvents = { totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) };

integ.assertions
  .awsApiCall('CloudTrail', 'GetTrailStatus', { Name: monitor.trail!.trailArn })
  .expect(ExpectedResult.objectLike({ IsLogging: true }));

integ.assertions
  .awsApiCall('CloudFormation', 'DescribeStacks', { StackName: stack.stackName })
  .expect(ExpectedResult.objectLike({
    Stacks: [{
      Outputs: Match.arrayWith([
        Match.objectLike({ OutputKey: 'VerificationStatus', OutputValue: 'PASSED' }),
        Match.objectLike({ OutputKey: 'VerificationFindings', OutputValue: '[]' }),
      ]),
    }],
  }));

const deniedDecryptsAlarm = monitor.node.findChild('DeniedDecryptsAlarm') as cloudwatch.Alarm;
integ.assertions
  .invokeFunction({ functionName: probe.functionName, payload: JSON.stringify({ action: 'decrypt', keyId: acme.keyArn }) })
  .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ outcome: Match.stringLikeRegexp('AccessDenied') }) }))
  .next(integ.assertions
    .awsApiCall('CloudWatch', 'DescribeAlarms', { AlarmNames: [deniedDecryptsAlarm.alarmName] })
    .expect(ExpectedResult.objectLike({ MetricAlarms: [{ StateValue: 'ALARM' }] }))
    .waitForAssertions(waitForEvents))
  .next(integ.assertions
    .invokeFunction({ functionName: probe.functionName, payload: JSON.stringify({ action: 'disable', keyId: acme.keyArn }) })
    .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ outcome: 'ok' }) })))
  .next(integ.assertions
    .awsApiCall('SQS', 'ReceiveMessage', { QueueUrl: inbox.queueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 })
    .expect(ExpectedResult.objectLike({ Messages: Match.arrayWith([Match.objectLike({ Body: Match.stringLikeRegexp('DisableKey') })]) }))
    .waitForAssertions(waitForEvents));

for (const alarm of monitor.alarms) {
  integ.assertions
    .awsApiCall('CloudWatch', 'DescribeAlarms', { AlarmNames: [(alarm as cloudwatch.Alarm).alarmName] })
    .expect(ExpectedResult.objectLike({ MetricAlarms: [{ ActionsEnabled: true, AlarmActions: [monitor.alarmTopic.topicArn] }] }));
}

app.synth();
