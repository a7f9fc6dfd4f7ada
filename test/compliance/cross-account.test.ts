// Compliance of CrossAccountDecryptKey: the two-stack example app (examples/cross-account.ts)
// and the construct's configurations that change its key policy, under cdk-nag
// (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1), the AWS Control Tower
// proactive controls (cfn-guard) and cfn-lint.
//
// The example must have zero unacknowledged findings; its only acknowledgements are the
// IAMNoInlinePolicy findings on the consumer role's DefaultPolicy (reason in the example),
// checked here by id and resource so that no other acknowledgement can creep in, besides the
// rotation-verification provider's inherent ones (pinned in test/helpers/provider.ts). The
// construct's own resources (key, alias, rotation check) must have no findings at all, in
// every configuration, with nothing acknowledged. The provider's functions run outside a
// VPC by default: CT.LAMBDA.PR.3 is the one Control Tower control that fails, on them only.
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CONSUMER_ACCOUNT, PLACEHOLDER_KEY_ARN, REGION, VIA_SERVICES } from '../../examples/cross-account';
import { CrossAccountDecryptKey, CrossAccountDecryptKeyProps } from '../../src';
import { controlTowerFailures, controlTowerRuleFiles } from '../helpers/cfn-guard';
import { cfnLint } from '../helpers/cfn-lint';
import { SynthesizedExample, synthesizeExample } from '../helpers/examples';
import { NagFinding, nagFindings } from '../helpers/nag';
import { acknowledgementsIn, expectedProviderAcks, providerOutsideVpcFailure, ruleAndResources, splitProviderAcks } from '../helpers/provider';

const TMP_DIR = path.resolve(__dirname, '..', '..', '.tmp');
const ENV = { account: '111111111111', region: 'us-east-1' };
const KMS_RULES = [...controlTowerRuleFiles().keys()].filter(id => id.startsWith('CT.KMS.')).sort();
const INLINE_POLICY_RULES = ['HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'];

function describeFindings(findings: readonly NagFinding[]): string[] {
  return findings.map(f => `${f.ruleId} ${f.resourcePath}`).sort();
}

function readTemplate(s: SynthesizedExample): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(s.templatePath, 'utf-8'));
}

describe('examples/cross-account.ts', () => {
  let outdir: string;
  let stacks: SynthesizedExample[];

  beforeAll(() => {
    fs.mkdirSync(TMP_DIR, { recursive: true });
    outdir = fs.mkdtempSync(path.join(TMP_DIR, 'cross-account-compliance-'));
    stacks = synthesizeExample('cross-account', outdir);
  });

  afterAll(() => {
    if (outdir) {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('has a producer and a consumer stack, in their own accounts', () => {
    expect(stacks.map(s => [s.stackName, s.stack.account])).toEqual([
      ['CrossAccountProducerExample', '111111111111'],
      ['CrossAccountConsumerExample', '222222222222'],
    ]);
  });

  test.each(['CrossAccountProducerExample', 'CrossAccountConsumerExample'])('%s: no unacknowledged cdk-nag findings in the four packs', (name) => {
    const s = stacks.find(x => x.stackName === name)!;
    expect(describeFindings(nagFindings(s.stack))).toEqual([]);
  });

  test('the only acknowledgements are IAMNoInlinePolicy on the consumer role\'s DefaultPolicy and the standard\'s consumer-account rule on the key, each with a reason', () => {
    const producer = stacks.find(x => x.stackName === 'CrossAccountProducerExample')!.stack;
    const { provider, others } = splitProviderAcks(stacks.flatMap(s => acknowledgementsIn(s.stack)), producer.node.path);
    expect(provider).toEqual(expectedProviderAcks(false));
    const acknowledged = others.map(a => ({ at: a.path, id: a.id, reason: a.reason }));
    expect(acknowledged.map(a => `${a.id} ${a.at}`).sort()).toEqual([
      'EncStd-KMS8 CrossAccountProducerExample/SharedDataKey',
      ...INLINE_POLICY_RULES.map(id => `${id} CrossAccountConsumerExample/ReportReaderRole/DefaultPolicy`),
    ].sort());
    for (const a of acknowledged) {
      expect(a.reason).toMatch(a.id === 'EncStd-KMS8'
        ? new RegExp(`Account ${CONSUMER_ACCOUNT} is the consumer this example exists to show`)
        : /kms:Decrypt and kms:DescribeKey on the one producer key ARN/);
    }
  });

  test('control: without the acknowledgements, the consumer role\'s grant is reported as IAMNoInlinePolicy and nothing else', () => {
    const stack = new Stack(new App(), 'Unacknowledged', { env: { account: CONSUMER_ACCOUNT, region: REGION } });
    const reader = new iam.Role(stack, 'ReportReaderRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    CrossAccountDecryptKey.grantConsumer(reader, PLACEHOLDER_KEY_ARN, { viaServices: VIA_SERVICES });

    expect(describeFindings(nagFindings(stack))).toEqual(INLINE_POLICY_RULES.map(id => `${id} Unacknowledged/ReportReaderRole/DefaultPolicy/Resource`));
  });

  test.each(['CrossAccountProducerExample', 'CrossAccountConsumerExample'])('%s: every Control Tower control that applies passes (the producer\'s provider: all but CT.LAMBDA.PR.3)', (name) => {
    const template = readTemplate(stacks.find(x => x.stackName === name)!);
    expect(ruleAndResources(controlTowerFailures(template)))
      .toEqual(name === 'CrossAccountProducerExample' ? [providerOutsideVpcFailure(template)] : []);
  });

  test.each(['CrossAccountProducerExample', 'CrossAccountConsumerExample'])('%s: cfn-lint has no errors and no warnings', (name) => {
    const result = cfnLint(readTemplate(stacks.find(x => x.stackName === name)!));
    expect({ errors: result.errors, warnings: result.warnings }).toEqual({ errors: [], warnings: [] });
  });
});

/** Configurations that change the key policy; each is built in a stack of its own. */
const CONFIGURATIONS: Record<string, Partial<CrossAccountDecryptKeyProps>> = {
  'accounts': { consumerAccountIds: ['222222222222', '333333333333'] },
  'organization': { consumerOrganizationId: 'o-abcdef1234' },
  'accounts, organization, viaServices and context': {
    consumerAccountIds: ['222222222222'],
    consumerOrganizationId: 'o-abcdef1234',
    viaServices: ['s3.us-east-1.amazonaws.com'],
    requiredEncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::shared-reports' },
  },
  // allowReEncryptFrom cannot be combined with requiredEncryptionContext.
  'accounts, organization, viaServices and ReEncryptFrom': {
    consumerAccountIds: ['222222222222'],
    consumerOrganizationId: 'o-abcdef1234',
    viaServices: ['s3.us-east-1.amazonaws.com'],
    allowReEncryptFrom: true,
  },
  'snapshot and AMI preset': {
    consumerAccountIds: ['222222222222'],
    consumerOrganizationId: 'o-abcdef1234',
    viaServices: ['ec2.us-east-1.amazonaws.com', 'rds.us-east-1.amazonaws.com'],
    allowSnapshotAndAmiSharing: true,
  },
};

interface Synthesized {
  readonly stack: Stack;
  readonly construct: CrossAccountDecryptKey;
  readonly template: Record<string, unknown>;
}

function synthesize(props: Partial<CrossAccountDecryptKeyProps>): Synthesized {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const construct = new CrossAccountDecryptKey(stack, 'Key', { ...props });
  return { stack, construct, template: Template.fromStack(stack).toJSON() };
}

describe.each(Object.entries(CONFIGURATIONS))('CrossAccountDecryptKey, %s', (_name, props) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize(props);
  });

  test('cdk-nag: no findings in the four packs, nothing acknowledged', () => {
    expect(describeFindings(nagFindings(s.stack))).toEqual([]);
  });

  test('Control Tower: every control that applies passes, the KMS ones included (the provider: all but CT.LAMBDA.PR.3)', () => {
    expect(KMS_RULES).toEqual(expect.arrayContaining(['CT.KMS.PR.1', 'CT.KMS.PR.2', 'CT.KMS.PR.3']));
    expect(controlTowerFailures(s.template, KMS_RULES)).toEqual([]);
    expect(ruleAndResources(controlTowerFailures(s.template))).toEqual([providerOutsideVpcFailure(s.template)]);
  });

  test('cfn-lint: no errors and no warnings', () => {
    const result = cfnLint(s.template);
    expect({ errors: result.errors, warnings: result.warnings }).toEqual({ errors: [], warnings: [] });
  });

  // The negative control: without the CreateGrant guard rail, CT.KMS.PR.3 must fail on the
  // key, so the passing run above is not vacuous (and the preset's CreateGrant Allow,
  // conditioned on GrantIsForAWSResource, does not by itself satisfy the control).
  test('Control Tower: with restrictGrantsToAwsServices: false, CT.KMS.PR.3 fails on the key, and nothing else', () => {
    const open = synthesize({ ...props, restrictGrantsToAwsServices: false });
    const keyId = open.stack.resolve((open.construct.key.node.defaultChild as CfnResource).logicalId);
    expect(ruleAndResources(controlTowerFailures(open.template)))
      .toEqual([{ ruleId: 'CT.KMS.PR.3', resources: [keyId] }, providerOutsideVpcFailure(open.template)]);
  });
});
