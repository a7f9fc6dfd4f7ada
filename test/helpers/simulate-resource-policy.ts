// Authorization decisions on a resource policy (an SNS topic policy, an SQS queue policy)
// from @cloud-copilot/iam-simulate, for security tests of resources other than KMS keys
// (simulate.ts is the KMS-specific wrapper). Like it, this wrapper:
// - sends what AWS always sends (aws:SecureTransport, aws:PrincipalIsAWSService, the
//   principal's account and ARN, or the service's name), overridable per request;
// - throws when the simulator ignored a context key or rejected the request: a test must
//   never pass because a condition was not evaluated.
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Who calls: an IAM role or user ARN, a service principal (`events.amazonaws.com`), or nobody. */
export type Caller = { readonly arn: string } | { readonly service: string } | 'anonymous';

export interface ResourceRequest {
  readonly resourcePolicy: unknown;
  readonly resourceArn: string;
  readonly caller: Caller;
  /** e.g. `sns:Publish`. */
  readonly action: string;
  /** Identity policies of an IAM caller. */
  readonly identityPolicies?: unknown[];
  /** Added last, overriding the defaults (`aws:SourceArn`, `aws:SecureTransport`: 'false'). */
  readonly context?: Record<string, string | string[]>;
}

export async function simulateResource(request: ResourceRequest): Promise<Decision> {
  const [, , , , resourceAccount] = request.resourceArn.split(':');
  const context: Record<string, string | string[]> = { 'aws:SecureTransport': 'true' };
  let principal: Simulation['request']['principal'];
  if (request.caller === 'anonymous') {
    principal = anonymousPrincipal;
  } else if ('service' in request.caller) {
    principal = request.caller.service;
    context['aws:PrincipalIsAWSService'] = 'true';
    context['aws:PrincipalServiceName'] = request.caller.service;
  } else {
    principal = request.caller.arn;
    const account = request.caller.arn.split(':')[4];
    context['aws:PrincipalIsAWSService'] = 'false';
    context['aws:PrincipalArn'] = request.caller.arn;
    context['aws:PrincipalAccount'] = account;
  }
  const simulation: Simulation = {
    request: {
      principal,
      action: request.action,
      resource: { resource: request.resourceArn, accountId: resourceAccount },
      contextVariables: { ...context, ...request.context },
    },
    identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i + 1}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
  };
  return runSingleSimulation(simulation, request.action);
}

/**
 * The decision of a simulation of one request on one resource. Throws when the simulator
 * rejects it, or ignores a context key: a test must never pass because a condition was
 * not evaluated.
 */
export async function runSingleSimulation(simulation: Simulation, action: string): Promise<Decision> {
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`simulator rejected the request: ${JSON.stringify(result.errors, null, 2)}`);
  }
  if (result.resultType !== 'single') {
    throw new Error(`expected a single-resource simulation, got ${result.resultType}`);
  }
  const ignored = result.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    throw new Error(`simulator ignored context keys ${ignored.join(', ')}: they do not apply to ${action}`);
  }
  return result.overallResult as Decision;
}
