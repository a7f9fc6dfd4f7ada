// Compliance of every app in examples/, as a user would deploy it: cfn-lint, cdk-nag
// (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1) and every AWS Control
// Tower proactive control, over each synthesized stack. The examples are synthesized
// once, through the same seam as test/examples.test.ts.
//
// "No unacknowledged findings" is only as strong as the acknowledgements, so they are
// checked too: the examples may acknowledge IAMNoInlinePolicy, and only on an IAM policy
// that holds nothing but grants of one KMS key bound to an encryption context (what a
// TenantKey or SharedTenantKey grant writes into the grantee role's DefaultPolicy, and
// what the examples' reasons describe). Anything else acknowledged fails the test.
import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { RandomTokenRotation } from '../../src/random-token-rotation';
import { controlTowerFailures } from '../helpers/cfn-guard';
import { cfnLint } from '../helpers/cfn-lint';
import { SynthesizedExample, exampleNames, synthesizeExamples } from '../helpers/examples';
import { nagFindings } from '../helpers/nag';

const TMP_DIR = path.resolve(__dirname, '..', '..', '.tmp');

/** The only rules an example may acknowledge, and only on a KMS grant's inline policy. */
const ACKNOWLEDGEABLE = ['HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'];

/**
 * The RotationVerification provider (one per stack, src/rotation-verification/) brings
 * Lambda functions and a Step Functions waiter whose inherent findings the library
 * acknowledges itself, each with its reason; test/compliance/rotated-secret.test.ts holds
 * them to an exact list. Here they are set aside by logical-ID prefix (the provider is
 * always the stack child `KmsPatternsRotationVerificationProvider`), and only these:
 */
const PROVIDER_PREFIX = 'KmsPatternsRotationVerificationProvider';
/**
 * The one Control Tower control the provider cannot meet on its own: CT.LAMBDA.PR.3, its
 * functions run outside a VPC unless the verification is given one (a library cannot invent
 * a VPC; see the compliance test, which shows it passes with one). Its log group's CMK and
 * its waiter's logging and X-Ray tracing meet every other control.
 */
const PROVIDER_CONTROLS = ['CT.LAMBDA.PR.3'];
/**
 * A RandomTokenRotation (src/random-token-rotation.ts) acknowledges the inherent findings of
 * a Lambda rotation function itself, each with its reason;
 * test/compliance/random-token-rotation.test.ts holds them to an exact list. Here they are
 * set aside for constructs inside one, and so are two controls on its function:
 * CT.LAMBDA.PR.3, it calls only the Secrets Manager API, outside a VPC; and CT.LAMBDA.PR.2,
 * whose guard rule takes `SourceAccount` only as a literal string, while an
 * environment-agnostic example can only name its account by `{"Ref":"AWS::AccountId"}`
 * (the compliance test of the construct shows the control passes in a stack with an account).
 */
function insideTokenRotation(construct: IConstruct): boolean {
  return construct.node.scopes.some(c => c instanceof RandomTokenRotation);
}
const TOKEN_ROTATION_CONTROLS = ['CT.LAMBDA.PR.3', 'CT.LAMBDA.PR.2'];

/** cfn-lint's W3005: aws-cdk-lib's Function adds a DependsOn on its role that a GetAtt already implies. */
const PROVIDER_LINT = ['W3005'];

/** What a construct acknowledges, from the metadata `Validations.acknowledge` records. */
interface Acknowledgement {
  readonly construct: IConstruct;
  readonly id: string;
  readonly reason: string;
}

function acknowledgementsIn(stack: Stack): Acknowledgement[] {
  return stack.node.findAll().flatMap(construct => construct.node.metadata
    .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    // Validations records ids as `annotation::<id>` (`Annotation::` in later aws-cdk-lib); cdk-nag strips the prefix.
    .flatMap(m => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
      construct,
      id: id.replace(/^annotation::/i, ''),
      reason,
    }))));
}

/**
 * True if every statement allows only named KMS actions on one key (of this template, or
 * another account's by literal key ARN), under an encryption-context or ViaService condition.
 */
function onlyContextBoundKmsGrants(template: any, policy: IConstruct): boolean {
  const cfn = policy.node.findAll().filter(CfnResource.isCfnResource).filter(r => r.cfnResourceType === 'AWS::IAM::Policy');
  if (cfn.length !== 1) {
    return false;
  }
  const statements: any[] = template.Resources[Stack.of(policy).resolve(cfn[0].logicalId)].Properties.PolicyDocument.Statement;
  return statements.length > 0 && statements.every(s =>
    s.Effect === 'Allow'
    && [s.Action].flat().every((a: string) => a.startsWith('kms:') && !a.includes('*'))
    && !Array.isArray(s.Resource)
    && (template.Resources[s.Resource?.['Fn::GetAtt']?.[0]]?.Type === 'AWS::KMS::Key'
      || /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(s.Resource))
    && Object.values<Record<string, unknown>>(s.Condition ?? {}).flatMap(Object.keys)
      .some(k => k.startsWith('kms:EncryptionContext:') || k === 'kms:ViaService'));
}

/** Logical IDs of the Lambda functions of the stack's RandomTokenRotations, and of their invoke permissions. */
function tokenRotationFunctions(stack: Stack): string[] {
  return stack.node.findAll().filter(c => c instanceof RandomTokenRotation)
    .flatMap(r => (r as RandomTokenRotation).function.node.findAll())
    .filter(CfnResource.isCfnResource)
    .filter(r => ['AWS::Lambda::Function', 'AWS::Lambda::Permission'].includes(r.cfnResourceType))
    .map(r => stack.resolve(r.logicalId));
}

describe('examples: compliance', () => {
  const names = exampleNames();
  let outdir: string;
  let synthesized: SynthesizedExample[];

  beforeAll(() => {
    fs.mkdirSync(TMP_DIR, { recursive: true });
    outdir = fs.mkdtempSync(path.join(TMP_DIR, 'compliance-examples-'));
    synthesized = synthesizeExamples(outdir);
  });

  afterAll(() => {
    if (outdir) {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  function stacksOf(name: string): SynthesizedExample[] {
    const stacks = synthesized.filter(s => s.example === name);
    expect(stacks.length).toBeGreaterThan(0);
    return stacks;
  }

  test.each(names)('%s: cfn-lint reports no errors and no warnings', (name) => {
    for (const s of stacksOf(name)) {
      const result = cfnLint(s.templatePath);
      const warnings = result.warnings.filter(w => !(PROVIDER_LINT.includes(w.ruleId) && w.path.startsWith(`Resources/${PROVIDER_PREFIX}`)));

      expect({ stack: s.stackName, errors: result.errors, warnings })
        .toEqual({ stack: s.stackName, errors: [], warnings: [] });
    }
  });

  test.each(names)('%s: no unacknowledged cdk-nag findings in the four packs', (name) => {
    for (const s of stacksOf(name)) {
      const findings = nagFindings(s.stack).map(f => `${f.ruleId} ${f.resourcePath}`).sort();

      expect({ stack: s.stackName, findings }).toEqual({ stack: s.stackName, findings: [] });
    }
  });

  test.each(names)('%s: every AWS Control Tower control passes', (name) => {
    for (const s of stacksOf(name)) {
      const failures = controlTowerFailures(s.templatePath)
        .filter(f => !f.resources.every(r =>
          (PROVIDER_CONTROLS.includes(f.ruleId) && r.startsWith(PROVIDER_PREFIX))
          || (TOKEN_ROTATION_CONTROLS.includes(f.ruleId) && tokenRotationFunctions(s.stack).includes(r))));
      expect({ stack: s.stackName, failures })
        .toEqual({ stack: s.stackName, failures: [] });
    }
  });

  test.each(names)('%s: acknowledges only IAMNoInlinePolicy on inline policies of KMS grants, or EncStd-KMS8 naming the consumer, with a reason', (name) => {
    for (const s of stacksOf(name)) {
      const template = JSON.parse(fs.readFileSync(s.templatePath, 'utf-8'));
      const unreviewed = acknowledgementsIn(s.stack)
        .filter(a => !a.construct.node.path.startsWith(`${s.stack.node.path}/${PROVIDER_PREFIX}/`))
        .filter(a => !insideTokenRotation(a.construct))
        .filter(a => !((ACKNOWLEDGEABLE.includes(a.id)
          && a.construct instanceof iam.Policy
          && onlyContextBoundKmsGrants(template, a.construct)
          // A reason a reviewer can weigh, not a placeholder such as 'ok'.
          && a.reason.trim().length >= 100)
          // The organisation standard's consumer-account rule, on a key that exists to be
          // shared, naming the account it shares with.
          || (a.id === 'EncStd-KMS8' && /Account \d{12} is the consumer/.test(a.reason))))
        .map(a => `${a.id} on ${a.construct.node.path}: ${a.reason}`);

      expect({ stack: s.stackName, unreviewed }).toEqual({ stack: s.stackName, unreviewed: [] });
    }
  });
});
