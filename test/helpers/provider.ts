// What a stack's rotation-verification provider brings to every compliance check: the
// acknowledgements it makes for findings inherent to a Lambda-backed Provider (reasons in
// src/rotation-verification/rotation-verification.ts), and the one Control Tower control it
// fails by default (CT.LAMBDA.PR.3: functions outside a VPC). Tests of any construct that
// verifies rotation by default use these, so the provider's exceptions are pinned once.
import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GuardFailure } from './cfn-guard';
import { RotationVerificationProvider } from '../../src/rotation-verification/provider';

export const PROVIDER = RotationVerificationProvider.ID;

const FN_RULES = ['AwsSolutions-L1', 'HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-LambdaDLQ', 'HIPAA.Security-LambdaInsideVPC',
  'NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC'];
const INLINE = ['HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'];
const WAITER_POLICY = 'Provider/waiter-state-machine/Role/DefaultPolicy';
const FUNCTIONS = ['OnEvent', 'IsComplete', 'Provider/framework-onEvent', 'Provider/framework-isComplete', 'Provider/framework-onTimeout'];
const VPC_RULES = ['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC'];

/** What the provider acknowledges: `<rule> <construct path below the provider>`, sorted. */
export function expectedProviderAcks(inVpc: boolean): string[] {
  return [
    ...FUNCTIONS.flatMap(fn => FN_RULES.filter(r => !(inVpc && VPC_RULES.includes(r))).map(r => `${r} ${fn}`)),
    ...['FrameworkOnEventRole/DefaultPolicy', 'FrameworkCompleteAndTimeoutRole/DefaultPolicy'].flatMap(p => [
      ...INLINE.map(r => `${r} ${p}`),
      `AwsSolutions-IAM5[Resource::<${PROVIDER}OnEventCFDC7410.Arn>:*] ${p}`,
      `AwsSolutions-IAM5[Resource::<${PROVIDER}IsCompleteB74262F6.Arn>:*] ${p}`,
    ]),
    ...INLINE.map(r => `${r} ${WAITER_POLICY}`),
    `AwsSolutions-IAM5[Resource::<${PROVIDER}frameworkisComplete33891961.Arn>:*] ${WAITER_POLICY}`,
    `AwsSolutions-IAM5[Resource::<${PROVIDER}frameworkonTimeoutA448AA91.Arn>:*] ${WAITER_POLICY}`,
    // Step Functions log delivery and X-Ray: actions without resource-level permissions.
    `AwsSolutions-IAM5[Resource::*] ${WAITER_POLICY}`,
    // The daily rotation check's cloudwatch:PutMetricData, scoped by the cloudwatch:namespace condition.
    'AwsSolutions-IAM5[Resource::*] Policy',
    // In a VPC, Lambda adds AWSLambdaVPCAccessExecutionRole to each function's role.
    ...(inVpc ? ['Role', 'FrameworkOnEventRole', 'FrameworkCompleteAndTimeoutRole'].map(r => `AwsSolutions-IAM4 ${r}`) : []),
  ].sort();
}

/** One acknowledgement in the tree: the construct path, the rule id and the reason. */
export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledgement under `scope`. */
export function acknowledgementsIn(scope: IConstruct): Acknowledgement[] {
  // aws-cdk-lib 2.257 records the construct's whole set again with each acknowledge() call;
  // newer versions record each call's own: the union by id covers both.
  return scope.node.findAll().flatMap(c => {
    const byId = new Map<string, string>();
    for (const m of c.node.metadata.filter(e => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) byId.set(id.replace(/^[a-z]+::/i, ''), reason);
    }
    return [...byId].map(([id, reason]) => ({ path: c.node.path, id, reason }));
  });
}

/**
 * Splits `acks` into the provider's (as `<rule> <path below the provider>`, sorted) and the rest.
 * `stackPath` is the construct path of the stack the provider is in.
 */
export function splitProviderAcks(acks: Acknowledgement[], stackPath: string): { provider: string[]; others: Acknowledgement[] } {
  const prefix = `${stackPath}/${PROVIDER}/`;
  return {
    provider: acks.filter(a => a.path.startsWith(prefix)).map(a => `${a.id} ${a.path.slice(prefix.length)}`).sort(),
    others: acks.filter(a => !a.path.startsWith(prefix)),
  };
}

/** The provider's Lambda functions in `template`, by logical ID, sorted. */
export function providerFunctionIds(template: Record<string, any>): string[] {
  return Object.entries<any>(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(PROVIDER))
    .map(([id]) => id)
    .sort();
}

/**
 * The failure the provider has by default: CT.LAMBDA.PR.3 (Lambda inside a VPC) on its five
 * functions. A library cannot invent a VPC; `RotationVerification.useNetwork` removes it.
 */
export function providerOutsideVpcFailure(template: Record<string, any>): Pick<GuardFailure, 'ruleId' | 'resources'> {
  const resources = providerFunctionIds(template);
  if (resources.length !== 5) {
    throw new Error(`expected the provider's five functions in the template, found ${JSON.stringify(resources)}`);
  }
  return { ruleId: 'CT.LAMBDA.PR.3', resources };
}

/** `failures` reduced to what the comparisons need. */
export function ruleAndResources(failures: GuardFailure[]): Array<Pick<GuardFailure, 'ruleId' | 'resources'>> {
  return failures.map(f => ({ ruleId: f.ruleId, resources: [...f.resources].sort() }));
}
