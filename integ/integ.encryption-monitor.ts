// Integration test: an EncryptionMonitor that creates the app's trail deploys; the trail
// logs, the denied-decrypt rule receives read-only management events, and the alarms
// notify the CMK-encrypted topic.
//
// Offline (no AWS account): `npx projen integ` compares a fresh synthesis with the
// snapshot in integ.encryption-monitor.ts.snapshot/; `npx projen integ:update` rewrites it.
// Against an account: as integ/integ.tenant-key.ts says. The trail's buckets, log group and
// key are retained on destroy (trail logs are evidence, and a bucket with objects cannot be
// deleted by CloudFormation): remove them by hand after a run. The trail is a second copy
// of management events if the account has one already, which CloudTrail bills.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DISPOSABLE_KEY, integApp } from './integ-app';
import { EncryptionMonitor, TenantKey } from '../src';

const app = integApp();
const stack = new Stack(app, 'KmsPatternsEncryptionMonitorInteg');

// The stack's monitor, made before the key so the key registers with it (the default
// monitor of EncryptionMonitor.of relies on an existing trail; this one creates the app's).
const monitor = new EncryptionMonitor(stack, 'EncryptionMonitor');
new TenantKey(stack, 'AcmeKey', {
  tenantId: 'acme',
  aliasPrefix: 'integ-monitor',
  ...DISPOSABLE_KEY,
});

const integ = new IntegTest(app, 'EncryptionMonitorInteg', { testCases: [stack] });

integ.assertions
  .awsApiCall('CloudTrail', 'GetTrailStatus', { Name: monitor.trail!.trailArn })
  .expect(ExpectedResult.objectLike({ IsLogging: true }));
integ.assertions
  .awsApiCall('EventBridge', 'DescribeRule', { Name: (monitor.node.findChild('DeniedDecryptsRule') as unknown as { ref: string }).ref })
  .expect(ExpectedResult.objectLike({ State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' }));
for (const alarm of monitor.alarms) {
  integ.assertions
    .awsApiCall('CloudWatch', 'DescribeAlarms', { AlarmNames: [(alarm as cloudwatch.Alarm).alarmName] })
    .expect(ExpectedResult.objectLike({ MetricAlarms: [{ ActionsEnabled: true, AlarmActions: [monitor.alarmTopic.topicArn] }] }));
}

app.synth();
