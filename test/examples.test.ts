// Every app in examples/ builds, synthesizes, and contains what its README promises.
// cdk-nag and other template checks of the examples go through the same seam:
// `synthesizeExamples(outdir)` in test/helpers/examples.ts.
import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SynthesizedExample, exampleNames, loadExample, synthesizeExamples } from './helpers/examples';

const TMP_DIR = path.resolve(__dirname, '..', '.tmp');

/**
 * What the library adds to a stack by default besides the constructs' own resources: the
 * stack's rotation-verification provider and its EncryptionMonitor, each under one
 * construct whose logical IDs start with these prefixes.
 */
const PROVIDER_PREFIX = 'KmsPatternsRotationVerificationProvider';
const MONITOR_PREFIX = 'EncryptionMonitor';
const DAILY_CHECK_PREFIX = 'KmsPatternsDailyRotationCheck';

/** Resources of `type` that the example's own constructs made (not the provider or the monitor). */
function appResources(template: Template, type: string): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources(type))
    .filter(([id]) => !id.startsWith(PROVIDER_PREFIX) && !id.startsWith(MONITOR_PREFIX)));
}

/**
 * The default checks of the stack: `verifications` rotation checks served by one provider
 * (five functions, one waiter) and its daily rotation check (one rule, one permission, two
 * alarms), and one monitor whose rules and alarms are a fixed set: five rules for keys
 * (denied decrypts, denied calls, lifecycle, alias changes, routine deploys, the last without
 * an alarm), one for secrets (failed rotations; overdue rotations are the daily check's, and
 * AWS Config only on opt-in), one dead-letter alarm, and one more alarm when a rotation
 * function is watched. The monitor sends the daily check's alarms to its topic.
 */
function expectAssurance(template: Template, expected: {
  verifications: number;
  keys: boolean;
  secrets: boolean;
  rotationFunction?: boolean;
  /** Lambda functions the example's own constructs make (a rotation function), besides the provider's. */
  ownFunctions?: number;
}): void {
  template.resourceCountIs('Custom::KmsPatternsRotationVerification', expected.verifications);
  const providerOnly = (type: string, own = 0): void => {
    const all = Object.keys(template.findResources(type));
    expect(all.filter(id => !id.startsWith(PROVIDER_PREFIX))).toHaveLength(own);
    expect(all).toHaveLength(own + (expected.verifications > 0 ? ({ 'AWS::Lambda::Function': 5, 'AWS::StepFunctions::StateMachine': 1 } as Record<string, number>)[type] : 0));
  };
  providerOnly('AWS::Lambda::Function', expected.ownFunctions);
  providerOnly('AWS::StepFunctions::StateMachine');
  const rules = (expected.keys ? 5 : 0) + (expected.secrets ? 1 : 0);
  const alarms = rules - (expected.keys ? 1 : 0) + (rules > 0 ? 1 : 0) + (expected.rotationFunction ? 1 : 0);
  const monitorOnly = (type: string, count: number): void => {
    // The verification's daily rotation check brings one rule of its own (below).
    const all = Object.keys(template.findResources(type)).filter(id => !id.startsWith(DAILY_CHECK_PREFIX));
    expect(all.filter(id => !id.startsWith(MONITOR_PREFIX))).toEqual([]);
    expect(all).toHaveLength(count);
  };
  const dailyCheck = (type: string): Record<string, any> => Object.fromEntries(Object.entries(template.findResources(type))
    .filter(([id]) => id.startsWith(DAILY_CHECK_PREFIX)));
  const verified = expected.verifications > 0;
  expect(Object.values(dailyCheck('AWS::Events::Rule')).map(r => r.Properties.ScheduleExpression))
    .toEqual(verified ? ['rate(1 day)'] : []);
  expect(Object.values(dailyCheck('AWS::Lambda::Permission')).map(p => p.Properties.Principal))
    .toEqual(verified ? ['events.amazonaws.com'] : []);
  const dailyAlarms = Object.values(dailyCheck('AWS::CloudWatch::Alarm'));
  expect(dailyAlarms).toHaveLength(verified ? 2 : 0);
  if (rules > 0) {
    // The monitor routes the daily check's alarms to its topic.
    for (const alarm of dailyAlarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^EncryptionMonitorAlarmTopic/) }]);
    }
  }
  monitorOnly('AWS::Events::Rule', rules);
  monitorOnly('AWS::CloudWatch::Alarm', alarms);
  monitorOnly('AWS::SNS::Topic', rules > 0 ? 1 : 0);
  monitorOnly('AWS::SQS::Queue', rules > 0 ? 2 : 0);
  // Monitors made on the constructs' behalf rely on the account's trail: never a trail per stack.
  template.resourceCountIs('AWS::CloudTrail::Trail', 0);
  template.resourceCountIs('AWS::Logs::MetricFilter', 0);
}

/** Facts specific to one example, checked against each of its stacks. */
const EXPECTATIONS: Record<string, (template: Template, synthesized: SynthesizedExample) => void> = {
  'rotated-secret': (template) => {
    // One RotatedSecret rotated by a RandomTokenRotation: the secret's key, alias, secret and
    // schedule; the rotation function with its role, its log group and that log group's
    // key; the rotation check, whose per-stack provider brings the key of its own log group.
    // The secret, its key and the rotation function are watched by the stack's monitor.
    expect(Object.keys(appResources(template, 'AWS::KMS::Key'))).toHaveLength(2);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    expectAssurance(template, { verifications: 1, keys: true, secrets: true, rotationFunction: true, ownFunctions: 1 });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/rotated-secret/RotatedSecretExample/ApiToken' });
    const secretKeyId = Object.keys(appResources(template, 'AWS::KMS::Key')).find(id => id.startsWith('ApiToken'))!;
    const key = template.toJSON().Resources[secretKeyId];
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 });
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0];
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [secretKeyId, 'Arn'] });
    // The library's own rotation function: no hosted rotation, so no database or VPC to reach.
    const [functionId] = Object.keys(appResources(template, 'AWS::Lambda::Function'));
    expect(functionId).toMatch(/^TokenRotation/);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotationLambdaARN: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TOKEN_LENGTH: '40' }) } });
    // The check runs after the schedule exists.
    const [scheduleId] = Object.keys(template.findResources('AWS::SecretsManager::RotationSchedule'));
    const check = Object.values(template.findResources('Custom::KmsPatternsRotationVerification'))[0];
    expect(check.DependsOn).toContain(scheduleId);
  },
  'monitoring': (template) => {
    // Two TenantKeys (each verified), the monitor's key for its alarm topic and the provider's
    // log key; no trail (the account has one).
    expect(Object.keys(appResources(template, 'AWS::KMS::Key'))).toHaveLength(2);
    template.resourceCountIs('AWS::KMS::Key', 4);
    // Fixed sets, whatever the number of keys: six rules and seven alarms of the monitor's,
    // the daily check's rule and two alarms, no AWS Config rule (overdue rotation is the
    // daily check's unless `rotationOverdueConfigRule`), no metric filter, and no function
    // of the monitor's (the five are the rotation check's).
    expectAssurance(template, { verifications: 2, keys: true, secrets: true, rotationFunction: true });
    template.resourceCountIs('AWS::Config::ConfigRule', 0);
    // The alarm topic has a receiver: the example subscribes an email address.
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security-oncall@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^EncryptionMonitorAlarmTopic') },
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // Both tenant keys are data in the denied-decrypt pattern, which sees read-only events.
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const denied = rules.find(r => JSON.stringify(r.Properties.EventPattern.detail.eventName) === '["Decrypt"]')!;
    expect(denied.Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(denied.Properties.EventPattern.detail.resources.ARN.map((a: any) => a.suffix['Fn::Join'][1][1].Ref))
      .toEqual([expect.stringMatching(/^AcmeKey/), expect.stringMatching(/^GlobexKey/)]);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^EncryptionMonitorAlarmTopic/) }]);
    }
  },
  'tenant-keys': (template) => {
    // Two TenantKeys and one SharedTenantKey: one key, one alias and one rotation check each.
    expect(Object.keys(appResources(template, 'AWS::KMS::Key'))).toHaveLength(3);
    expect(Object.values(appResources(template, 'AWS::KMS::Alias')).map(a => a.Properties.AliasName).sort())
      .toEqual(['alias/shared/tenants', 'alias/tenant/acme', 'alias/tenant/globex']);
    expectAssurance(template, { verifications: 3, keys: true, secrets: false });
    // Key admin, a workload role per tenant, a tagged role per tenant on the shared key.
    expect(Object.keys(appResources(template, 'AWS::IAM::Role'))).toHaveLength(5);
    expect(Object.keys(appResources(template, 'AWS::IAM::Policy'))).toHaveLength(4);

    // The library's safe defaults, untouched by the example.
    for (const key of Object.values(appResources(template, 'AWS::KMS::Key'))) {
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.PendingWindowInDays).toBe(30);
      expect(key.Properties.RotationPeriodInDays).toBe(365);
      const sids = key.Properties.KeyPolicy.Statement.map((s: { Sid?: string }) => s.Sid);
      expect(sids).toEqual(expect.arrayContaining(['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsAllowKeyAdministrationOnly', 'KmsPatternsDenyOutsideTenantEncryptionContext']));
    }

    // Each tenant key is bound to its own tenant's context and workload role.
    for (const tenant of ['acme', 'globex']) {
      const keys = template.findResources('AWS::KMS::Key', { Properties: { Tags: [{ Key: 'tenant', Value: tenant }] } });
      expect(Object.keys(keys)).toHaveLength(1);
      const statements: any[] = Object.values(keys)[0].Properties.KeyPolicy.Statement;
      const byContext = statements.find(s => s.Sid === 'KmsPatternsDenyOutsideTenantEncryptionContext');
      expect(byContext.Condition.StringNotEquals['kms:EncryptionContext:tenantId']).toBe(tenant);
      const byPrincipal = statements.find(s => s.Sid === 'KmsPatternsDenyNonTenantPrincipals');
      const roleLogicalIds = byPrincipal.Condition.ArnNotEquals['aws:PrincipalArn'].map((a: any) => a['Fn::GetAtt'][0]);
      expect(roleLogicalIds).toHaveLength(1);
      expect(roleLogicalIds[0]).toMatch(new RegExp(`^${tenant[0].toUpperCase()}${tenant.slice(1)}WorkloadRole`));
    }

    // The shared key's roles carry the tenant tag the key policy keys on.
    for (const tenant of ['acme', 'globex']) {
      template.hasResourceProperties('AWS::IAM::Role', { Tags: [{ Key: 'tenantId', Value: tenant }] });
    }
  },
  'cross-account': (template, synthesized) => {
    const statementsOf = (key: any): any[] => key.Properties.KeyPolicy.Statement;
    if (synthesized.stackName === 'CrossAccountProducerExample') {
      // The producer: one key, its alias and the key administrator; no consumer role.
      expect(Object.keys(appResources(template, 'AWS::KMS::Key'))).toHaveLength(1);
      expect(Object.keys(appResources(template, 'AWS::KMS::Alias'))).toHaveLength(1);
      expect(Object.keys(appResources(template, 'AWS::IAM::Role'))).toHaveLength(1);
      expect(Object.keys(appResources(template, 'AWS::IAM::Policy'))).toHaveLength(0);
      expectAssurance(template, { verifications: 1, keys: true, secrets: false });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shared/reports' });
      const key = Object.values(appResources(template, 'AWS::KMS::Key'))[0];
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.PendingWindowInDays).toBe(30);
      expect(key.Properties.RotationPeriodInDays).toBe(365);
      expect(statementsOf(key).map(s => s.Sid)).toEqual([
        'KmsPatternsAllowAccountRootDelegation',
        'KmsPatternsAllowKeyAdministrationOnly',
        'KmsPatternsDenyCreateGrantExceptForAwsResources',
        'KmsPatternsDenyKeyManagementExceptToManagers',
        'KmsPatternsAllowConsumerAccountsDecrypt',
        'KmsPatternsAllowConsumerAccountsDescribeKey',
      ]);
      // The consumer account, by its root, may decrypt only through S3 in us-east-1.
      const decrypt = statementsOf(key).find(s => s.Sid === 'KmsPatternsAllowConsumerAccountsDecrypt');
      expect(decrypt.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } });
      expect(decrypt.Action).toBe('kms:Decrypt');
      expect(decrypt.Condition).toEqual({ StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] } });
      // The key ARN and the consumer's statement are published for the consumer account.
      const outputs = template.toJSON().Outputs;
      expect(outputs.KeyArn.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SharedDataKey/), 'Arn'] });
      expect(JSON.stringify(outputs.ConsumerPolicyStatement.Value)).toContain('kms:ViaService');
    } else {
      expect(synthesized.stackName).toBe('CrossAccountConsumerExample');
      // The consumer: no key of its own, one role with the IAM half on the producer's key ARN.
      template.resourceCountIs('AWS::KMS::Key', 0);
      expectAssurance(template, { verifications: 0, keys: false, secrets: false });
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:DescribeKey'],
            Resource: 'arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000',
            Condition: { StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] } },
          }],
        },
      });
    }
  },
  'multi-region': (template, synthesized) => {
    const policySids = (key: any): string[] => key.Properties.KeyPolicy.Statement.map((s: { Sid?: string }) => s.Sid);
    const sids = ['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsAllowKeyAdministrationOnly', 'KmsPatternsDenyCreateGrantExceptForAwsResources', 'KmsPatternsDenyKeyManagementExceptToManagers'];
    // Every Region: the same alias, 30-day window, retained, watched by its own stack's monitor
    // (EventBridge rules are regional). No custom resource crosses Regions: the one rotation
    // check is the primary's, in its stack (KMS rotates the replicas with the primary).
    expect(Object.values(appResources(template, 'AWS::KMS::Alias')).map(a => a.Properties.AliasName)).toEqual(['alias/orders/data']);
    const isPrimary = synthesized.stackName === 'MultiRegionExample';
    expectAssurance(template, { verifications: isPrimary ? 1 : 0, keys: true, secrets: false });
    if (isPrimary) {
      // The primary: one multi-Region key that rotates, its alias and the key administrator.
      expect(Object.keys(appResources(template, 'AWS::KMS::Key'))).toHaveLength(1);
      template.resourceCountIs('AWS::KMS::ReplicaKey', 0);
      expect(Object.keys(appResources(template, 'AWS::IAM::Role'))).toHaveLength(1);
      const key = Object.values(appResources(template, 'AWS::KMS::Key'))[0];
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties).toMatchObject({ MultiRegion: true, EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 });
      expect(policySids(key)).toEqual(sids);
      expect(synthesized.stack.dependencies).toEqual([]);
    } else {
      // A replica stack per Region, depending on the primary stack.
      const region = synthesized.stack.region;
      expect(['eu-west-1', 'eu-central-1']).toContain(region);
      expect(synthesized.stackName).toBe(`MultiRegionExample-DataKey-${region}`);
      expect(synthesized.stack.dependencies.map(d => d.stackName)).toEqual(['MultiRegionExample']);
      expect(Object.keys(appResources(template, 'AWS::KMS::Key'))).toHaveLength(0);
      template.resourceCountIs('AWS::KMS::ReplicaKey', 1);
      const replica = Object.values(template.findResources('AWS::KMS::ReplicaKey'))[0];
      expect(replica.DeletionPolicy).toBe('Retain');
      expect(replica.Properties.PendingWindowInDays).toBe(30);
      expect(policySids(replica)).toEqual(sids);
      expect(replica.Properties.PrimaryKeyArn['Fn::GetStackOutput']).toMatchObject({ StackName: 'MultiRegionExample', Region: 'us-east-1' });
      expect(Object.keys(template.toJSON().Outputs)).toContain('ReplicaKeyArn');
    }
  },
};

describe('examples', () => {
  const names = exampleNames();
  let outdir: string;
  let synthesized: SynthesizedExample[];

  beforeAll(() => {
    fs.mkdirSync(TMP_DIR, { recursive: true });
    outdir = fs.mkdtempSync(path.join(TMP_DIR, 'examples-test-'));
    synthesized = synthesizeExamples(outdir);
  });

  afterAll(() => {
    if (outdir) {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('there are examples', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  test.each(names)('%s: build() returns an App without synthesizing it', (name) => {
    const dir = path.join(outdir, 'unsynthesized', name);
    loadExample(name).build(dir);
    expect(fs.existsSync(path.join(dir, 'manifest.json'))).toBe(false);
  });

  test.each(names)('%s: synthesizes at least one stack into its outdir', (name) => {
    const stacks = synthesized.filter(s => s.example === name);
    expect(stacks.length).toBeGreaterThan(0);
    for (const s of stacks) {
      expect(s.templatePath.startsWith(path.join(outdir, name) + path.sep)).toBe(true);
      expect(fs.existsSync(s.templatePath)).toBe(true);
    }
  });

  test.each(names)('%s: every KMS key rotates', (name) => {
    for (const s of synthesized.filter(x => x.example === name)) {
      const keys = Template.fromJSON(readTemplate(s)).findResources('AWS::KMS::Key');
      for (const [logicalId, key] of Object.entries(keys)) {
        expect({ logicalId, rotation: key.Properties.EnableKeyRotation }).toEqual({ logicalId, rotation: true });
      }
    }
  });

  test.each(names)('%s: has the expected resources', (name) => {
    const check = EXPECTATIONS[name];
    if (!check) {
      throw new Error(`examples/${name}.ts has no entry in EXPECTATIONS in test/examples.test.ts; add one`);
    }
    for (const s of synthesized.filter(x => x.example === name)) {
      check(Template.fromJSON(readTemplate(s)), s);
    }
  });
});

function readTemplate(s: SynthesizedExample): Record<string, any> {
  return JSON.parse(fs.readFileSync(s.templatePath, 'utf-8'));
}
