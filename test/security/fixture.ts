import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnTemplate, FAKE_ENV, keyArnFor, principalArnFor, resolvedIdentityPolicies, resolvedKeyPolicy } from '../helpers/resolve-template';
import { KmsRequest } from '../helpers/simulate';

/** One account's roles and keys, synthesized, ready to be asked KMS questions. */
export class SimulatedAccount {
  public readonly app = new App();
  public readonly stack = new Stack(this.app, 'Security', { env: { account: FAKE_ENV.account, region: FAKE_ENV.region } });
  private template?: CfnTemplate;
  private readonly roles = new Map<string, iam.Role>();
  private readonly keys = new Map<string, kms.IKey>();

  /** A named role (its ARN is readable in failures), optionally with identity statements. */
  public role(name: string, ...statements: iam.PolicyStatement[]): iam.Role {
    return this.roleUnder('/', name, ...statements);
  }

  /** A named role under the IAM path `path` (`/.../`), optionally with identity statements. */
  public roleUnder(path: string, name: string, ...statements: iam.PolicyStatement[]): iam.Role {
    const role = new iam.Role(this.stack, name, { roleName: name, path, assumedBy: new iam.AccountRootPrincipal() });
    statements.forEach(s => role.addToPolicy(s));
    this.roles.set(name, role);
    return role;
  }

  /** Registers a key under a short name for `request`. */
  public key(name: string, key: kms.IKey): void {
    this.keys.set(name, key);
  }

  /** A request from a role against a key, with the synthesized policies of both. */
  public request(roleName: string, keyName: string, action: string, extra: Partial<KmsRequest> = {}): KmsRequest {
    const template = this.synth();
    const roleId = this.logicalId(this.roles.get(roleName)!);
    const keyId = this.logicalId(this.keys.get(keyName)!);
    return {
      keyPolicy: resolvedKeyPolicy(template, keyId),
      keyArn: keyArnFor(keyId),
      principalArn: principalArnFor(template, roleId),
      identityPolicies: resolvedIdentityPolicies(template, roleId),
      action,
      ...extra,
    };
  }

  /** Synthesizes the stack (once); `request` reads the result. */
  public synth(): CfnTemplate {
    this.template ??= Template.fromStack(this.stack).toJSON() as CfnTemplate;
    return this.template;
  }

  private logicalId(c: iam.Role | kms.IKey): string {
    return this.stack.getLogicalId(c.node.defaultChild as CfnResource);
  }
}

/** kms:* on every key: the over-broad IAM policy isolation must survive. */
export const kmsStar = () => new iam.PolicyStatement({ actions: ['kms:*'], resources: ['*'] });

/**
 * Builds and synthesizes a fixture in `beforeAll`: never while jest collects the tests, and
 * never lazily inside whichever test asks first. Mutation testing (docs/mutation.md) records
 * which test runs which code: code run while collecting counts for no test in particular,
 * and a lazy synthesis would count for the first test alone, so a change to what only
 * synthesis runs (the deferred key-policy statements, the render-time checks) would be
 * tried against that one test. In `beforeAll` it is tried against every test, and a run
 * whose tests are all filtered out skips it.
 */
export function builtBeforeAll<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  beforeAll(() => {
    built = { value: build() };
  });
  return () => {
    if (!built) {
      throw new Error('the fixture is built in beforeAll: read it inside a test');
    }
    return built.value;
  };
}

/** A `SimulatedAccount` built and synthesized in `beforeAll`, asked from inside the tests. */
export function accountBuiltBeforeAll(build: () => SimulatedAccount): Pick<SimulatedAccount, 'request'> {
  const account = builtBeforeAll(() => {
    const built = build();
    built.synth();
    return built;
  });
  return { request: (...args) => account().request(...args) };
}
