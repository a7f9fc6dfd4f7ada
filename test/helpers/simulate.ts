// KMS authorization decisions from @cloud-copilot/iam-simulate, made safe for
// security tests. What the wrapper corrects for (all checked in simulate.test.ts):
// - the simulator adds no request context of its own, so a condition on
//   aws:PrincipalArn & co. would never match; we add what AWS always sends;
// - runSimulation drops kms:EncryptionContext:<key> (it only knows the key as
//   the template `kms:encryptioncontext:${encryptioncontextkey}`), reporting it
//   in ignoredContextKeys, so the decision for those is taken from
//   runUnsafeSimulation, which evaluates the context as given;
// - any other ignored key, or a validation error, throws: a test must never
//   pass because a condition was not evaluated.
import {
  allowedContextKeysForRequest, getDenialReasons, getGrantReasons, runSimulation, runUnsafeSimulation,
  type RequestAnalysis, type Simulation, type StatementExplain,
} from '@cloud-copilot/iam-simulate';

export type KmsDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface KmsRequest {
  readonly keyPolicy: unknown;
  readonly keyArn: string;
  /** An IAM role, user or assumed-role ARN, or a service principal such as `logs.us-east-1.amazonaws.com`. */
  readonly principalArn: string;
  /** Identity policy documents of the principal. */
  readonly identityPolicies?: unknown[];
  /** e.g. `kms:Decrypt`. */
  readonly action: string;
  readonly encryptionContext?: Record<string, string>;
  readonly principalTags?: Record<string, string>;
  /** Service calling KMS on the principal's behalf: `s3`, or a full `s3.us-east-1.amazonaws.com`. */
  readonly viaService?: string;
  /** Added last, overriding the defaults. Must apply to the action, or the simulation throws. */
  readonly extraContext?: Record<string, string | string[]>;
}

export interface KmsExplanation {
  readonly decision: KmsDecision;
  /** Human-readable: request context, deciding statements and how every statement matched. */
  readonly explanation: string;
}

const ENCRYPTION_CONTEXT_KEY = /^kms:encryptioncontext:/i;

export async function simulateKms(request: KmsRequest): Promise<KmsDecision> {
  return (await explainKms(request)).decision;
}

/** Throws with the explanation unless the decision is `expected`. */
export async function expectKms(request: KmsRequest, expected: KmsDecision): Promise<void> {
  const { decision, explanation } = await explainKms(request);
  if (decision !== expected) {
    throw new Error(`expected ${expected} but got ${decision}\n${explanation}`);
  }
}

export async function explainKms(request: KmsRequest): Promise<KmsExplanation> {
  const context = await requestContext(request);
  const simulation = toSimulation(request, context);
  const validated = await runSimulation(simulation, {});
  if (validated.resultType === 'error') {
    throw new Error(`simulator rejected the request: ${JSON.stringify(validated.errors, null, 2)}`);
  }
  if (validated.resultType !== 'single') {
    throw new Error(`expected a single-resource simulation, got ${validated.resultType}: is keyArn ${request.keyArn} a wildcard?`);
  }
  const ignored = validated.result.ignoredContextKeys ?? [];
  const unexpected = ignored.filter((k) => !ENCRYPTION_CONTEXT_KEY.test(k));
  if (unexpected.length > 0) {
    throw new Error(`simulator ignored context keys ${unexpected.join(', ')}: they do not apply to ${request.action}`);
  }
  // Cross-check the two engines on the context both evaluated, so the unsafe
  // result is trusted only where it is known to agree with the validated one.
  const withoutIgnored = Object.fromEntries(Object.entries(context).filter(([k]) => !ignored.includes(k)));
  const crossCheck = runUnsafe(request, withoutIgnored);
  if (crossCheck !== validated.overallResult) {
    throw new Error(`runSimulation (${validated.overallResult}) and runUnsafeSimulation (${crossCheck}) disagree`);
  }
  const decision = ignored.length > 0 ? runUnsafe(request, context) : validated.overallResult;
  return { decision, explanation: explain(request, context, decision, validated.result.analysis, ignored) };
}

/** The context AWS would send for this request (see the header for why each key is needed). */
async function requestContext(request: KmsRequest): Promise<Record<string, string | string[]>> {
  const [, , , region, keyAccount] = request.keyArn.split(':');
  const [service, action] = request.action.split(':');
  const allowed = await allowedContextKeysForRequest(service, action, request.keyArn, false, undefined);
  const supports = (key: string) => allowed.includes(key.toLowerCase());
  const isService = !request.principalArn.startsWith('arn:');
  const via = request.viaService && (request.viaService.includes('.') ? request.viaService : `${request.viaService}.${region}.amazonaws.com`);

  const context: Record<string, string | string[]> = {
    'aws:SecureTransport': 'true',
    'aws:RequestedRegion': region,
    'aws:ResourceAccount': keyAccount,
    'aws:PrincipalIsAWSService': String(isService),
    'aws:ViaAWSService': String(!!via),
  };
  if (isService) {
    context['aws:PrincipalServiceName'] = request.principalArn;
  } else {
    const principal = iamPrincipal(request.principalArn);
    context['aws:PrincipalArn'] = principal.arn;
    context['aws:PrincipalAccount'] = principal.account;
    context['aws:PrincipalType'] = principal.type;
    if (supports('kms:CallerAccount')) context['kms:CallerAccount'] = principal.account;
  }
  for (const [k, v] of Object.entries(request.principalTags ?? {})) {
    context[`aws:PrincipalTag/${k}`] = v;
  }
  if (via && supports('kms:ViaService')) context['kms:ViaService'] = via;
  if (supports('kms:GrantIsForAWSResource')) context['kms:GrantIsForAWSResource'] = String(!!via);
  const encryptionContext = Object.entries(request.encryptionContext ?? {});
  if (encryptionContext.length > 0) {
    context['kms:EncryptionContextKeys'] = encryptionContext.map(([k]) => k);
    for (const [k, v] of encryptionContext) {
      context[`kms:EncryptionContext:${k}`] = v;
    }
  }
  const merged = { ...context, ...request.extraContext };
  // explainKms tolerates runSimulation ignoring these keys, so make sure AWS would send them at all.
  if (Object.keys(merged).some((k) => ENCRYPTION_CONTEXT_KEY.test(k)) && !supports('kms:EncryptionContext:${EncryptionContextKey}')) {
    throw new Error(`${request.action} does not take an encryption context`);
  }
  return merged;
}

/** aws:PrincipalArn of a role session is the role's ARN, not the session's. */
function iamPrincipal(arn: string): { arn: string; account: string; type: string } {
  const [, partition, service, , account, resource] = arn.split(':');
  const [kind, name] = resource.split('/');
  if (service === 'sts' && kind === 'assumed-role') {
    return { arn: `arn:${partition}:iam::${account}:role/${name}`, account, type: 'AssumedRole' };
  }
  const types: Record<string, string> = { role: 'AssumedRole', user: 'User', root: 'Account' };
  if (service !== 'iam' || !types[kind]) {
    throw new Error(`unsupported principal ${arn}: use an IAM role, user, root or assumed-role ARN, or a service principal`);
  }
  return { arn, account, type: types[kind] };
}

function toSimulation(request: KmsRequest, context: Record<string, string | string[]>, keyPolicy = request.keyPolicy): Simulation {
  const [, , , , keyAccount] = request.keyArn.split(':');
  return {
    request: {
      principal: request.principalArn,
      action: request.action,
      resource: { resource: request.keyArn, accountId: keyAccount },
      contextVariables: context,
    },
    identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i + 1}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: keyPolicy,
  };
}

function runUnsafe(request: KmsRequest, context: Record<string, string | string[]>): KmsDecision {
  // runUnsafeSimulation loads a raw resource policy without metadata and then
  // crashes reading its name; a pre-validated policy object carries the name.
  // (The same document already passed runSimulation's validation.)
  const keyPolicy = { __validated: true, policyDocument: request.keyPolicy, metadata: { name: 'KeyPolicy' }, errors: [] };
  return runUnsafeSimulation(toSimulation(request, context, keyPolicy), {});
}

function explain(request: KmsRequest, context: object, decision: KmsDecision, analysis: RequestAnalysis, ignored: string[]): string {
  const lines = [
    `${request.action} on ${request.keyArn} by ${request.principalArn}: ${decision}`,
    `context: ${JSON.stringify(context)}`,
  ];
  if (ignored.length > 0) {
    lines.push(`note: runSimulation ignores ${ignored.join(', ')}; the decision is runUnsafeSimulation's, `
      + `the statements below were evaluated without those keys (result then: ${analysis.result})`);
  }
  lines.push(`grants: ${JSON.stringify(getGrantReasons(analysis))}`, `denials: ${JSON.stringify(getDenialReasons(analysis))}`);
  for (const [label, part] of [['key policy', analysis.resourceAnalysis], ['identity policies', analysis.identityAnalysis]] as const) {
    const statements = part ? [...part.allowStatements, ...part.denyStatements, ...part.unmatchedStatements] : [];
    lines.push(`${label}: ${part?.result ?? 'none'}`, ...statements.map((s) => `  ${describe(s.explain)}`));
  }
  return lines.join('\n');
}

function describe(e: StatementExplain): string {
  const conditions = (e.conditions ?? []).map((c) => {
    const values = [c.values].flat().map((v) => v.value);
    return `${c.operator} ${c.conditionKeyValue} ${JSON.stringify(values)} ${c.matches ? 'matches' : 'no match'}${c.failedBecauseMissing ? ' (key missing)' : ''}`;
  });
  return `${e.effect} ${e.identifier}: ${e.matches ? 'applies' : 'does not apply'} (action ${e.actionMatch}, principal ${e.principalMatch}, `
    + `resource ${e.resourceMatch}, condition ${e.conditionMatch}${conditions.length ? `: ${conditions.join('; ')}` : ''})`;
}
