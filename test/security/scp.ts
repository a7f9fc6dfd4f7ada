// Service control policies evaluated with @cloud-copilot/iam-simulate, for the SCP
// examples under examples/scp/. The simulator sees the SCP under test beside
// FullAWSAccess (as AWS Organizations attaches it by default) and an identity policy that
// allows the action (and, for a KMS key, KMS's default key policy), so a Deny in the SCP
// is the only thing that can refuse the request.
// Any context key the simulator ignores throws: a test must never pass because a
// condition was not evaluated.
import * as fs from 'fs';
import * as path from 'path';
import { runSingleSimulation } from '../helpers/simulate-resource-policy';

export type ScpDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface ScpRequest {
  /** The caller: an IAM role ARN (`aws:PrincipalArn`). */
  readonly principalArn: string;
  /** e.g. `sts:TagSession`. */
  readonly action: string;
  readonly resource: string;
  /** Request context beyond the principal's: `aws:TagKeys`, `aws:RequestTag/<k>`... */
  readonly context?: Record<string, string | string[]>;
}

/** KMS's default key policy: IAM policies of the account decide (a key needs a key policy). */
const defaultKeyPolicy = (account: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
});

const FULL_AWS_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** An SCP example from examples/scp/, parsed. */
export function loadScp(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'scp', name), 'utf-8'));
}

/** The decision AWS would take for `request` under `scp`, with an identity policy that allows it. */
export async function simulateScp(scp: unknown, request: ScpRequest): Promise<ScpDecision> {
  const [, , , , account] = request.principalArn.split(':');
  return runSingleSimulation({
    request: {
      principal: request.principalArn,
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables: {
        'aws:PrincipalArn': request.principalArn,
        'aws:PrincipalAccount': account,
        ...request.context,
      },
    },
    identityPolicies: [{ name: 'allow', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: request.action, Resource: '*' }] } }],
    serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }, { name: 'under-test', policy: scp }] }],
    resourceControlPolicies: [],
    resourcePolicy: /:kms:[^:]*:[^:]*:key\//.test(request.resource) ? defaultKeyPolicy(account) : undefined,
  }, request.action);
}
