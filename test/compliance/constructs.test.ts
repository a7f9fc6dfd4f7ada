// Compliance of what the constructs synthesize, for each configuration that changes
// it: cdk-nag (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1), the AWS
// Control Tower proactive controls (cfn-guard) and cfn-lint. Each configuration is
// built and synthesized once, in its own stack, and every check reads that one result.
//
// What the cdk-nag check holds us to. Our resources are the construct's subtree (the
// key, its alias and the rotation check): they must have no findings, and nothing is
// acknowledged on them. The stack's rotation-verification provider acknowledges exactly
// its inherent findings (test/helpers/provider.ts pins them), and the stack's default
// EncryptionMonitor acknowledges nothing.
// A grant also writes a statement into the grantee's identity policy; for an iam.Role
// that is the role's inline AWS::IAM::Policy `<role>/DefaultPolicy`, which the NIST,
// HIPAA and PCI packs flag as IAMNoInlinePolicy whatever it contains. The role and the
// choice of inline or managed policies are the user's, so that finding is not ours to
// acknowledge. The statement in it is ours, though, so the whole stack must have
// exactly those IAMNoInlinePolicy findings and nothing else: a grant statement that
// tripped any other rule (a wildcard action or resource, say) fails here even though
// it lands on the user's resource.
import { App, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RotationVerification, SafeKeyOptions, ServiceExemption, SharedTenantKey, TenantKey } from '../../src';
import { controlTowerFailures, controlTowerRuleFiles } from '../helpers/cfn-guard';
import { cfnLint } from '../helpers/cfn-lint';
import { NagFinding, nagFindings } from '../helpers/nag';
import {
  acknowledgementsIn, expectedProviderAcks, providerOutsideVpcFailure, ruleAndResources, splitProviderAcks,
} from '../helpers/provider';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** IAMNoInlinePolicy of the three packs that have it (AwsSolutions has none): each flags every AWS::IAM::Policy. */
const INLINE_POLICY_RULES = ['HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'];

/** Every bundled Control Tower control for KMS; an unfiltered run includes them too. */
const KMS_RULES = [...controlTowerRuleFiles().keys()].filter(id => id.startsWith('CT.KMS.')).sort();

/** What a configuration puts in its stack. */
interface Built {
  /** The TenantKey or SharedTenantKey under test. */
  readonly construct: Construct;
  /** The roles it granted access to: each gets an inline DefaultPolicy. */
  readonly grantees: iam.Role[];
}

/** Builds one configuration; `options` is spread last into the construct's props. */
type Configuration = (stack: Stack, options: SafeKeyOptions) => Built;

/** A Lambda execution role, tagged `tag.key=tag.value` when given. */
function role(stack: Stack, id: string, tag?: { key: string; value: string }): iam.Role {
  const r = new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  if (tag) {
    Tags.of(r).add(tag.key, tag.value);
  }
  return r;
}

function adminRole(stack: Stack): iam.Role {
  return new iam.Role(stack, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal() });
}

const EXEMPTIONS = [
  ServiceExemption.s3(),
  ServiceExemption.secretsManager(),
  ServiceExemption.sqs('eu-west-1'),
  ServiceExemption.of('kinesis'),
];

const CONFIGURATIONS: Record<string, Configuration> = {
  'TenantKey, defaults': (stack, options) => ({
    construct: new TenantKey(stack, 'TenantKey', { tenantId: 'acme', ...options }),
    grantees: [],
  }),
  'TenantKey with admins': (stack, options) => ({
    construct: new TenantKey(stack, 'TenantKey', { tenantId: 'acme', admins: [adminRole(stack)], ...options }),
    grantees: [],
  }),
  'TenantKey with tenantTagKey': (stack, options) => ({
    construct: new TenantKey(stack, 'TenantKey', { tenantId: 'acme', tenantTagKey: 'tenantId', ...options }),
    grantees: [],
  }),
  'TenantKey with serviceExemptions': (stack, options) => ({
    construct: new TenantKey(stack, 'TenantKey', { tenantId: 'acme', serviceExemptions: EXEMPTIONS, ...options }),
    grantees: [],
  }),
  'TenantKey with a grant to a role': (stack, options) => {
    const key = new TenantKey(stack, 'TenantKey', { tenantId: 'acme', ...options });
    const workload = role(stack, 'Workload');
    key.grantEncryptDecrypt(workload);
    return { construct: key, grantees: [workload] };
  },
  'TenantKey with every option and every kind of grant': (stack, options) => {
    const key = new TenantKey(stack, 'TenantKey', {
      tenantId: 'acme',
      aliasPrefix: 'apps/billing',
      encryptionContextKey: 'tenant',
      tenantTagKey: 'tenantId',
      admins: [adminRole(stack)],
      serviceExemptions: EXEMPTIONS,
      ...options,
    });
    const [writer, reader, dataKeys] = [role(stack, 'Writer'), role(stack, 'Reader'), role(stack, 'DataKeys')];
    key.grantEncrypt(writer);
    key.grantDecrypt(reader);
    key.grantGenerateDataKey(dataKeys);
    key.grantEncryptDecrypt(writer);
    return { construct: key, grantees: [writer, reader, dataKeys] };
  },
  'SharedTenantKey, defaults': (stack, options) => ({
    construct: new SharedTenantKey(stack, 'SharedTenantKey', { alias: 'shared/tenants', ...options }),
    grantees: [],
  }),
  'SharedTenantKey with grantTenantAccess': (stack, options) => {
    const key = new SharedTenantKey(stack, 'SharedTenantKey', { alias: 'shared/tenants', ...options });
    const acme = role(stack, 'Acme', { key: key.tenantTagKey, value: 'acme' });
    key.grantTenantAccess(acme);
    return { construct: key, grantees: [acme] };
  },
  'SharedTenantKey with every option and two tenants': (stack, options) => {
    const key = new SharedTenantKey(stack, 'SharedTenantKey', {
      alias: 'alias/shared/tenants',
      tenantTagKey: 'team',
      encryptionContextKey: 'tenant',
      admins: [adminRole(stack)],
      serviceExemptions: EXEMPTIONS,
      ...options,
    });
    const grantees = ['acme', 'globex'].map(t => role(stack, t, { key: 'team', value: t }));
    grantees.forEach(g => key.grantTenantAccess(g));
    return { construct: key, grantees };
  },
  'TenantKey, verification in a VPC': (stack, options) => {
    // An imported VPC: its own resources are not this library's to judge.
    RotationVerification.useNetwork(stack, {
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      }),
    });
    return { construct: new TenantKey(stack, 'TenantKey', { tenantId: 'acme', ...options }), grantees: [] };
  },
};
const IN_VPC = new Set(['TenantKey, verification in a VPC']);

/** One configuration, built in a stack of its own and synthesized once. */
interface Synthesized extends Built {
  readonly stack: Stack;
  readonly template: Record<string, unknown>;
}

function synthesize(configuration: Configuration, options: SafeKeyOptions = {}): Synthesized {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const built = configuration(stack, options);
  return { ...built, stack, template: Template.fromStack(stack).toJSON() };
}

/** `<rule id> <construct path>`, sorted: readable in a failure diff. */
function describeFindings(findings: readonly NagFinding[]): string[] {
  return findings.map(f => `${f.ruleId} ${f.resourcePath}`).sort();
}

function logicalIdOf(construct: Construct, type: string): string {
  const resources = construct.node.findAll().filter(CfnResource.isCfnResource).filter(r => r.cfnResourceType === type);
  expect(resources).toHaveLength(1);
  return Stack.of(construct).resolve(resources[0].logicalId) as string;
}

test('the Control Tower rule set includes the KMS controls', () => {
  expect(KMS_RULES).toEqual(expect.arrayContaining(['CT.KMS.PR.1', 'CT.KMS.PR.2', 'CT.KMS.PR.3']));
});

describe.each(Object.entries(CONFIGURATIONS))('%s', (name, configuration) => {
  const inVpc = IN_VPC.has(name);
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize(configuration);
  });

  test('cdk-nag: the construct\'s own resources (key, alias, rotation check) have no findings in the four packs', () => {
    const types = s.construct.node.findAll().filter(CfnResource.isCfnResource).map(r => r.cfnResourceType);
    // The scope really holds our resources, so "no findings" is not vacuous.
    expect(types.sort()).toEqual(['AWS::KMS::Alias', 'AWS::KMS::Key', 'Custom::KmsPatternsRotationVerification']);

    expect(describeFindings(nagFindings(s.construct))).toEqual([]);
  });

  test('cdk-nag: the whole stack has only IAMNoInlinePolicy, on each grantee\'s DefaultPolicy', () => {
    const expected = s.grantees.flatMap(g => INLINE_POLICY_RULES.map(id => `${id} ${g.node.path}/DefaultPolicy/Resource`));

    expect(describeFindings(nagFindings(s.stack))).toEqual(expected.sort());
  });

  test('cdk-nag: acknowledged are exactly the provider\'s inherent findings, nothing else', () => {
    const { provider, others } = splitProviderAcks(acknowledgementsIn(s.stack), s.stack.node.path);
    expect(others).toEqual([]);
    expect(provider).toEqual(expectedProviderAcks(inVpc));
  });

  test('Control Tower: every KMS control passes', () => {
    expect(controlTowerFailures(s.template, KMS_RULES)).toEqual([]);
  });

  test(inVpc ? 'Control Tower: every control that applies to the template passes'
    : 'Control Tower: every control that applies passes but CT.LAMBDA.PR.3, on the provider\'s functions only (no VPC)', () => {
    expect(ruleAndResources(controlTowerFailures(s.template))).toEqual(inVpc ? [] : [providerOutsideVpcFailure(s.template)]);
  });

  test('cfn-lint: no errors and no warnings', () => {
    const result = cfnLint(s.template);

    expect({ errors: result.errors, warnings: result.warnings }).toEqual({ errors: [], warnings: [] });
  });

  // The negative control: the same configuration without the CreateGrant guard rail
  // must fail CT.KMS.PR.3 on its key, so the passing runs above are not vacuous.
  test('Control Tower: with restrictGrantsToAwsServices: false, CT.KMS.PR.3 fails on the key, and nothing else new', () => {
    const open = synthesize(configuration, { restrictGrantsToAwsServices: false });

    expect(ruleAndResources(controlTowerFailures(open.template))).toEqual([
      { ruleId: 'CT.KMS.PR.3', resources: [logicalIdOf(open.construct, 'AWS::KMS::Key')] },
      ...(inVpc ? [] : [providerOutsideVpcFailure(open.template)]),
    ]);
  });
});
