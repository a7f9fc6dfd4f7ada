import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KeyConstructBase } from './key-construct-base';
import { AssuranceOptions, SafeKeyOptions } from './key-options';
import { DECRYPT_ACTIONS, ENCRYPT_ACTIONS, GENERATE_DATA_KEY_ACTIONS, unionOf } from './private/actions';
import { GuardedKey } from './private/guarded-key';
import { KeyPolicyBuilder, principalArnsOf } from './private/key-policy';
import { claimAlias, createSecureKey } from './private/secure-key';
import {
  DEFAULT_CONTEXT_KEY, grantUnderTenantContext, routeTenantKeyGrant, unexemptedEncryptedResources,
  validateConditionKeySuffix, validateServiceExemptions, validateTenantPrincipalPath,
} from './private/tenancy';
import { invalidProp, validatePattern } from './private/validate';
import { ServiceExemption } from './service-exemption';

/**
 * The options of a tenant's key, besides its tenant: what `TenantKeyProps` and
 * `TenantKeyFleetProps` (for every key of the fleet) share.
 */
export interface TenantKeyOptions extends SafeKeyOptions, AssuranceOptions {
  /**
   * The alias is `alias/<aliasPrefix>/<tenantId>`.
   * @default 'tenant'
   */
  readonly aliasPrefix?: string;

  /**
   * The encryption-context key whose value must equal `tenantId` on every
   * cryptographic request.
   * @default 'tenantId'
   */
  readonly encryptionContextKey?: string;

  /**
   * When set, principals tagged `<tenantTagKey>=<tenantId>` count as the tenant's
   * principals too, besides those granted through this construct. Only as strong as
   * your control of the tag: see the README's SCP example.
   * @default - only principals granted through this construct are the tenant's
   */
  readonly tenantTagKey?: string;

  /**
   * With `tenantTagKey`: a tagged principal counts as the tenant's only when it is also an
   * IAM role of the key's account under this path (`aws:PrincipalArn` like
   * `arn:<partition>:iam::<account>:role<path>*`), e.g. `/tenants/acme/`. Why: a
   * principal allowed to tag itself (session tags, `iam:TagRole`) could otherwise make
   * itself the tenant's; only `iam:CreateRole` places a role under a path, and an SCP can
   * reserve that to your provisioner. Principals granted through this construct are
   * admitted by ARN, wherever they sit. Starts and ends with `/`; no `*` or `?`; not `/`.
   * @default - a tagged principal of any path
   */
  readonly tenantPrincipalPath?: string;

  /**
   * AWS services that set their own encryption context (S3, Secrets Manager, SQS)
   * and may therefore call the key without the tenant's context, when the call
   * comes through them and carries their own context key. Isolation of those calls
   * then rests on the service's own access control. The caller must still be one of
   * the tenant's principals.
   * @default - no exemptions: every call must carry the tenant's context
   */
  readonly serviceExemptions?: ServiceExemption[];
}

/** Properties for a `TenantKey`. */
export interface TenantKeyProps extends TenantKeyOptions {
  /**
   * The tenant this key belongs to: 1-64 letters, digits, `-` or `_`. It becomes
   * the alias suffix, the `tenant` tag and the required encryption-context value.
   */
  readonly tenantId: string;
}

/**
 * A customer-managed key dedicated to one tenant.
 *
 * Only the tenant's principals may use it, and only under the tenant's encryption
 * context. The key policy enforces both with explicit Denies, so an IAM policy that
 * allows `kms:*` on every key, anywhere in the account, still cannot use it.
 *
 * Its `key` is safe to hand to any construct: a grant on it makes the grantee one of the
 * tenant's principals, as this construct's own grants do, and a grant the key policy would
 * deny (to a service principal, to a service without an exemption, of administration)
 * fails at synth. Its alias is `alias/<aliasPrefix>/<tenantId>`.
 *
 * @example
 * const key = new TenantKey(this, 'AcmeKey', { tenantId: 'acme' });
 * key.grantEncryptDecrypt(acmeRole);
 */
export class TenantKey extends KeyConstructBase {
  /** The tenant this key belongs to. */
  public readonly tenantId: string;
  /** The encryption-context key that must carry `tenantId`. */
  public readonly encryptionContextKey: string;
  private readonly policy: KeyPolicyBuilder;
  private readonly tenantPrincipalArns: string[] = [];
  private readonly serviceExemptions: ServiceExemption[];

  constructor(scope: Construct, id: string, props: TenantKeyProps) {
    super(scope, id);
    validatePattern(this, 'tenantId', props.tenantId, /^[A-Za-z0-9_-]{1,64}$/, '1-64 letters, digits, "-" or "_"');
    const aliasPrefix = props.aliasPrefix ?? 'tenant';
    validatePattern(this, 'aliasPrefix', aliasPrefix, /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/,
      'letters, digits, "_" or "-", in "/"-separated segments, without "alias/" and without a leading or trailing "/"');
    const firstSegment = aliasPrefix.split('/')[0].toLowerCase();
    if (firstSegment === 'aws' || firstSegment === 'alias') {
      invalidProp(this, 'aliasPrefix', aliasPrefix, `must not start with the segment "${firstSegment}": the construct adds "alias/", and "alias/aws/" is reserved for AWS managed keys`);
    }
    const contextKey = props.encryptionContextKey ?? DEFAULT_CONTEXT_KEY;
    validateConditionKeySuffix(this, 'encryptionContextKey', contextKey);
    validateConditionKeySuffix(this, 'tenantTagKey', props.tenantTagKey);
    validateTenantPrincipalPath(this, 'tenantPrincipalPath', props.tenantPrincipalPath);
    if (props.tenantPrincipalPath !== undefined && props.tenantTagKey === undefined) {
      invalidProp(this, 'tenantPrincipalPath', props.tenantPrincipalPath,
        'requires `tenantTagKey`: it narrows the tagged principals, and without a tag key only principals granted by ARN are the tenant\'s');
    }
    const exemptions = props.serviceExemptions ?? [];
    validateServiceExemptions(this, exemptions);

    this.tenantId = props.tenantId;
    this.encryptionContextKey = contextKey;
    this.serviceExemptions = exemptions;
    const aliasName = `alias/${aliasPrefix}/${props.tenantId}`;
    // A tenant has one key per alias: a second TenantKey for it is blamed on `tenantId`.
    claimAlias(this, 'tenantId', props.tenantId, aliasName);
    const made = createSecureKey(this, {
      ...props,
      aliasName,
      aliasSource: { prop: 'aliasPrefix', value: aliasPrefix },
      defaultDescription: `Customer-managed key of tenant ${props.tenantId} (${this.node.path})`,
      tags: { tenant: props.tenantId },
    });
    this.policy = made.policy;
    this.policy.requireTenantPrincipal({
      arns: () => [...this.tenantPrincipalArns],
      tag: props.tenantTagKey ? { key: props.tenantTagKey, value: props.tenantId } : undefined,
      tagPath: props.tenantPrincipalPath,
    });
    this.policy.requireEncryptionContext(contextKey, props.tenantId, exemptions);

    const key = new GuardedKey(made.key, (grantee, actions) => routeTenantKeyGrant(this, grantee, actions, {
      inner: made.key,
      keyArn: this.keyArn,
      exemptions,
      contextValue: this.tenantId,
      direct: (g, a) => this.grantTenant(g, a),
      admit: p => this.admit(p),
    }));
    this.node.addValidation({ validate: () => unexemptedEncryptedResources(this, made.key, exemptions) });
    this._initializeKey(made, props, key);
  }

  /** Let `grantee` encrypt and generate data keys under the tenant's encryption context. */
  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantTenant(grantee, ENCRYPT_ACTIONS);
  }

  /** Let `grantee` decrypt under the tenant's encryption context. */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantTenant(grantee, DECRYPT_ACTIONS);
  }

  /** Let `grantee` encrypt and decrypt under the tenant's encryption context. */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantTenant(grantee, unionOf(ENCRYPT_ACTIONS, DECRYPT_ACTIONS));
  }

  /** Let `grantee` generate data keys under the tenant's encryption context. */
  public grantGenerateDataKey(grantee: iam.IGrantable): iam.Grant {
    return this.grantTenant(grantee, GENERATE_DATA_KEY_ACTIONS);
  }

  /**
   * Makes `grantee` one of the tenant's principals in the key policy and gives it an
   * IAM statement bound to the tenant's encryption context.
   */
  private grantTenant(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    this.admit(grantee.grantPrincipal);
    return grantUnderTenantContext(this, grantee, actions, {
      keyArn: this.keyArn,
      contextKey: this.encryptionContextKey,
      contextValue: this.tenantId,
      exemptions: this.serviceExemptions,
    });
  }

  /** Lists `principal` among the tenant's principals in the key policy's Deny. */
  private admit(principal: iam.IPrincipal): void {
    if (this.policy.rendered) {
      invalidProp(this, 'grantee', principal.toString(),
        'cannot be granted after the key policy has been synthesized; make all grants before synthesis');
    }
    for (const arn of principalArnsOf(this, 'grantee', principal)) {
      if (!this.tenantPrincipalArns.includes(arn)) {
        this.tenantPrincipalArns.push(arn);
      }
    }
  }
}
