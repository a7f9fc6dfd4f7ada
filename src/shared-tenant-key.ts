import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KeyConstructBase } from './key-construct-base';
import { AssuranceOptions, SafeKeyOptions } from './key-options';
import { DECRYPT_ACTIONS, ENCRYPT_ACTIONS, unionOf } from './private/actions';
import { GuardedKey } from './private/guarded-key';
import { createSecureKey } from './private/secure-key';
import {
  DEFAULT_CONTEXT_KEY, ENCRYPTION_SDK_PUBLIC_KEY, grantUnderTenantContext, routeTenantKeyGrant, unexemptedEncryptedResources,
  validateAllowedContextKeys, validateConditionKeySuffix, validateServiceExemptions, validateTenantPrincipalPath,
} from './private/tenancy';
import { ServiceExemption } from './service-exemption';

/** Properties for a `SharedTenantKey`. */
export interface SharedTenantKeyProps extends SafeKeyOptions, AssuranceOptions {
  /**
   * The key's alias, with or without the `alias/` prefix (e.g. `shared/tenants`);
   * a token must include `alias/`.
   */
  readonly alias: string;

  /**
   * The principal tag that names a principal's tenant. A principal may use the key
   * only when the encryption context carries its own tag value; principals without
   * the tag are denied.
   * @default 'tenantId'
   */
  readonly tenantTagKey?: string;

  /**
   * When set, a tenant principal must also be an IAM role of the key's account under this
   * path (`aws:PrincipalArn` like `arn:<partition>:iam::<account>:role<path>*`), e.g.
   * `/tenants/`. Why: a principal allowed to tag itself (session tags, `iam:TagRole`)
   * could otherwise make itself any tenant's principal; only `iam:CreateRole` places a role
   * under a path, and an SCP can reserve that to your provisioner (see the README's guard
   * rails). Starts and ends with `/`; no `*` or `?`; not `/` alone. IAM users are refused.
   * @default - any tagged principal of any path
   */
  readonly tenantPrincipalPath?: string;

  /**
   * The encryption-context key whose value must equal the caller's tenant tag.
   * @default 'tenantId'
   */
  readonly encryptionContextKey?: string;

  /**
   * Every key an encryption context may hold; a context with any other key is denied
   * (`ForAnyValue:StringNotEquals kms:EncryptionContextKeys`), except through an exempt
   * service, which sets its own keys. Why: KMS matches the key in
   * `kms:EncryptionContext:<key>` case-insensitively, so without this list a context
   * `{tenantId: A, TENANTID: B}` is judged by whichever pair KMS picks, and tenant B could
   * forge ciphertext tenant A accepts. The list is compared exactly, case included, and
   * must include `encryptionContextKey`. Add the keys your clients put in the context,
   * e.g. `aws:x-amz-cek-alg` for the Amazon S3 Encryption Client. Ciphertext made before
   * with other keys no longer decrypts.
   * @default - `encryptionContextKey` and `aws-crypto-public-key` (which the AWS
   *   Encryption SDK adds under its default, signing algorithm suites)
   */
  readonly allowedEncryptionContextKeys?: string[];

  /**
   * AWS services that set their own encryption context and may call the key
   * without the tenant's context, when the call comes through them and carries
   * their own context key. The caller must still carry the tenant tag.
   * @default - no exemptions: every call must carry the caller's tenant context
   */
  readonly serviceExemptions?: ServiceExemption[];
}

/**
 * One customer-managed key for any number of tenants, isolated by principal tag.
 *
 * A principal may use the key only when the encryption context value equals its own
 * tenant tag (`kms:EncryptionContext:tenantId` = `${aws:PrincipalTag/tenantId}`), and
 * a principal without the tag is denied outright. The key policy is the same size for
 * one tenant or a hundred thousand. Isolation is as strong as your control of the tag.
 *
 * Contexts holding keys outside `allowedEncryptionContextKeys` are denied, and so is every
 * `kms:ReEncrypt*`: AWS does not document whether encryption-context conditions on
 * ReEncrypt judge the source or the destination context, so the tenant check could be
 * made against the wrong one. Move ciphertext between keys with Decrypt and Encrypt.
 *
 * Its `key` is safe to hand to any construct: a grant on it grants like
 * `grantTenantAccess`, bound to the grantee's own tenant tag, and a grant the key policy
 * would deny (to a service principal, to a service without an exemption, of administration,
 * to an IAM role or user of this app without the tenant tag) fails at synth.
 *
 * @example
 * const shared = new SharedTenantKey(this, 'Shared', { alias: 'shared/tenants' });
 * shared.grantTenantAccess(tenantRole); // the role carries the tag tenantId=<tenant>
 */
export class SharedTenantKey extends KeyConstructBase {
  /** The principal tag that names a principal's tenant. */
  public readonly tenantTagKey: string;
  /** The encryption-context key that must equal the caller's tenant tag. */
  public readonly encryptionContextKey: string;

  private readonly serviceExemptions: ServiceExemption[];
  /** Principals granted through `key`, whose tenant tag is checked at synth. */
  private readonly taggedGrantees: iam.IPrincipal[] = [];

  constructor(scope: Construct, id: string, props: SharedTenantKeyProps) {
    super(scope, id);
    this.tenantTagKey = props.tenantTagKey ?? DEFAULT_CONTEXT_KEY;
    this.encryptionContextKey = props.encryptionContextKey ?? DEFAULT_CONTEXT_KEY;
    validateConditionKeySuffix(this, 'tenantTagKey', this.tenantTagKey);
    validateConditionKeySuffix(this, 'encryptionContextKey', this.encryptionContextKey);
    const exemptions = props.serviceExemptions ?? [];
    validateServiceExemptions(this, exemptions);
    this.serviceExemptions = exemptions;
    const allowedKeys = props.allowedEncryptionContextKeys ?? [this.encryptionContextKey, ENCRYPTION_SDK_PUBLIC_KEY];
    validateAllowedContextKeys(this, 'allowedEncryptionContextKeys', allowedKeys, this.encryptionContextKey);
    validateTenantPrincipalPath(this, 'tenantPrincipalPath', props.tenantPrincipalPath);

    const made = createSecureKey(this, {
      ...props,
      // A token alias passes through as given: it must then include `alias/` itself.
      aliasName: props.alias.startsWith('alias/') || Token.isUnresolved(props.alias) ? props.alias : `alias/${props.alias}`,
      aliasSource: { prop: 'alias', value: props.alias },
      defaultDescription: `Customer-managed key shared by tenants, isolated by the principal tag ${this.tenantTagKey} (${this.node.path})`,
    });
    made.policy.requirePrincipalTag(this.tenantTagKey);
    if (props.tenantPrincipalPath !== undefined) {
      made.policy.requirePrincipalPath(props.tenantPrincipalPath);
    }
    made.policy.requireEncryptionContext(this.encryptionContextKey, this.tenantContextVariable, exemptions);
    made.policy.requireEncryptionContextKeysIn(allowedKeys, exemptions);
    made.policy.denyReEncrypt();

    const key = new GuardedKey(made.key, (grantee, actions) => routeTenantKeyGrant(this, grantee, actions, {
      inner: made.key,
      keyArn: this.keyArn,
      exemptions,
      contextValue: this.tenantContextVariable,
      direct: (g, a) => {
        this.taggedGrantees.push(g.grantPrincipal);
        return this.grantTenant(g, a);
      },
      admit: p => this.taggedGrantees.push(p),
    }));
    this.node.addValidation({ validate: () => [...unexemptedEncryptedResources(this, made.key, exemptions), ...this.untaggedGrantees()] });
    this._initializeKey(made, props, key);
  }

  /**
   * Let `grantee` encrypt, decrypt and generate data keys for its own tenant: the
   * IAM statement requires the encryption context to equal the grantee's tenant tag.
   * The grantee must carry the tag `<tenantTagKey>=<its tenant>`. No `kms:ReEncrypt*`:
   * the key policy denies it.
   */
  public grantTenantAccess(grantee: iam.IGrantable): iam.Grant {
    return this.grantTenant(grantee, unionOf(ENCRYPT_ACTIONS, DECRYPT_ACTIONS));
  }

  /**
   * `actions` for the grantee's own tenant: the encryption context must equal its tenant
   * tag. Never `kms:ReEncrypt*`, which the key policy denies (KmsPatternsDenyReEncrypt).
   */
  private grantTenant(grantee: iam.IGrantable, requested: string[]): iam.Grant {
    const actions = requested.filter(a => !a.startsWith('kms:ReEncrypt'));
    return grantUnderTenantContext(this, grantee, actions, {
      keyArn: this.keyArn,
      contextKey: this.encryptionContextKey,
      contextValue: this.tenantContextVariable,
      exemptions: this.serviceExemptions,
    });
  }

  /**
   * IAM roles and users of this app granted through `key` without the tenant tag: the key
   * policy denies every untagged caller. A role from outside the app (imported by ARN)
   * cannot be checked; neither can a session tag.
   */
  private untaggedGrantees(): string[] {
    return this.taggedGrantees.flatMap(p => {
      const resource = p instanceof iam.Role || p instanceof iam.User ? p.node.defaultChild : undefined;
      if (!(resource instanceof iam.CfnRole || resource instanceof iam.CfnUser)) {
        return [];
      }
      const path = resource.node.scope!.node.path;
      const tags = resource.tags.tagValues();
      return tags[this.tenantTagKey] !== undefined ? [] : [
        `${path} is granted the key through \`key\` but has no \`${this.tenantTagKey}\` tag, so KmsPatternsDenyPrincipalsWithoutTenantTag refuses all its calls: `
        + `tag it with its tenant (Tags.of(principal).add('${this.tenantTagKey}', '<tenant>'))`,
      ];
    });
  }

  /** The IAM policy variable resolving to the caller's tenant. */
  private get tenantContextVariable(): string {
    return `\${aws:PrincipalTag/${this.tenantTagKey}}`;
  }
}
