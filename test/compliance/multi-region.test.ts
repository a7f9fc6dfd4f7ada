// Compliance of a MultiRegionKeySet, for each configuration that changes what it
// synthesizes and for examples/multi-region.ts: cfn-lint (each stack linted for its own
// Region), cdk-nag (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1) and the
// AWS Control Tower proactive controls, over the primary stack and every replica stack.
//
// Control Tower's KMS controls inspect only AWS::KMS::Key, so on a replica stack they pass
// without looking at the replica. The replicas are held to the same standard here: each
// replica's template is checked again with its AWS::KMS::ReplicaKey presented to the guard
// rules as the key it is (the same key policy; rotation is the primary's, a shared property),
// and its policy must carry the CT.KMS.PR.3 CreateGrant Deny statement for statement.
//
// By default the primary stack also holds the set's rotation check and the stack's
// rotation-verification provider (whose functions run outside a VPC: CT.LAMBDA.PR.3 is the
// one control that fails, on them only), and every stack holds its EncryptionMonitor.
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { MultiRegionKeySet, MultiRegionKeySetProps } from '../../src';
import { controlTowerFailures, controlTowerRuleFiles } from '../helpers/cfn-guard';
import { cfnLint } from '../helpers/cfn-lint';
import { synthesizeExample } from '../helpers/examples';
import { NagFinding, nagFindings } from '../helpers/nag';
import { providerOutsideVpcFailure, ruleAndResources } from '../helpers/provider';

const ENV = { account: '111111111111', region: 'us-east-1' };
const REPLICA_REGIONS = ['eu-west-1', 'eu-central-1'];
const TMP_DIR = path.resolve(__dirname, '..', '..', '.tmp');

/** IAMNoInlinePolicy of the three packs that have it: each flags every AWS::IAM::Policy (see constructs.test.ts). */
const INLINE_POLICY_RULES = ['HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'];
const KMS_RULES = [...controlTowerRuleFiles().keys()].filter(id => id.startsWith('CT.KMS.')).sort();

/** The CT.KMS.PR.3 statement, exactly as every key of the set must carry it. */
const CREATE_GRANT_DENY = {
  Sid: 'KmsPatternsDenyCreateGrantExceptForAwsResources',
  Effect: 'Deny',
  Principal: '*',
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

interface Synthesized {
  readonly set: MultiRegionKeySet;
  /** The primary stack first, then the replica stacks. */
  readonly stacks: Stack[];
  /** Roles granted through the set: each gets an inline DefaultPolicy. */
  readonly grantees: iam.Role[];
}

type Configuration = (stack: Stack, options: Partial<MultiRegionKeySetProps>) => Omit<Synthesized, 'stacks'>;

const CONFIGURATIONS: Record<string, Configuration> = {
  'defaults': (stack, options) => ({
    set: new MultiRegionKeySet(stack, 'Keys', { replicaRegions: REPLICA_REGIONS, ...options }),
    grantees: [],
  }),
  'with admins and an alias': (stack, options) => ({
    set: new MultiRegionKeySet(stack, 'Keys', {
      replicaRegions: REPLICA_REGIONS,
      alias: 'apps/orders',
      admins: [new iam.Role(stack, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal() })],
      ...options,
    }),
    grantees: [],
  }),
  'with grants in the primary stack and in a replica stack': (stack, options) => {
    const set = new MultiRegionKeySet(stack, 'Keys', { replicaRegions: REPLICA_REGIONS, ...options });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const reader = new iam.Role(set.replicaStack('eu-west-1'), 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    set.grantEncryptDecrypt(writer);
    set.grantDecrypt(reader);
    return { set, grantees: [writer, reader] };
  },
};

function synthesize(configuration: Configuration, options: Partial<MultiRegionKeySetProps> = {}): Synthesized {
  const app = new App();
  const primary = new Stack(app, 'Primary', { env: ENV });
  const built = configuration(primary, options);
  app.synth();
  return { ...built, stacks: [primary, ...REPLICA_REGIONS.map(r => built.set.replicaStack(r))] };
}

/** The template with each AWS::KMS::ReplicaKey presented as the AWS::KMS::Key it replicates. */
function replicasAsKeys(template: any, primaryKey: any): any {
  const resources = Object.fromEntries(Object.entries(template.Resources as Record<string, any>).map(([id, r]) => {
    if (r.Type !== 'AWS::KMS::ReplicaKey') {
      return [id, r];
    }
    const { PrimaryKeyArn: _primaryKeyArn, ...properties } = r.Properties;
    // Shared properties of related multi-Region keys come from the primary.
    const shared = { EnableKeyRotation: primaryKey.Properties.EnableKeyRotation, MultiRegion: true };
    return [id, { ...r, Type: 'AWS::KMS::Key', Properties: { ...properties, ...shared } }];
  }));
  return { ...template, Resources: resources };
}

function keysOf(template: any, type: string): any[] {
  return Object.values(template.Resources as Record<string, any>).filter(r => r.Type === type);
}

/** The set's primary key: the one multi-Region key of the primary stack. */
function primaryKeyOf(template: any): any {
  const primaries = keysOf(template, 'AWS::KMS::Key').filter(k => k.Properties.MultiRegion === true);
  expect(primaries).toHaveLength(1);
  return primaries[0];
}

/** Control Tower failures by rule and resources; the primary stack's provider is expected to fail CT.LAMBDA.PR.3 alone. */
function expectedFailures(template: any, isPrimary: boolean): unknown[] {
  return isPrimary ? [providerOutsideVpcFailure(template)] : [];
}

function describeFindings(findings: readonly NagFinding[]): string[] {
  return findings.map(f => `${f.ruleId} ${f.resourcePath}`).sort();
}

describe.each(Object.entries(CONFIGURATIONS))('MultiRegionKeySet, %s', (_name, configuration) => {
  let s: Synthesized;
  const template = (stack: Stack) => Template.fromStack(stack).toJSON();
  beforeAll(() => {
    s = synthesize(configuration);
  });

  test('cdk-nag: the set\'s own resources in every stack have no findings in the four packs', () => {
    const ours = [s.set, ...REPLICA_REGIONS.map(r => s.set.replicaStack(r).node.findChild('Keys'))];
    const types = ours.flatMap(c => c.node.findAll().filter(CfnResource.isCfnResource).map(r => r.cfnResourceType)).sort();
    expect(types).toEqual(['AWS::KMS::Alias', 'AWS::KMS::Alias', 'AWS::KMS::Alias', 'AWS::KMS::Key', 'AWS::KMS::ReplicaKey', 'AWS::KMS::ReplicaKey',
      'Custom::KmsPatternsRotationVerification']);

    expect(ours.flatMap(c => describeFindings(nagFindings(c)))).toEqual([]);
  });

  test('cdk-nag: every stack has only IAMNoInlinePolicy, on each grantee\'s DefaultPolicy', () => {
    const expected = s.grantees.flatMap(g => INLINE_POLICY_RULES.map(id => `${id} ${g.node.path}/DefaultPolicy/Resource`));

    expect(s.stacks.flatMap(stack => describeFindings(nagFindings(stack))).sort()).toEqual(expected.sort());
  });

  test('Control Tower: every control passes on every stack (the primary\'s provider: all but CT.LAMBDA.PR.3)', () => {
    s.stacks.forEach((stack, i) => {
      const t = template(stack);
      expect({ stack: stack.stackName, failures: ruleAndResources(controlTowerFailures(t)) })
        .toEqual({ stack: stack.stackName, failures: expectedFailures(t, i === 0) });
    });
  });

  test('Control Tower: every KMS control passes on each replica, presented as the key it is', () => {
    const primaryKey = primaryKeyOf(template(s.stacks[0]));
    for (const stack of s.stacks.slice(1)) {
      const asKeys = replicasAsKeys(template(stack), primaryKey);
      // The replica, now presented as a key, besides the keys the stack already had (its monitor's).
      expect(keysOf(template(stack), 'AWS::KMS::ReplicaKey')).toHaveLength(1);
      expect(keysOf(asKeys, 'AWS::KMS::Key')).toHaveLength(keysOf(template(stack), 'AWS::KMS::Key').length + 1);

      expect({ stack: stack.stackName, failures: controlTowerFailures(asKeys, KMS_RULES) }).toEqual({ stack: stack.stackName, failures: [] });
    }
  });

  test('every key of the set, primary and replicas, carries the CT.KMS.PR.3 CreateGrant Deny', () => {
    const keys = [primaryKeyOf(template(s.stacks[0])), ...s.stacks.flatMap(stack => keysOf(template(stack), 'AWS::KMS::ReplicaKey'))];
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(CREATE_GRANT_DENY);
    }
  });

  test('cfn-lint: no errors and no warnings, each stack linted for its own Region', () => {
    for (const stack of s.stacks) {
      const result = cfnLint(template(stack), { regions: [stack.region] });

      expect({ stack: stack.stackName, errors: result.errors, warnings: result.warnings })
        .toEqual({ stack: stack.stackName, errors: [], warnings: [] });
    }
  });

  // The negative control: without the guard rail, CT.KMS.PR.3 fails on the primary and on
  // each replica presented as a key, so the passing runs above are not vacuous.
  test('with restrictGrantsToAwsServices: false, CT.KMS.PR.3 fails on the primary and on each replica as a key', () => {
    const open = synthesize(configuration, { restrictGrantsToAwsServices: false });
    const primaryTemplate = template(open.stacks[0]);
    const failing = (t: any) => controlTowerFailures(t, KMS_RULES).map(f => f.ruleId);

    expect(failing(primaryTemplate)).toEqual(['CT.KMS.PR.3']);
    for (const stack of open.stacks.slice(1)) {
      expect(failing(replicasAsKeys(template(stack), primaryKeyOf(primaryTemplate)))).toEqual(['CT.KMS.PR.3']);
    }
  });
});

describe('examples/multi-region.ts', () => {
  let outdir: string;
  let stacks: ReturnType<typeof synthesizeExample>;

  beforeAll(() => {
    fs.mkdirSync(TMP_DIR, { recursive: true });
    outdir = fs.mkdtempSync(path.join(TMP_DIR, 'compliance-multi-region-'));
    stacks = synthesizeExample('multi-region', outdir);
  });

  afterAll(() => {
    if (outdir) {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('has the primary stack and one stack per replica Region', () => {
    expect(stacks.map(s => `${s.stackName} ${s.stack.region}`).sort()).toEqual([
      'MultiRegionExample us-east-1',
      'MultiRegionExample-DataKey-eu-central-1 eu-central-1',
      'MultiRegionExample-DataKey-eu-west-1 eu-west-1',
    ]);
  });

  test('cfn-lint: no errors and no warnings in any stack, each linted for its own Region', () => {
    for (const s of stacks) {
      const result = cfnLint(s.templatePath, { regions: [s.stack.region] });

      expect({ stack: s.stackName, errors: result.errors, warnings: result.warnings }).toEqual({ stack: s.stackName, errors: [], warnings: [] });
    }
  });

  test('cdk-nag: no unacknowledged findings in any stack (examples.test.ts reviews acknowledgements; this example makes none)', () => {
    for (const s of stacks) {
      expect({ stack: s.stackName, findings: describeFindings(nagFindings(s.stack)) }).toEqual({ stack: s.stackName, findings: [] });
    }
  });

  test('Control Tower: every control passes on every stack (the primary\'s provider: all but CT.LAMBDA.PR.3), and every KMS control on each replica as a key', () => {
    const primaryTemplate = JSON.parse(fs.readFileSync(stacks.find(s => s.stackName === 'MultiRegionExample')!.templatePath, 'utf-8'));
    for (const s of stacks) {
      const t = JSON.parse(fs.readFileSync(s.templatePath, 'utf-8'));
      expect({ stack: s.stackName, failures: ruleAndResources(controlTowerFailures(t)) })
        .toEqual({ stack: s.stackName, failures: expectedFailures(t, s.stackName === 'MultiRegionExample') });
      expect({ stack: s.stackName, failures: controlTowerFailures(replicasAsKeys(t, primaryKeyOf(primaryTemplate)), KMS_RULES) })
        .toEqual({ stack: s.stackName, failures: [] });
    }
  });
});
