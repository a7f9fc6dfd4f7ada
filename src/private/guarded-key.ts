import { RemovalPolicy, ResourceEnvironment, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Dependable, IConstruct, IMixin, Node } from 'constructs';
import { DECRYPT_ACTIONS, ENCRYPT_ACTIONS, unionOf } from './actions';
import { claimAlias } from './secure-key';
import { invalidProp } from './validate';

/**
 * How a key construct answers a grant made on its exposed `key`: with the construct's own
 * rules (a tenant's principal list and conditions), or a synth-time refusal that says
 * what to call instead. `actions` are as the caller gave them, wildcards included.
 */
export type KeyGrantHandler = (grantee: iam.IGrantable, actions: string[]) => iam.Grant;

/**
 * The `kms.IKey` a key construct hands out. aws-cdk-lib's S3, SQS and Secrets Manager grants
 * call `grant*` on the bucket's, queue's or secret's key; on a plain `kms.Key` those add an
 * IAM Allow that a tenant key's Denies then refuse at run time, silently at synth. This
 * facade sends every `grant*` to the construct instead, and passes everything else (ARN,
 * ID, node, stack, `addToResourcePolicy`, which the policy builder still validates at synth)
 * to the real key.
 *
 * Not a Proxy: an explicit facade exposes nothing of `kms.Key` beyond `IKey` (no
 * `grants` property that would bypass the handler).
 */
export class GuardedKey implements kms.IKey {
  constructor(private readonly inner: kms.Key, private readonly handler: KeyGrantHandler) {
    // `x.node.addDependency(construct.key)` depends on the real key.
    Dependable.implement(this, { get dependencyRoots() { return [inner]; } });
  }

  public get keyArn(): string { return this.inner.keyArn; }
  public get keyId(): string { return this.inner.keyId; }
  public get keyRef(): kms.KeyReference { return this.inner.keyRef; }
  public get node(): Node { return this.inner.node; }
  public get stack(): Stack { return this.inner.stack; }
  public get env(): ResourceEnvironment { return this.inner.env; }

  /** Applies `mixins` to the real key. */
  public with(...mixins: IMixin[]): IConstruct {
    this.inner.with(...mixins);
    return this;
  }

  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.inner.applyRemovalPolicy(policy);
  }

  /** Adds an alias, refused when another key of the app has it in the same account and Region. */
  public addAlias(aliasName: string): kms.Alias {
    const full = aliasName.startsWith('alias/') || Token.isUnresolved(aliasName) ? aliasName : `alias/${aliasName}`;
    claimAlias(this.inner.node.scope!, 'key.addAlias()', aliasName, full);
    return this.inner.addAlias(aliasName);
  }

  public addToResourcePolicy(statement: iam.PolicyStatement, allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    return this.inner.addToResourcePolicy(statement, allowNoOp);
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return this.handler(grantee, actions);
  }

  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.handler(grantee, DECRYPT_ACTIONS);
  }

  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.handler(grantee, ENCRYPT_ACTIONS);
  }

  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.handler(grantee, unionOf(ENCRYPT_ACTIONS, DECRYPT_ACTIONS));
  }

  public grantSign(_grantee: iam.IGrantable): iam.Grant { return this.refuseAsymmetric('grantSign'); }
  public grantVerify(_grantee: iam.IGrantable): iam.Grant { return this.refuseAsymmetric('grantVerify'); }
  public grantSignVerify(_grantee: iam.IGrantable): iam.Grant { return this.refuseAsymmetric('grantSignVerify'); }
  public grantGenerateMac(_grantee: iam.IGrantable): iam.Grant { return this.refuseAsymmetric('grantGenerateMac'); }
  public grantVerifyMac(_grantee: iam.IGrantable): iam.Grant { return this.refuseAsymmetric('grantVerifyMac'); }

  private refuseAsymmetric(method: string): never {
    return invalidProp(this.inner.node.scope!, `key.${method}()`, method,
      'cannot be used: the key is a symmetric encryption key (SYMMETRIC_DEFAULT); signing and MAC need an asymmetric or HMAC key');
  }
}

/** Who a grant is for, with a `kms.ViaServicePrincipal` unwrapped. */
export interface GrantTarget {
  /** The identity that will call, through the service when `viaService` is set. */
  readonly principal: iam.IPrincipal;
  /** The `kms:ViaService` endpoint the grant is bound to (Secrets Manager grants are). */
  readonly viaService?: string;
  /** True for the key's own account as a whole (the grant `secretsmanager.Secret` makes for itself). */
  readonly isOwnAccount: boolean;
}

/**
 * Unwraps `grantee` for a key handler; refuses principals of another account, with
 * `crossAccountAdvice` saying what to do instead.
 */
export function grantTargetOf(scope: IConstruct, grantee: iam.IGrantable, crossAccountAdvice: string): GrantTarget {
  let principal = grantee.grantPrincipal;
  let viaService: string | undefined;
  if (principal instanceof kms.ViaServicePrincipal) {
    viaService = (principal.policyFragment.conditions.StringEquals as Record<string, unknown> | undefined)?.['kms:ViaService'] as string | undefined;
    // aws-cdk-lib keeps the wrapped principal in a field it does not declare public.
    const base = (principal as unknown as { basePrincipal?: iam.IPrincipal }).basePrincipal;
    if (!base || typeof viaService !== 'string') {
      invalidProp(scope, 'key', describePrincipal(scope, principal),
        'cannot grant to this kms.ViaServicePrincipal: its service or wrapped principal cannot be read');
    }
    principal = base;
  }
  const account = Stack.of(scope).account;
  const isOwnAccount = principal instanceof iam.AccountRootPrincipal
    || (principal instanceof iam.AccountPrincipal && Token.compareStrings(String(principal.accountId), account) === TokenComparison.SAME);
  const other = principal.principalAccount;
  if (!isOwnAccount && other !== undefined && !Token.isUnresolved(other) && !Token.isUnresolved(account) && other !== account) {
    invalidProp(scope, 'key', describePrincipal(scope, principal),
      `cannot grant to a principal of another account (${other}): ${crossAccountAdvice}`);
  }
  return { principal, viaService, isOwnAccount };
}

/** A principal as CloudFormation would render it, for error messages. */
export function describePrincipal(scope: IConstruct, principal: iam.IPrincipal): unknown {
  return Stack.of(scope).resolve(principal.policyFragment.principalJson);
}
