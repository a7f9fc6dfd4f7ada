// Compliance of what the EncryptionMonitor synthesizes, per configuration that changes it:
// the four cdk-nag packs (zero unacknowledged findings; the acknowledgements the construct
// makes carry their reasons in src/monitoring/encryption-monitor.ts), the AWS Control Tower
// proactive controls (cfn-guard) and cfn-lint. Keys and secrets under watch are imported
// by ARN, so every resource in the stack is the monitor's.
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EncryptionMonitor, EncryptionMonitorProps, MonitorScope, MonitorTrail } from '../../src/monitoring/encryption-monitor';
import { DailyRotationCheck } from '../../src/rotation-verification/daily-rotation-check';
import { controlTowerFailures } from '../helpers/cfn-guard';
import { cfnLint } from '../helpers/cfn-lint';
import { nagFindings } from '../helpers/nag';

const ENV = { account: '111111111111', region: 'us-east-1' };

const CONFIGURATIONS: Record<string, (stack: Stack) => EncryptionMonitorProps> = {
  'defaults (creates the trail and the alarm topic)': () => ({}),
  'existing trail and its log group, dashboard': (stack) => ({
    trail: MonitorTrail.existing(),
    cloudTrailLogGroup: logs.LogGroup.fromLogGroupName(stack, 'TrailLogs', 'aws-controltower/CloudTrailLogs'),
    dashboard: true,
  }),
  'existing trail, given alarm topic, account scope': (stack) => ({
    trail: MonitorTrail.existing(),
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:111111111111:alarms'),
    scope: MonitorScope.ACCOUNT,
  }),
};

/**
 * The trail's access-log bucket: S3 delivers server access logs only to a bucket with
 * SSE-S3 default encryption (not SSE-KMS), and a log destination that logged itself would
 * log its own deliveries. These two controls cannot hold for it; everything else does.
 */
const ACCESS_LOG_BUCKET_FAILURES = ['CT.S3.PR.10', 'CT.S3.PR.2'];

describe.each(Object.entries(CONFIGURATIONS))('%s', (name, props) => {
  let stack: Stack;
  let monitor: EncryptionMonitor;
  let template: Record<string, any>;
  beforeAll(() => {
    stack = new Stack(new App(), 'Stack', { env: ENV });
    monitor = new EncryptionMonitor(stack, 'Monitor', props(stack));
    monitor.monitorKey(kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111'));
    monitor.monitorSecret(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf'), {
      rotationFunction: lambda.Function.fromFunctionName(stack, 'Rotator', 'rotator'),
    });
    template = Template.fromStack(stack).toJSON();
  });

  test('cdk-nag: no unacknowledged findings in the four packs', () => {
    // Every resource of the stack is the monitor's, or the daily rotation check's that
    // watching a secret brings (the check runs on the stack's verification provider), so
    // "no findings" covers them all.
    const checkScopes = [DailyRotationCheck.ID, 'KmsPatternsRotationVerificationProvider'].map(id => stack.node.findChild(id));
    const ours = [monitor, ...checkScopes].flatMap(c => c.node.findAll().filter(CfnResource.isCfnResource)).length;
    expect(ours).toBe(Object.keys(template.Resources).length);

    expect(nagFindings(stack).map(f => `${f.ruleId} ${f.resourcePath}`)).toEqual([]);
  });

  test('Control Tower: every control that applies passes (the access-log bucket: all but the two it cannot meet)', () => {
    const failures = controlTowerFailures(template).map(f => ({ ruleId: f.ruleId, resources: f.resources }));
    const createsTrail = name.startsWith('defaults');
    const accessLogs = Object.keys(template.Resources).filter(id => /^MonitorTrailAccessLogs[0-9A-F]{8}$/.test(id));

    // The provider's functions run outside a VPC unless RotationVerification.useNetwork says
    // otherwise: CT.LAMBDA.PR.3, as for every stack that verifies rotation.
    const providerFunctions = Object.keys(template.Resources)
      .filter(id => template.Resources[id].Type === 'AWS::Lambda::Function' && id.startsWith('KmsPatternsRotationVerificationProvider')).sort();
    expect(providerFunctions).toHaveLength(5);
    const expected = [
      ...(createsTrail ? ACCESS_LOG_BUCKET_FAILURES.map(ruleId => ({ ruleId, resources: accessLogs })) : []),
      { ruleId: 'CT.LAMBDA.PR.3', resources: providerFunctions },
    ];
    const byRule = (a: { ruleId: string }, b: { ruleId: string }) => a.ruleId.localeCompare(b.ruleId);
    expect(failures.map(f => ({ ...f, resources: [...f.resources].sort() })).sort(byRule)).toEqual(expected.sort(byRule));
  });

  test('Control Tower: every alarm has an action', () => {
    expect(controlTowerFailures(template, ['CT.CLOUDWATCH.PR.1', 'CT.CLOUDWATCH.PR.2', 'CT.CLOUDWATCH.PR.3', 'CT.CLOUDWATCH.PR.4'])).toEqual([]);
    for (const alarm of Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
  });

  test('cfn-lint: no errors and no warnings', () => {
    const result = cfnLint(template);

    expect({ errors: result.errors, warnings: result.warnings }).toEqual({ errors: [], warnings: [] });
  });
});
