import * as fs from 'fs';
import * as path from 'path';
import { App, CfnElement, Lazy, NestedStack, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EncryptionMonitor, MonitorScope, MonitorTrail, TenantKey, TenantKeyFleet, TenantKeyFleetProps } from '../src';
import { controlTowerFailures, controlTowerRuleFiles } from './helpers/cfn-guard';
import { cfnLint } from './helpers/cfn-lint';
import { matchEvents } from './helpers/event-ruler';
import { formatNagFindings, nagFindings } from './helpers/nag';
import { resolveIntrinsics } from './helpers/resolve-template';
import { writtenTemplate } from './helpers/template-file';
import { encStdFindings } from './nag/enc-std';

const ENV = { account: '111111111111', region: 'us-east-1' };
const RECORD = { 'cdk-kms-patterns:recordFleetPlacement': 'true' };
const TMP = path.resolve(__dirname, '..', '.tmp');
const CHECKS_OFF = { verifyRotation: false, monitoring: false };

/** A fresh directory for placement files, per test. */
function tmpDir(): string {
  fs.mkdirSync(TMP, { recursive: true });
  return fs.mkdtempSync(path.join(TMP, 'fleet-'));
}

interface Built { readonly app: App; readonly stack: Stack; readonly fleet: TenantKeyFleet }

/** A fleet at `S/Fleet`, in record mode unless `record` is false. */
function build(file: string, props: Partial<TenantKeyFleetProps> & { tenantIds: string[] }, record = true): Built {
  const app = new App({ context: record ? RECORD : {} });
  const stack = new Stack(app, 'S', { env: ENV });
  const fleet = new TenantKeyFleet(stack, 'Fleet', { placementFile: file, ...props });
  return { app, stack, fleet };
}

const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

/** Where a tenant's key lives: its stack's path and the logical IDs of its key and alias. */
function whereabouts(key: TenantKey): string {
  const stack = Stack.of(key.key);
  const logicalId = (c: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(c.node.defaultChild as CfnElement);
  return `${stack.node.path} ${logicalId(key.key)} ${logicalId(key.alias)}`;
}

function shardStack(key: TenantKey): NestedStack {
  return Stack.of(key.key) as NestedStack;
}

/** The account-scope monitor's rules for keys: denied decrypts, denied calls, lifecycle, alias changes, routine deploys. */
const FLEET_MONITOR_RULES = 5;

describe('TenantKeyFleet', () => {
  test('puts each tenant\'s key in a nested stack, with one account-scope monitor for the fleet', () => {
    const { stack, fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme', 'globex', 'initech'] });
    const parent = Template.fromStack(stack);
    parent.resourceCountIs('AWS::CloudFormation::Stack', 1);
    parent.resourceCountIs('AWS::KMS::Alias', 1); // the monitor's topic key only
    // The monitor's key rules: denied decrypts, denied calls, key lifecycle, alias changes, routine deploys.
    parent.resourceCountIs('AWS::Events::Rule', FLEET_MONITOR_RULES);
    const shard = Template.fromStack(shardStack(fleet.keyFor('acme')));
    shard.resourceCountIs('AWS::KMS::Key', 4); // three tenants and the verification provider's log key
    shard.resourceCountIs('Custom::KmsPatternsRotationVerification', 3);
    // The shard's one rule is its daily rotation check, whose alarms notify the fleet's topic.
    shard.resourceCountIs('AWS::Events::Rule', 1);
    shard.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    const dailyAlarms = Object.values<any>(shard.findResources('AWS::CloudWatch::Alarm'));
    expect(dailyAlarms).toHaveLength(2);
    for (const alarm of dailyAlarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
    shard.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/tenant/globex' });
    expect(fleet.keyFor('acme').node.path).toBe('S/Fleet/Shard0/Tenants/acme');
    expect(fleet.keyFor('acme').monitor).toBe(fleet.monitor);
  });

  test('the fleet\'s monitor matches keys by account, so its patterns do not grow with tenants', () => {
    const { stack } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ids('t', 40) });
    const rules = Template.fromStack(stack).findResources('AWS::Events::Rule');
    const patterns = Object.values<any>(rules).map(r => JSON.stringify(r.Properties.EventPattern));
    expect(patterns.length).toBe(FLEET_MONITOR_RULES);
    for (const pattern of patterns) {
      expect(pattern).not.toContain('Fleet');
      expect(pattern.length).toBeLessThan(2048);
    }
  });

  test('a monitor that lists what it watches pages when a fleet key\'s alias is moved to another key', () => {
    const app = new App({ context: RECORD });
    const stack = new Stack(app, 'S', { env: ENV });
    const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
    const fleet = new TenantKeyFleet(stack, 'Fleet', { tenantIds: ['acme', 'globex'], placementFile: path.join(tmpDir(), 'p.json'), monitor });
    const template = Template.fromStack(stack).toJSON();
    // The alias rule names aliases and the deploying role, no key IDs: it resolves offline.
    const aliasRules = Object.fromEntries(Object.entries<any>(template.Resources)
      .filter(([id, r]) => r.Type === 'AWS::Events::Rule' && id.includes('AliasChanges'))
      .map(([id, rule]) => [id, resolveIntrinsics(rule.Properties.EventPattern, template, id)]));
    expect(Object.keys(aliasRules)).toHaveLength(1);

    const moved = (aliasName: string) => ({
      'version': '0',
      'id': aliasName,
      'detail-type': 'AWS API Call via CloudTrail',
      'source': 'aws.kms',
      'account': ENV.account,
      'time': '2026-01-01T00:00:00Z',
      'region': ENV.region,
      'resources': [],
      'detail': {
        eventSource: 'kms.amazonaws.com',
        eventName: 'UpdateAlias',
        awsRegion: ENV.region,
        userIdentity: {
          type: 'AssumedRole',
          accountId: ENV.account,
          arn: `arn:aws:sts::${ENV.account}:assumed-role/admin/alice`,
          sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ENV.account}:role/admin` } },
        },
        requestParameters: { aliasName, targetKeyId: `arn:aws:kms:us-east-1:${ENV.account}:key/22222222-2222-2222-2222-222222222222` },
      },
    });
    const matched = matchEvents(aliasRules, {
      acme: moved(stack.resolve(fleet.keyFor('acme').aliasName)),
      globex: moved(stack.resolve(fleet.keyFor('globex').aliasName)),
      unwatched: moved('alias/someone-else'),
    });
    expect(matched).toEqual({ acme: Object.keys(aliasRules), globex: Object.keys(aliasRules), unwatched: [] });
  });

  test('says once, on the fleet, that its keys have no admins, not once per key', () => {
    const { stack } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ids('t', 30), ...CHECKS_OFF });
    const infos = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('No `admins`'));
    expect(infos.map(i => i.id)).toEqual(['/S/Fleet']);
  });

  test('uses the monitor it is given', () => {
    const app = new App({ context: RECORD });
    const stack = new Stack(app, 'S', { env: ENV });
    const monitor = new EncryptionMonitor(stack, 'Monitor', { scope: MonitorScope.ACCOUNT, trail: MonitorTrail.existing() });
    const fleet = new TenantKeyFleet(stack, 'Fleet', { tenantIds: ['acme'], placementFile: path.join(tmpDir(), 'p.json'), monitor });
    expect(fleet.monitor).toBe(monitor);
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', FLEET_MONITOR_RULES);
  });

  test.each(['metricDeniedDecrypts', 'metricDeniedKeyCalls', 'metricKeyLifecycleEvents'] as const)(
    'each key\'s %s is its fleet\'s monitor\'s, and fails with the fleet\'s monitoring off, naming the fleet\'s prop', (method) => {
      const { stack, fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme', 'globex'] });
      for (const tenant of ['acme', 'globex']) {
        expect(stack.resolve(fleet.keyFor(tenant)[method]().dimensions)).toEqual(stack.resolve(fleet.monitor![method]().dimensions));
      }
      const off = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme'], ...CHECKS_OFF }).fleet;
      expect(() => off.keyFor('acme')[method]()).toThrow(new Error(`S/Fleet: \`monitoring\` must be on (the default) for ${method}() of its keys `
        + '(S/Fleet/Shard0/Tenants/acme): they are watched by its monitor, and it has none, got false'));
    });

  test('follows the app-wide defaults of the checks, like every key construct', () => {
    const file = path.join(tmpDir(), 'p.json');
    const app = new App({ context: { ...RECORD, 'cdk-kms-patterns:verifyRotation': 'false', 'cdk-kms-patterns:monitoring': false } });
    const fleet = new TenantKeyFleet(new Stack(app, 'S', { env: ENV }), 'Fleet', { tenantIds: ['acme'], placementFile: file });
    expect(fleet.monitor).toBeUndefined();
    Template.fromStack(shardStack(fleet.keyFor('acme'))).resourceCountIs('Custom::KmsPatternsRotationVerification', 0);
  });

  test('passes the TenantKey options to every key', () => {
    const { fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme'], aliasPrefix: 'saas/tenants', ...CHECKS_OFF });
    const shard = Template.fromStack(shardStack(fleet.keyFor('acme')));
    shard.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/saas/tenants/acme' });
    shard.resourceCountIs('Custom::KmsPatternsRotationVerification', 0);
    expect(fleet.monitor).toBeUndefined();
  });

  test('grants per tenant, through its TenantKey: the grantee joins that key\'s policy, not another tenant\'s', () => {
    const { stack, fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme', 'globex'], ...CHECKS_OFF });
    const acmeRole = new iam.Role(stack, 'AcmeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    fleet.keyFor('acme').grantDecrypt(acmeRole);
    const shard = Template.fromStack(shardStack(fleet.keyFor('acme')));
    const policies = Object.entries<any>(shard.findResources('AWS::KMS::Key'))
      .map(([id, r]) => [id, JSON.stringify(r.Properties.KeyPolicy)] as const);
    const acmeId = shardStack(fleet.keyFor('acme')).getLogicalId(fleet.keyFor('acme').key.node.defaultChild as CfnElement);
    // The role comes from the parent stack as a nested-stack parameter.
    const withRole = policies.filter(([, p]) => p.includes('referencetoSAcmeRole'));
    expect(withRole.map(([id]) => id)).toEqual([acmeId]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'kms:EncryptionContext:tenantId': 'acme' } } })] },
    });
  });

  test('writes each stack\'s template as a fresh render gives it, parameters and outputs included', () => {
    const { app, stack, fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme', 'globex'] });
    const acmeRole = new iam.Role(stack, 'AcmeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    fleet.keyFor('acme').grantEncryptDecrypt(acmeRole); // a parameter in, an output out
    const assembly = app.synth();
    const shard = shardStack(fleet.keyFor('acme'));
    const written = writtenTemplate(assembly, shard);
    expect(Object.keys(written.Parameters).length).toBeGreaterThan(0);
    expect(Object.keys(written.Outputs).length).toBeGreaterThan(0);
    // A fresh render by aws-cdk-lib's own code, second walk included (the one made for the asset hash was used up by the write).
    expect(written).toEqual((Stack.prototype as unknown as { _toCloudFormation(): unknown })._toCloudFormation.call(shard));
  });

  test('keeps an AWS::CDK::Metadata resource of version reporting within the budget', () => {
    const app = new App({ context: { ...RECORD, 'aws:cdk:version-reporting': true } });
    const stack = new Stack(app, 'S', { env: ENV });
    const fleet = new TenantKeyFleet(stack, 'Fleet', {
      tenantIds: ids('t', 21), maxResourcesPerStack: 50, placementFile: path.join(tmpDir(), 'p.json'), ...CHECKS_OFF,
    });
    const assembly = app.synth();
    const shard = shardStack(fleet.keyFor('t0000'));
    const written = writtenTemplate(assembly, shard);
    expect(Object.keys(written.Resources).length).toBeLessThanOrEqual(50);
    expect(Stack.of(fleet.keyFor('t0020').key).node.id).toBe('Shard1');
  });

  test('turns creation and annotation stack traces off for its own constructs only, unless the app chose', () => {
    const { stack, fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme'], ...CHECKS_OFF });
    const outside = new iam.Role(stack, 'Outside', { assumedBy: new iam.AccountRootPrincipal() });
    const traces = (c: { node: { defaultChild?: unknown } }): number => (c.node.defaultChild as CfnElement).node.metadata
      .filter(m => m.type === 'aws:cdk:creationStack').length;
    expect(traces(fleet.keyFor('acme').key)).toBe(0);
    expect(traces(outside)).toBe(1);
    // The fleet's annotations (its keys' "no admins" info) carry no stack trace either.
    const annotations = fleet.node.metadata.filter(m => m.type === 'aws:cdk:info');
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.every(m => m.trace === undefined)).toBe(true);

    const app = new App({ context: { ...RECORD, 'aws:cdk:disable-creation-stack-traces': false } });
    const chosen = new TenantKeyFleet(new Stack(app, 'S', { env: ENV }), 'Fleet', {
      tenantIds: ['acme'], placementFile: path.join(tmpDir(), 'p.json'), ...CHECKS_OFF,
    });
    expect(traces(chosen.keyFor('acme').key)).toBe(1);
    const tracedApp = new App({ context: { ...RECORD, 'aws:cdk:disable-stack-trace': false } });
    const traced = new TenantKeyFleet(new Stack(tracedApp, 'S', { env: ENV }), 'Fleet', {
      tenantIds: ['acme'], placementFile: path.join(tmpDir(), 'p.json'), ...CHECKS_OFF,
    });
    const tracedAnnotations = traced.node.metadata.filter(m => m.type === 'aws:cdk:info');
    expect(tracedAnnotations.length).toBeGreaterThan(0);
    expect(tracedAnnotations.every(m => m.trace !== undefined)).toBe(true);
  });

  test('fails when asked for the key of a tenant it does not have', () => {
    const { fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme'], ...CHECKS_OFF });
    expect(() => fleet.keyFor('globex')).toThrow('S/Fleet: `tenantId` must be one of the fleet\'s 1 tenants (`tenantIds`), got "globex"');
  });

  describe('compliance', () => {
    let built: Built;
    let shardTemplate: Record<string, unknown>;
    beforeAll(() => {
      built = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme', 'globex'] });
      shardTemplate = Template.fromStack(shardStack(built.fleet.keyFor('acme'))).toJSON();
    });

    test('has no cdk-nag finding, in the fleet\'s stack or its shards', () => {
      expect(formatNagFindings(nagFindings(built.stack))).toBe('no cdk-nag findings');
    });

    test('passes the library\'s encryption-standards pack', () => {
      expect(formatNagFindings(encStdFindings(built.stack))).toBe('no cdk-nag findings');
    });

    test('a shard passes every Control Tower KMS control', () => {
      const kmsRules = [...controlTowerRuleFiles().keys()].filter(id => id.startsWith('CT.KMS.'));
      expect(controlTowerFailures(shardTemplate, kmsRules)).toEqual([]);
    });

    test('a shard and the fleet\'s stack pass cfn-lint without errors or warnings', () => {
      for (const template of [shardTemplate, Template.fromStack(built.stack).toJSON()]) {
        const result = cfnLint(template);
        expect({ errors: result.errors, warnings: result.warnings }).toEqual({ errors: [], warnings: [] });
      }
    });
  });

  describe('placement', () => {
    const EXISTING = ids('tenant-', 1000);

    // 1,000 tenants recorded once; each test records its change on a copy of that file.
    let recordedFile: string;
    let recorded: TenantKeyFleet;
    beforeAll(() => {
      recordedFile = path.join(tmpDir(), 'p.json');
      recorded = build(recordedFile, { tenantIds: EXISTING, ...CHECKS_OFF }).fleet;
    });

    /** The fleet of 1,000 as recorded, and the fleet of `tenantIds` recorded from the same file. */
    function rebuild(tenantIds: string[]): { before: TenantKeyFleet; after: TenantKeyFleet } {
      const file = path.join(tmpDir(), 'p.json');
      fs.copyFileSync(recordedFile, file);
      return { before: recorded, after: build(file, { tenantIds, ...CHECKS_OFF }).fleet };
    }

    test.each([
      ['inserted at the front', [...ids('a-', 50), ...EXISTING]],
      ['inserted in the middle', [...EXISTING.slice(0, 500), ...ids('m-', 50), ...EXISTING.slice(500)]],
      ['appended past the first stacks', [...EXISTING, ...ids('z-', 400)]],
      ['removed every third', EXISTING.filter((_, i) => i % 3 !== 0)],
      ['inserted, removed and appended at once', [...ids('a-', 40), ...EXISTING.filter((_, i) => i % 5 !== 2), ...ids('z-', 300)]],
    ])('with tenants %s, every existing key keeps its stack and logical IDs', (_, tenantIds) => {
      const { before, after } = rebuild(tenantIds);
      const kept = EXISTING.filter(t => tenantIds.includes(t));
      const moved = kept.filter(t => whereabouts(before.keyFor(t)) !== whereabouts(after.keyFor(t)));
      expect(moved).toEqual([]);
      expect(kept.length).toBeGreaterThan(600);
    });

    test('growing past the first stacks adds stacks after them', () => {
      const { before, after } = rebuild([...EXISTING, ...ids('z-', 400)]);
      const shardsOf = (f: TenantKeyFleet): Set<string> => new Set(f.tenantIds.map(t => Stack.of(f.keyFor(t).key).node.id));
      expect(shardsOf(before).size).toBe(7);
      expect([...shardsOf(after)].sort()).toEqual(['Shard0', 'Shard1', 'Shard2', 'Shard3', 'Shard4', 'Shard5', 'Shard6', 'Shard7', 'Shard8', 'Shard9']);
      expect(Stack.of(after.keyFor('z-0399').key).node.id).toBe('Shard9');
    });

    test('the logical IDs it relies on are those of the synthesized templates', () => {
      const { app, fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme', 'globex'], ...CHECKS_OFF });
      const assembly = app.synth();
      const key = fleet.keyFor('globex');
      const shard = shardStack(key);
      const template = writtenTemplate(assembly, shard);
      const [, keyId, aliasId] = whereabouts(key).split(' ');
      expect(template.Resources[keyId].Type).toBe('AWS::KMS::Key');
      expect(template.Resources[aliasId].Properties.AliasName).toBe('alias/tenant/globex');
    });

    test('record mode writes the file only when the placement changes', () => {
      const file = path.join(tmpDir(), 'p.json');
      build(file, { tenantIds: ['acme'], ...CHECKS_OFF });
      const written = fs.statSync(file).mtimeMs;
      build(file, { tenantIds: ['acme'], ...CHECKS_OFF });
      expect(fs.statSync(file).mtimeMs).toBe(written);
      expect(JSON.parse(fs.readFileSync(file, 'utf-8')).shards).toEqual([['acme']]);
    });

    test('without record mode, a recorded fleet synthesizes and the file stays as it was', () => {
      const file = path.join(tmpDir(), 'p.json');
      build(file, { tenantIds: ['acme', 'globex'], ...CHECKS_OFF });
      const text = fs.readFileSync(file, 'utf-8');
      const { fleet } = build(file, { tenantIds: ['globex'], ...CHECKS_OFF }, false);
      expect(fleet.keyFor('globex').node.path).toBe('S/Fleet/Shard0/Tenants/globex');
      expect(fs.readFileSync(file, 'utf-8')).toBe(text);
    });

    test('fails when the placement file is missing, naming the default file and the command', () => {
      const cwd = process.cwd();
      expect(() => build(undefined as unknown as string, { tenantIds: ['acme'], ...CHECKS_OFF }, false)).toThrow(
        'S/Fleet: `placementFile` does not exist: record their stacks with `cdk synth -c cdk-kms-patterns:recordFleetPlacement=true` '
        + 'and commit the file. If this fleet was deployed before, restore the file from version control instead: a new placement '
        + `could move existing keys, which replaces them, got "${path.join(cwd, 'tenant-key-fleet.S.Fleet.json')}"`);
    });

    test('fails when a tenant has no recorded stack', () => {
      const file = path.join(tmpDir(), 'p.json');
      build(file, { tenantIds: ['acme'], ...CHECKS_OFF });
      expect(() => build(file, { tenantIds: ['acme', 'globex', 'initech'], ...CHECKS_OFF }, false)).toThrow(
        `S/Fleet: \`tenantIds\` must each have a stack recorded in ${file}: record their stacks with `
        + '`cdk synth -c cdk-kms-patterns:recordFleetPlacement=true` and commit the file, got "2 tenants with no recorded stack ("globex", "initech")"');
    });

    test.each([true, false])('fails when the file was edited by hand (record mode %s): nothing is moved or rewritten', (record) => {
      const file = path.join(tmpDir(), 'p.json');
      build(file, { tenantIds: ['acme', 'globex'], maxResourcesPerStack: 50, ...CHECKS_OFF });
      const edited = fs.readFileSync(file, 'utf-8').replace('["acme","globex"]', '["acme"],\n    ["globex"]');
      fs.writeFileSync(file, edited);
      expect(() => build(file, { tenantIds: ['acme', 'globex'], ...CHECKS_OFF }, record)).toThrow(
        'S/Fleet: `placementFile` was edited by hand: its digest does not match its content');
      expect(fs.readFileSync(file, 'utf-8')).toBe(edited);
    });

    test('fails when the file belongs to another fleet', () => {
      const file = path.join(tmpDir(), 'p.json');
      build(file, { tenantIds: ['acme'], ...CHECKS_OFF });
      const app = new App();
      const other = new Stack(app, 'Other', { env: ENV });
      expect(() => new TenantKeyFleet(other, 'Fleet', { tenantIds: ['acme'], placementFile: file, ...CHECKS_OFF }))
        .toThrow('Other/Fleet: `placementFile` belongs to the fleet "S/Fleet", not to this one ("Other/Fleet")');
    });
  });

  describe('stack budget', () => {
    test('places at most (budget - 40) / 3 tenants per stack with verification, (budget - 10) / 2 without', () => {
      const withChecks = build(path.join(tmpDir(), 'p.json'), { tenantIds: ids('t', 100), maxResourcesPerStack: 100, monitoring: false }).fleet;
      expect(Stack.of(withChecks.keyFor('t0019').key).node.id).toBe('Shard0');
      expect(Stack.of(withChecks.keyFor('t0020').key).node.id).toBe('Shard1');
      const without = build(path.join(tmpDir(), 'p.json'), { tenantIds: ids('t', 100), maxResourcesPerStack: 100, ...CHECKS_OFF }).fleet;
      expect(Stack.of(without.keyFor('t0044').key).node.id).toBe('Shard0');
      expect(Stack.of(without.keyFor('t0045').key).node.id).toBe('Shard1');
    });

    test('fails at synthesis when a stack holds more than the budget, instead of moving tenants', () => {
      const file = path.join(tmpDir(), 'p.json');
      build(file, { tenantIds: ids('t', 20), maxResourcesPerStack: 50, ...CHECKS_OFF });
      // Verification turned on later: 20 tenants now take 60 resources plus the provider's.
      const { app } = build(file, { tenantIds: ids('t', 20), maxResourcesPerStack: 50, monitoring: false }, false);
      expect(() => app.synth()).toThrow(/S\/Fleet\/Shard0: `maxResourcesPerStack` must be at least the 7\d resources this stack holds, got 50/);
    });

    // "AWS CloudFormation quotas": template body size in an Amazon S3 object, 1 MB.
    test('fails at synthesis when a stack\'s template passes 1 MB', () => {
      const { app } = build(path.join(tmpDir(), 'p.json'), {
        tenantIds: ids('t', 145), description: 'x'.repeat(7200), ...CHECKS_OFF,
      });
      expect(() => app.synth()).toThrow(/S\/Fleet\/Shard0: the template is \d+ bytes, more than the 1000000 bytes CloudFormation reads from S3/);
    });

    // "AWS CloudFormation quotas": parameters, 200 per template.
    test('fails at synthesis when a stack would take more than 200 parameters', () => {
      const { app, stack, fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme'], ...CHECKS_OFF });
      for (let i = 0; i < 201; i++) {
        fleet.keyFor('acme').grantDecrypt(new iam.Role(stack, `Role${i}`, { assumedBy: new iam.AccountRootPrincipal() }));
      }
      expect(() => app.synth()).toThrow('S/Fleet/Shard0: the template takes 201 parameters, more than the 200 CloudFormation allows');
    });

    // "AWS CloudFormation quotas": outputs, 200 per template.
    test('fails at synthesis when a stack would declare more than 200 outputs', () => {
      const { app, stack, fleet } = build(path.join(tmpDir(), 'p.json'), { tenantIds: ids('t', 101), ...CHECKS_OFF });
      const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      // Each grant puts the key's ARN in the parent's role policy: one output each (and the role's ARN once, as a parameter).
      fleet.tenantIds.forEach(t => fleet.keyFor(t).grantDecrypt(role));
      const more = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
      fleet.tenantIds.forEach(t => new iam.Policy(stack, `Id${t}`, {
        roles: [more], statements: [new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: [fleet.keyFor(t).keyId] })],
      }));
      expect(() => app.synth()).toThrow(/S\/Fleet\/Shard0: the template declares 20\d outputs, more than the 200 CloudFormation allows/);
    });

    // "Understand CloudFormation quotas" (AWS CloudFormation User Guide), Nested stacks: at most
    // 2,500 resources created, updated or deleted per nested stack operation, over the whole tree.
    test('refuses to record a change the next deployment could not make: more than 2,500 resources', () => {
      // 710 new tenants with verification: 710 * 3 + 9 new stacks * 41 = 2,499 resources.
      expect(() => build(path.join(tmpDir(), 'p.json'), { tenantIds: ids('t', 710), monitoring: false })).not.toThrow();
      const file = path.join(tmpDir(), 'p.json');
      expect(() => build(file, { tenantIds: ids('t', 711), monitoring: false })).toThrow(
        'S/Fleet: `tenantIds` must change at most 2500 resources per deployment, CloudFormation\'s limit for one nested stack operation '
        + '(this recording makes the next deployment create or delete up to 2502): record part of the change, about 710 tenants into '
        + 'new stacks, deploy it, then record the rest (nothing recorded moves), got "711 tenants to add and 0 to remove"');
      expect(fs.existsSync(file)).toBe(false);
    });

    test('counts removed tenants too, and a change recorded in parts passes', () => {
      const file = path.join(tmpDir(), 'p.json');
      build(file, { tenantIds: ids('t', 1200), ...CHECKS_OFF });
      build(file, { tenantIds: ids('t', 2400), ...CHECKS_OFF });
      expect(() => build(file, { tenantIds: ids('t', 2400).slice(1251), ...CHECKS_OFF })).toThrow(/got "0 tenants to add and 1251 to remove"/);
      // Without record mode nothing is placed, so nothing is counted: a recorded fleet of any size synthesizes.
      expect(() => build(file, { tenantIds: ids('t', 2400), ...CHECKS_OFF }, false)).not.toThrow();
    });

    test.each([49, 501, 120.5])('fails when maxResourcesPerStack is %s', (budget) => {
      expect(() => build(path.join(tmpDir(), 'p.json'), { tenantIds: ['acme'], maxResourcesPerStack: budget })).toThrow(
        `S/Fleet: \`maxResourcesPerStack\` must be a whole number between 50 and 500 (CloudFormation's limit of resources per stack), got ${budget}`);
    });
  });

  describe('tenantIds', () => {
    test.each([
      [[], 'must name at least one tenant, got []'],
      [['acme', 'bad id'], 'must hold only IDs of 1-64 letters, digits, "-" or "_", got "bad id"'],
      [['acme', 'x'.repeat(65)], `must hold only IDs of 1-64 letters, digits, "-" or "_", got "${'x'.repeat(65)}"`],
      [['acme', 'globex', 'acme'], 'must name each tenant once (this one appears more than once), got "acme"'],
      [['acme', Lazy.string({ produce: () => 'x' })], 'must be known at synthesis'],
    ])('fails when tenantIds is %j', (tenantIds, message) => {
      expect(() => build(path.join(tmpDir(), 'p.json'), { tenantIds: tenantIds as string[] })).toThrow(`S/Fleet: \`tenantIds\` ${message}`);
    });
  });

  test('fails when given a monitor with monitoring off', () => {
    const app = new App({ context: RECORD });
    const stack = new Stack(app, 'S', { env: ENV });
    const monitor = new EncryptionMonitor(stack, 'Monitor', { scope: MonitorScope.ACCOUNT, trail: MonitorTrail.existing() });
    expect(() => new TenantKeyFleet(stack, 'Fleet', { tenantIds: ['acme'], placementFile: path.join(tmpDir(), 'p.json'), monitor, monitoring: false }))
      .toThrow('S/Fleet: `monitor` must not be given with `monitoring: false` (on the fleet or app-wide), got "S/Monitor"');
  });
});
