// Every app in examples/ builds, synthesizes, and contains what its README promises.
// cdk-nag and other template checks of the examples go through the same seam:
// `synthesizeExamples(outdir)` in test/helpers/examples.ts.
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { SynthesizedExample, exampleNames, loadExample, synthesizeExamples } from './helpers/examples';

const TMP_DIR = path.resolve(__dirname, '..', '.tmp');

/** Facts specific to one example, checked against each of its stacks. */
const EXPECTATIONS: Record<string, (template: Template, synthesized: SynthesizedExample) => void> = {
  'rotated-secret': (template) => {
    // One RotatedSecret: its key, alias, secret, hosted rotation schedule and the rotation
    // check, whose per-stack provider brings the key of its own log group.
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    template.resourceCountIs('Custom::KmsPatternsRotationVerification', 1);
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/rotated-secret/RotatedSecretExample/DbPassword' });
    const [keyId, key] = Object.entries(template.findResources('AWS::KMS::Key'))[0];
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 });
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0];
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
      HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser', KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
    // The check runs after the schedule exists.
    const [scheduleId] = Object.keys(template.findResources('AWS::SecretsManager::RotationSchedule'));
    const check = Object.values(template.findResources('Custom::KmsPatternsRotationVerification'))[0];
    expect(check.DependsOn).toContain(scheduleId);
  },
  'monitoring': (template) => {
    // Two TenantKeys, and the monitor's own key for its alarm topic; no trail (the account has one).
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    // Fixed sets, whatever the number of keys: five rules, six alarms, one Config rule, no metric filter or function.
    template.resourceCountIs('AWS::Events::Rule', 5);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.resourceCountIs('AWS::Config::ConfigRule', 1);
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // Both tenant keys are data in the denied-decrypt pattern, which sees read-only events.
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const denied = rules.find(r => JSON.stringify(r.Properties.EventPattern.detail.eventName) === '["Decrypt"]')!;
    expect(denied.Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(denied.Properties.EventPattern.detail.resources.ARN.map((a: any) => a['Fn::GetAtt'][0]))
      .toEqual([expect.stringMatching(/^AcmeKey/), expect.stringMatching(/^GlobexKey/)]);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^EncryptionMonitorAlarmTopic/) }]);
    }
  },
  'tenant-keys': (template) => {
    // Two TenantKeys and one SharedTenantKey: one key and one alias each.
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.resourceCountIs('AWS::KMS::Alias', 3);
    expect(Object.values(template.findResources('AWS::KMS::Alias')).map(a => a.Properties.AliasName).sort())
      .toEqual(['alias/shared/tenants', 'alias/tenant/acme', 'alias/tenant/globex']);
    // Key admin, a workload role per tenant, a tagged role per tenant on the shared key.
    template.resourceCountIs('AWS::IAM::Role', 5);
    template.resourceCountIs('AWS::IAM::Policy', 4);

    // The library's safe defaults, untouched by the example.
    for (const key of Object.values(template.findResources('AWS::KMS::Key'))) {
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.PendingWindowInDays).toBe(30);
      expect(key.Properties.RotationPeriodInDays).toBe(365);
      const sids = key.Properties.KeyPolicy.Statement.map((s: { Sid?: string }) => s.Sid);
      expect(sids).toEqual(expect.arrayContaining(['AllowAccountRootDelegation', 'AllowKeyAdministrationOnly', 'DenyOutsideTenantEncryptionContext']));
    }

    // Each tenant key is bound to its own tenant's context and workload role.
    for (const tenant of ['acme', 'globex']) {
      const keys = template.findResources('AWS::KMS::Key', { Properties: { Tags: [{ Key: 'tenant', Value: tenant }] } });
      expect(Object.keys(keys)).toHaveLength(1);
      const statements: any[] = Object.values(keys)[0].Properties.KeyPolicy.Statement;
      const byContext = statements.find(s => s.Sid === 'DenyOutsideTenantEncryptionContext');
      expect(byContext.Condition.StringNotEquals['kms:EncryptionContext:tenantId']).toBe(tenant);
      const byPrincipal = statements.find(s => s.Sid === 'DenyNonTenantPrincipals');
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
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.resourceCountIs('AWS::KMS::Alias', 1);
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shared/reports' });
      const key = Object.values(template.findResources('AWS::KMS::Key'))[0];
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.PendingWindowInDays).toBe(30);
      expect(key.Properties.RotationPeriodInDays).toBe(365);
      expect(statementsOf(key).map(s => s.Sid)).toEqual([
        'AllowAccountRootDelegation',
        'AllowKeyAdministrationOnly',
        'DenyCreateGrantExceptForAwsResources',
        'AllowConsumerAccountsDecrypt',
        'AllowConsumerAccountsDescribeKey',
      ]);
      // The consumer account, by its root, may decrypt only through S3 in us-east-1.
      const decrypt = statementsOf(key).find(s => s.Sid === 'AllowConsumerAccountsDecrypt');
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
    const sids = ['AllowAccountRootDelegation', 'AllowKeyAdministrationOnly', 'DenyCreateGrantExceptForAwsResources'];
    // Every Region: the same alias, 30-day window, retained, no custom resource crossing Regions.
    template.resourceCountIs('AWS::KMS::Alias', 1);
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/orders/data' });
    expect(Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map(r => r.Type)
      .filter(t => t.startsWith('Custom::') || t.startsWith('AWS::Lambda::'))).toEqual([]);
    if (synthesized.stackName === 'MultiRegionExample') {
      // The primary: one multi-Region key that rotates, its alias and the key administrator.
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.resourceCountIs('AWS::KMS::ReplicaKey', 0);
      template.resourceCountIs('AWS::IAM::Role', 1);
      const key = Object.values(template.findResources('AWS::KMS::Key'))[0];
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
      template.resourceCountIs('AWS::KMS::Key', 0);
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
