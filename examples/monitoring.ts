// An EncryptionMonitor watching two TenantKeys (and their aliases) and a rotated secret:
// key lifecycle and alias changes and failed rotations are sent at once to one
// CMK-encrypted SNS topic, as AWS Chatbot notifications naming the key, the caller and a
// console link; refused decrypts and overdue rotations raise CloudWatch alarms on it.
// Routine deploys (CloudFormation as the deploying role) do not page.
//
// The account is assumed to have a trail already (an AWS Organizations trail, as AWS
// Control Tower sets up): `MonitorTrail.existing()`. Without one, leave `trail` unset and
// the monitor creates one multi-Region trail for the whole app.
//
// Synthesize: npx cdk synth --app "npx tsx examples/monitoring.ts"
//             npx tsx examples/monitoring.ts    (into a temporary directory it prints)
// Deploy:     npx cdk deploy --app "npx tsx examples/monitoring.ts" -c alarmEmail=you@example.com
//             then confirm the subscription mail SNS sends to that address.
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EncryptionMonitor, MonitorTrail } from '../src';
import { TenantKey } from '../src/tenant-key';

export class MonitoringStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The stack's monitor. Created explicitly, before the constructs, to choose its options:
    // the library's constructs (monitoring is on by default) register with the stack's
    // first monitor, EncryptionMonitor.of(this), which is this one.
    const monitor = new EncryptionMonitor(this, 'EncryptionMonitor', {
      trail: MonitorTrail.existing(),
      // An alarm nobody receives protects no one. Slack or Teams: `slackChannels`, `teamsChannels`.
      alarmEmails: [this.node.tryGetContext('alarmEmail') ?? 'security-oncall@example.com'],
      deniedDecryptThreshold: 5,
      dashboard: true,
    });

    // Each further key adds its ID and alias to the monitor's event patterns: no rule, no alarm.
    for (const tenantId of ['acme', 'globex']) {
      new TenantKey(this, `${tenantId.charAt(0).toUpperCase()}${tenantId.slice(1)}Key`, { tenantId });
    }

    // A secret managed elsewhere, and the function that rotates it every 30 days.
    const secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'DatabaseSecret',
      `arn:${this.partition}:secretsmanager:${this.region}:${this.account}:secret:orders/database-AbCdEf`);
    monitor.monitorSecret(secret, {
      rotationFunction: lambda.Function.fromFunctionName(this, 'Rotator', 'orders-database-rotation'),
      rotationInterval: Duration.days(30),
    });

    new CfnOutput(this, 'AlarmTopicArn', { value: monitor.alarmTopic.topicArn });
  }
}

/** Builds the example app without synthesizing it. */
export function build(outdir?: string): App {
  const app = new App({ outdir });
  new MonitoringStack(app, 'MonitoringExample', {
    description: 'cdk-kms-patterns example: an EncryptionMonitor over two TenantKeys and a rotated secret',
  });
  return app;
}

if (require.main === module) {
  const assembly = build().synth();
  if (!process.env.CDK_OUTDIR) {
    console.log(`Synthesized into ${assembly.directory}`);
  }
}
