import { IPostProcessor, IResolveContext, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import {
  ADMIN_ACTIONS, AWS_RESOURCE_GRANT_ACTIONS, CONTEXT_BOUND_ACTIONS, CRYPTO_ACTIONS,
  DESCRIBE_ACTIONS, KEY_MANAGEMENT_ACTIONS, SNAPSHOT_SHARING_ACTIONS,
} from './actions';
import { consumerDecryptActions } from './cross-account';
import { statementId } from './names';
import { invalidProp } from './validate';
import { CrossAccountConsumerOptions } from '../key-options';
import { ServiceExemption } from '../service-exemption';

/** KMS's limit on the size of a key policy. */
export const MAX_KEY_POLICY_BYTES = 32_768;

/**
 * The account root, for every key policy: its ARN is a token each stack resolves for
 * itself, so one principal serves all (a fleet's 10,000 keys would otherwise register
 * 10,000 tokens that all render alike).
 */
export const ACCOUNT_ROOT = new iam.AccountRootPrincipal();

/** What every key policy in the library starts from. */
export interface KeyPolicyBuilderProps {
  /** Principals that administer the key and cannot use it. */
  readonly admins?: iam.IPrincipal[];
  /** Add the CT.KMS.PR.3 Deny: grants only for AWS resources or by AWS services. */
  readonly restrictGrantsToAwsServices: boolean;
  /**
   * `aws:PrincipalArn` values and patterns of the key's managers, the only principals the
   * key-management Deny lets through; more can be added until the policy renders.
   * @default - no key-management Deny
   */
  readonly keyManagers?: string[];
}

/** Who counts as a tenant's principal for a Deny, evaluated when the policy renders. */
export interface TenantPrincipals {
  /** Principal ARNs granted through the construct; read at render time. */
  readonly arns: () => string[];
  /** Principals tagged `key=value` count too. */
  readonly tag?: { readonly key: string; readonly value: string };
  /** Tagged principals count only when they are roles under this IAM path (`/.../`). */
  readonly tagPath?: string;
}

/**
 * The consumers of a key in other accounts, as a key policy names them; what they may do is
 * the user's `CrossAccountConsumerOptions`. Validated by the construct before they get here.
 */
export interface CrossAccountConsumers {
  /** 12-digit IDs of accounts (never the key's own) whose IAM may delegate use of the key. */
  readonly accountIds: string[];
  /** An AWS Organization whose member accounts, except the key's own, may do the same. */
  readonly organizationId?: string;
}

/**
 * The one key-policy builder. It starts every policy with the account-root
 * delegation, key administrators without cryptographic use, the CreateGrant guard
 * rail, and the Deny of key management to everyone but the key's managers.
 * Constructs then say what is special about them through intention-named methods;
 * no construct writes a statement by hand.
 *
 * A render-time check keeps the two invariants for every statement in the document,
 * including ones other code adds with `key.addToResourcePolicy`: no Allow of `kms:*`
 * except to the account root, and no Allow to a `*` principal without a condition.
 */
export class KeyPolicyBuilder {
  public readonly document: iam.PolicyDocument;
  private readonly stack: Stack;
  private readonly deferred: DeferredStatement[] = [];
  private readonly managers?: string[];

  constructor(scope: IConstruct, props: KeyPolicyBuilderProps) {
    this.stack = Stack.of(scope);
    this.document = new CheckedPolicyDocument(this.stack, rendered => this.check(rendered));
    this.document.addStatements(new iam.PolicyStatement({
      sid: statementId('AllowAccountRootDelegation'),
      principals: [ACCOUNT_ROOT],
      actions: ['kms:*'],
      resources: ['*'],
    }));
    if (props.admins && props.admins.length > 0) {
      this.document.addStatements(new iam.PolicyStatement({
        sid: statementId('AllowKeyAdministrationOnly'),
        principals: props.admins,
        actions: ADMIN_ACTIONS,
        resources: ['*'],
      }));
    }
    if (props.restrictGrantsToAwsServices) {
      // AWS Control Tower CT.KMS.PR.3: a grant allows what it names without the conditions
      // of the policy's Allow statements (only a Deny still binds it), so only AWS services
      // integrating with KMS get one.
      this.denyToAll('DenyCreateGrantExceptForAwsResources', ['kms:CreateGrant'], {
        BoolIfExists: {
          'kms:GrantIsForAWSResource': 'false',
          'aws:PrincipalIsAWSService': 'false',
        },
      });
    }
    if (props.keyManagers) {
      this.managers = [...props.keyManagers];
      this.denyKeyManagementExceptTo(this.managers);
    }
  }

  /**
   * Exempt more principals from the key-management Deny, such as the roles that replicate
   * a multi-Region primary key from other Regions (`kms:ReplicateKey` is authorized by the
   * primary's policy).
   */
  public addKeyManagers(arns: string[]): void {
    if (!this.managers) {
      throw new Error('addKeyManagers: this key policy has no key-management Deny');
    }
    if (this.rendered) {
      throw new Error('addKeyManagers: the key policy has already been synthesized');
    }
    this.managers.push(...arns);
  }

  /**
   * IAM's `kms:*` would otherwise let any principal of the account rewrite the policy,
   * disable or delete the key, or point its alias at a key of its own (alias swap: every
   * caller that encrypts by alias then encrypts to the attacker). `aws:PrincipalArn` is the
   * role's ARN for every session of it, and is absent for AWS service principals, hence
   * `BoolIfExists aws:PrincipalIsAWSService`. No `aws:ViaAWSService` exemption: a stack
   * deployed without a role reaches KMS through CloudFormation, and that exemption would
   * reopen the door to whoever can create a stack. No `NotPrincipal`: a Deny with it
   * matches sessions by their session ARN, which the list cannot name.
   */
  private denyKeyManagementExceptTo(managers: string[]): void {
    const statement = new DeferredStatement({
      sid: statementId('DenyKeyManagementExceptToManagers'),
      effect: iam.Effect.DENY,
      principals: [new iam.StarPrincipal()],
      actions: KEY_MANAGEMENT_ACTIONS,
      resources: ['*'],
    }, s => {
      s.addCondition('ArnNotLike', { 'aws:PrincipalArn': [...new Set(managers)] });
      s.addCondition('BoolIfExists', { 'aws:PrincipalIsAWSService': 'false' });
    });
    this.deferred.push(statement);
    this.document.addStatements(statement);
  }

  /** Key users: cryptographic actions only, never administration. */
  public allowUse(principals: iam.IPrincipal[]): void {
    if (principals.length === 0) {
      return;
    }
    this.document.addStatements(new iam.PolicyStatement({
      sid: statementId('AllowKeyUseOnly'),
      principals,
      actions: CRYPTO_ACTIONS,
      resources: ['*'],
    }));
  }

  /**
   * Let AWS services publish to an SNS topic (or SQS queue) encrypted with this key, and
   * nothing else: `kms:GenerateDataKey` to encrypt what they send and `kms:Decrypt` for the
   * service to read it back on delivery. Without this, CloudWatch alarm actions and
   * EventBridge targets on an encrypted topic fail silently: the alarm fires into nothing.
   * The statement names the service principals only; a service principal is never a
   * caller from outside AWS.
   */
  public allowServicesToPublishEncryptedMessages(servicePrincipals: string[]): void {
    if (servicePrincipals.length === 0) {
      return;
    }
    this.document.addStatements(new iam.PolicyStatement({
      sid: statementId('AllowServicesToPublishEncryptedMessages'),
      principals: servicePrincipals.map(s => new iam.ServicePrincipal(s)),
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
    }));
  }

  /**
   * Let CloudTrail use this key for the one trail `trailArn`, as "Configure AWS KMS key
   * policies for CloudTrail" (Required KMS key policy elements for trails) lists:
   * `kms:GenerateDataKey*` to encrypt log and digest files, with the encryption context
   * CloudTrail sets (a trail of this account); `kms:Decrypt`, without which CloudTrail
   * cannot create or update an SSE-KMS trail whose bucket uses an S3 Bucket Key; and
   * `kms:DescribeKey`. Each is scoped by `aws:SourceArn` to that trail, the document's
   * advice, so no other trail (of this account or another) can use the key through
   * CloudTrail. The encrypt statement also keeps `aws:SourceAccount`, which the document
   * supports; the other two carry exactly the condition it shows for them.
   * `trailArn` must not refer to the trail resource: the trail refers to this key.
   */
  public allowCloudTrailLogEncryption(trailArn: string): void {
    const principals = [new iam.ServicePrincipal('cloudtrail.amazonaws.com')];
    const accountTrails = `arn:${this.stack.partition}:cloudtrail:*:${this.stack.account}:trail/*`;
    this.document.addStatements(new iam.PolicyStatement({
      sid: statementId('AllowCloudTrailLogEncryption'),
      principals,
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceArn': trailArn, 'aws:SourceAccount': this.stack.account },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': accountTrails },
      },
    }));
    this.document.addStatements(new iam.PolicyStatement({
      sid: statementId('AllowCloudTrailDecryptForBucketKey'),
      principals,
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
    }));
    this.document.addStatements(new iam.PolicyStatement({
      sid: statementId('AllowCloudTrailDescribeKey'),
      principals,
      actions: DESCRIBE_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
    }));
  }

  /**
   * Let CloudWatch Logs encrypt and read the log groups of this account and Region whose
   * ARN matches `logGroupArnPattern`, bound by the encryption context it sets.
   */
  public allowLogGroupEncryption(logGroupArnPattern: string): void {
    this.document.addStatements(new iam.PolicyStatement({
      sid: statementId('AllowLogGroupEncryption'),
      principals: [new iam.ServicePrincipal(`logs.${this.stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArnPattern } },
    }));
  }

  /**
   * Deny context-bound operations unless the request's encryption context has
   * `contextKey` = `expectedValue` (a literal or a policy variable such as
   * `${aws:PrincipalTag/tenantId}`). Calls through an exempt service are let through
   * this Deny, but only with that service's own context key present.
   */
  public requireEncryptionContext(contextKey: string, expectedValue: string, exemptions: ServiceExemption[] = []): void {
    const viaServices = exemptions.map(e => e.viaServiceIn(this.stack.region));
    this.denyToAll('DenyOutsideTenantEncryptionContext', CONTEXT_BOUND_ACTIONS, {
      StringNotEquals: {
        [`kms:EncryptionContext:${contextKey}`]: expectedValue,
        ...(viaServices.length > 0 ? { 'kms:ViaService': viaServices } : {}),
      },
    });
    for (const exemption of exemptions) {
      if (!exemption.contextKey) {
        continue;
      }
      const via = `DenyVia${sidSafe(exemption.servicePrefix)}${sidSafe(exemption.region ?? '')}`;
      this.denyToAll(`${via}WithoutItsEncryptionContext`, CONTEXT_BOUND_ACTIONS, {
        StringEquals: { 'kms:ViaService': exemption.viaServiceIn(this.stack.region) },
        Null: { [`kms:EncryptionContext:${exemption.contextKey}`]: 'true' },
      });
      const pattern = exemption._tenantContextPattern(this.stack, expectedValue);
      if (pattern !== undefined) {
        // The service's own context must name the tenant. With a policy variable, a caller
        // without the tag makes this negated condition silently not apply: the tag Deny
        // (requirePrincipalTag) must stand beside it, as it does on SharedTenantKey.
        this.denyToAll(`${via}OutsideTenant`, CONTEXT_BOUND_ACTIONS, {
          StringEquals: { 'kms:ViaService': exemption.viaServiceIn(this.stack.region) },
          StringNotLike: { [`kms:EncryptionContext:${exemption.contextKey}`]: pattern },
        });
      }
    }
  }

  /**
   * Deny context-bound operations whose encryption context has any key outside `allowedKeys`
   * (compared exactly, case included). KMS matches the key of `kms:EncryptionContext:<key>`
   * case-insensitively, so a context `{tenantId: A, TENANTID: B}` would otherwise be judged
   * by whichever pair KMS picks; the GrantConstraints documentation recommends
   * `kms:EncryptionContextKeys` for a fully case-sensitive check. Calls through an exempt
   * service are let through, as in the context Deny: the service sets its own keys.
   */
  public requireEncryptionContextKeysIn(allowedKeys: string[], exemptions: ServiceExemption[] = []): void {
    const viaServices = exemptions.map(e => e.viaServiceIn(this.stack.region));
    this.denyToAll('DenyEncryptionContextKeysOutsideAllowList', CONTEXT_BOUND_ACTIONS, {
      'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': allowedKeys },
      ...(viaServices.length > 0 ? { StringNotEquals: { 'kms:ViaService': viaServices } } : {}),
    });
  }

  /**
   * Deny every `kms:ReEncrypt*`. AWS does not document whether `kms:EncryptionContext:*`
   * conditions on ReEncrypt judge the source or the destination context, so a key whose
   * isolation rests on those conditions cannot tell which ciphertext a ReEncrypt reads.
   */
  public denyReEncrypt(): void {
    this.denyToAll('DenyReEncrypt', ['kms:ReEncrypt*']);
  }

  /** Deny context-bound operations to any principal that lacks the tag `tagKey`. */
  public requirePrincipalTag(tagKey: string): void {
    // A Deny of its own: in one statement the conditions are ANDed, and a missing
    // tag makes a `${aws:PrincipalTag/...}` comparison quietly fail to apply.
    this.denyToAll('DenyPrincipalsWithoutTenantTag', CONTEXT_BOUND_ACTIONS, { Null: { [`aws:PrincipalTag/${tagKey}`]: 'true' } });
  }

  /**
   * Deny context-bound operations to every principal that is not one of the tenant's.
   * The principal list is read when the policy renders, so grants made after the
   * construct (the usual order) are included. With no principal yet, nobody may use the key.
   */
  public requireTenantPrincipal(principals: TenantPrincipals): void {
    const statement = new DeferredStatement({
      sid: statementId('DenyNonTenantPrincipals'),
      effect: iam.Effect.DENY,
      principals: [new iam.StarPrincipal()],
      actions: CONTEXT_BOUND_ACTIONS,
      resources: ['*'],
    }, s => {
      const arns = principals.arns();
      if (arns.length > 0) {
        s.addCondition('ArnNotEquals', { 'aws:PrincipalArn': arns });
      }
      if (principals.tag) {
        s.addCondition('StringNotEquals', { [`aws:PrincipalTag/${principals.tag.key}`]: principals.tag.value });
      }
    });
    this.deferred.push(statement);
    this.document.addStatements(statement);
    if (principals.tag && principals.tagPath !== undefined) {
      // A second Deny, because a Deny's conditions are ANDed: a principal that is not
      // granted by ARN must be tagged (above) AND a role under the path (here).
      const underPath = new DeferredStatement({
        sid: statementId('DenyTaggedPrincipalsOutsideTenantPath'),
        effect: iam.Effect.DENY,
        principals: [new iam.StarPrincipal()],
        actions: CONTEXT_BOUND_ACTIONS,
        resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': this.rolesUnder(principals.tagPath) } },
      }, s => {
        const arns = principals.arns();
        if (arns.length > 0) {
          s.addCondition('ArnNotEquals', { 'aws:PrincipalArn': arns });
        }
      });
      this.deferred.push(underPath);
      this.document.addStatements(underPath);
    }
  }

  /**
   * Deny context-bound operations to every principal that is not a role under the IAM
   * path `path` (`/.../`) of the key's account. A principal that can tag itself cannot
   * move itself under a path: only `iam:CreateRole` places a role there.
   */
  public requirePrincipalPath(path: string): void {
    this.denyToAll('DenyPrincipalsOutsideTenantPath', CONTEXT_BOUND_ACTIONS, { ArnNotLike: { 'aws:PrincipalArn': this.rolesUnder(path) } });
  }

  /** The `aws:PrincipalArn` pattern of the key account's roles under `path`. */
  private rolesUnder(path: string): string {
    return `arn:${this.stack.partition}:iam::${this.stack.account}:role${path}*`;
  }

  /**
   * Let principals of other accounts decrypt (and, when asked, re-encrypt from) this key
   * and describe it, nothing else (with `allowSnapshotAndAmiSharing`, also what shared
   * snapshots and AMIs need). Listed accounts are named by their root, so each
   * account's own IAM policies decide which of its principals may; an organization is
   * admitted through `aws:PrincipalOrgID` with a `*` principal, minus the key's own
   * account: a key-policy statement alone grants access inside the key's account, so
   * without that exclusion every local principal could decrypt with no IAM policy at all.
   *
   * `kms:DescribeKey` gets a statement of its own: it carries no encryption context, so a
   * required context would deny it.
   */
  public allowCrossAccountConsumers(consumers: CrossAccountConsumers, access: CrossAccountConsumerOptions): void {
    const context = Object.fromEntries(Object.entries(access.requiredEncryptionContext ?? {})
      .map(([k, v]) => [`kms:EncryptionContext:${k}`, v]));
    this.addConsumerStatements('Decrypt', consumers, access, consumerDecryptActions(access), { StringEquals: context });
    this.addConsumerStatements('DescribeKey', consumers, access, DESCRIBE_ACTIONS, {});
    if (access.allowSnapshotAndAmiSharing) {
      this.allowCrossAccountSnapshotSharing(consumers, access);
    }
  }

  /**
   * What consumers of shared EBS and RDS snapshots and AMIs need besides decrypt: the
   * service re-encrypts volumes under this key and creates grants for the AWS resources
   * it attaches them to. `kms:CreateGrant` only with `kms:GrantIsForAWSResource` = true,
   * which also keeps it clear of the CT.KMS.PR.3 Deny (a grant for an AWS resource never
   * matches that Deny's `BoolIfExists ... false`).
   */
  private allowCrossAccountSnapshotSharing(consumers: CrossAccountConsumers, access: CrossAccountConsumerOptions): void {
    this.addConsumerStatements('SnapshotSharing', consumers, access, SNAPSHOT_SHARING_ACTIONS, {});
    this.addConsumerStatements('GrantsForAwsResources', consumers, access, AWS_RESOURCE_GRANT_ACTIONS,
      { Bool: { 'kms:GrantIsForAWSResource': 'true' } });
  }

  /**
   * One statement for the listed accounts and one for the organization, each with
   * `conditions` and the `kms:ViaService` restriction of `access`. Sids read
   * `AllowConsumerAccounts<purpose>` and `AllowConsumerOrganization<purpose>`.
   */
  private addConsumerStatements(purpose: string, consumers: CrossAccountConsumers, access: CrossAccountConsumerOptions, actions: string[],
    conditions: Record<string, Record<string, unknown>>): void {
    const via = access.viaServices && access.viaServices.length > 0 ? { 'kms:ViaService': access.viaServices } : {};
    const withVia = { ...conditions, StringEquals: { ...conditions.StringEquals, ...via } };
    if (consumers.accountIds.length > 0) {
      this.document.addStatements(new iam.PolicyStatement({
        sid: statementId(`AllowConsumerAccounts${purpose}`),
        principals: consumers.accountIds.map(id => new iam.AccountPrincipal(id)),
        actions,
        resources: ['*'],
        conditions: nonEmpty(withVia),
      }));
    }
    if (consumers.organizationId !== undefined) {
      this.document.addStatements(new iam.PolicyStatement({
        sid: statementId(`AllowConsumerOrganization${purpose}`),
        principals: [new iam.StarPrincipal()],
        actions,
        resources: ['*'],
        conditions: nonEmpty({
          ...withVia,
          StringEquals: { 'aws:PrincipalOrgID': consumers.organizationId, ...withVia.StringEquals },
          StringNotEquals: { 'aws:PrincipalAccount': this.stack.account },
        }),
      }));
    }
  }

  /** A Deny of `actions` on this key to every principal (`Principal: "*"`), under `conditions`. */
  private denyToAll(sid: string, actions: string[], conditions?: Record<string, Record<string, unknown>>): void {
    this.document.addStatements(new iam.PolicyStatement({
      sid: statementId(sid), effect: iam.Effect.DENY, principals: [new iam.StarPrincipal()], actions, resources: ['*'], conditions,
    }));
  }

  /** True once the policy has rendered; later changes to deferred parts would be lost. */
  public get rendered(): boolean {
    return this.deferred.some(s => s.finalized);
  }

  /** The invariants, checked over the whole document at synth. */
  public validate(): string[] {
    // Synthesis has begun, so every grant is in: complete the deferred statements now,
    // so that the size check below sees the policy as it will deploy.
    this.deferred.forEach(s => s.freeze());
    // A nested stack's template is rendered before validation (to hash it): the checks of
    // that render stand, unless a statement was added since. Otherwise, render to check.
    const checked = (this.document as CheckedPolicyDocument).lastCheck;
    if (checked && checked.statementCount === this.document.statementCount) {
      return [...checked.errors];
    }
    return this.check(this.stack.resolve(this.document.toJSON()));
  }

  /** The invariants over `rendered`, the document's statements resolved in its stack. */
  private check(rendered: { Statement?: any[] } | undefined): string[] {
    const root = rootArnJson(this.stack);
    const errors: string[] = [];
    // Intrinsics stand in for ARNs of about the same length; KMS counts the deployed text.
    const size = JSON.stringify(rendered ?? {}).length;
    if (size > MAX_KEY_POLICY_BYTES) {
      errors.push(`key policy is about ${size} bytes, over KMS's limit of ${MAX_KEY_POLICY_BYTES}: `
        + 'spread tenants over more keys, or use SharedTenantKey, whose policy does not grow with tenants');
    }
    for (const s of rendered?.Statement ?? []) {
      if (s.Effect !== 'Allow') {
        continue;
      }
      const label = s.Sid ? `key policy statement ${s.Sid}` : 'a key policy statement without Sid';
      const actions: string[] = [].concat(s.Action ?? []).map((a: string) => a.toLowerCase());
      const isRoot = JSON.stringify(s.Principal?.AWS) === root;
      // NotAction in an Allow grants every other action, kms:* included.
      if ((s.NotAction !== undefined || actions.some(a => a === 'kms:*' || a === '*')) && !isRoot) {
        errors.push(`${label} allows kms:* (or NotAction) to ${JSON.stringify(s.Principal)}; only the account root may hold kms:*`);
      }
      if (isStarPrincipal(s.Principal) && !s.Condition) {
        errors.push(`${label} allows a * principal without a condition`);
      }
    }
    return errors;
  }
}

/** The account root's ARN as `stack` renders it, as JSON: the same for every key of the stack. */
const rootArns = new WeakMap<Stack, string>();
function rootArnJson(stack: Stack): string {
  let json = rootArns.get(stack);
  if (json === undefined) {
    json = JSON.stringify(stack.resolve(ACCOUNT_ROOT.arn));
    rootArns.set(stack, json);
  }
  return json;
}

/**
 * A key policy document that renders only what a synthesis pass uses.
 *
 * - Rendering for the template (not `preparing`), it checks its statements as resolved,
 *   before aws-cdk-lib's post-processing, which is what `stack.resolve(document.toJSON())`
 *   gives. A fleet's nested stack is rendered before validation (to hash its template), so
 *   validation reuses those checks instead of resolving every key policy once more.
 * - Preparing (aws-cdk-lib's reference-finding passes, twice per synthesis with nested
 *   stacks, whose output is discarded: only the tokens met count), it gives only the values
 *   that hold tokens, found once the statements are frozen, instead of the whole policy.
 *   `CDK_DEBUG` records where each token sits in a template, so it gets the whole policy.
 */
class CheckedPolicyDocument extends iam.PolicyDocument {
  /** The checks of the last render, and how many statements the document had then. */
  public lastCheck?: { readonly statementCount: number; readonly errors: string[] };
  /** The values holding tokens, and how many statements the document had when they were found. */
  private tokenValues?: { readonly statementCount: number; readonly values: Record<string, unknown[]> };

  constructor(private readonly stack: Stack, private readonly checkRendered: (rendered: any) => string[]) {
    super();
  }

  public resolve(context: IResolveContext): any {
    if (context.preparing) {
      return debugMode() ? super.resolve(context) : this.tokensOnly(context);
    }
    if (Stack.of(context.scope) !== this.stack) {
      return super.resolve(context);
    }
    let postProcessor: IPostProcessor | undefined;
    const rendered = super.resolve({ ...context, registerPostProcessor: p => { postProcessor = p; } });
    const statementCount = this.statementCount;
    context.registerPostProcessor({
      postProcess: (resolved, ctx) => {
        this.lastCheck = { statementCount, errors: this.checkRendered(resolved) };
        return postProcessor ? postProcessor.postProcess(resolved, ctx) : resolved;
      },
    });
    return rendered;
  }

  private tokensOnly(context: IResolveContext): Record<string, unknown[]> {
    const statementCount = this.statementCount;
    if (this.tokenValues?.statementCount !== statementCount) {
      // Freezes the statements (completing the deferred ones) as a render would.
      const rendered = super.resolve({ ...context, registerPostProcessor: () => undefined });
      const found: unknown[][] = [];
      collectTokens(rendered, found);
      this.tokenValues = { statementCount, values: Object.fromEntries(found.map((value, i) => [`${i}`, value])) };
    }
    return this.tokenValues.values;
  }
}

/**
 * Adds to `into` every value of `json` that holds a token (and every key that is one), each
 * in a list of its own: resolving them meets the same tokens as resolving `json`. A list
 * token must stay in a one-element list, and a scalar may sit in one. Values go in an
 * object, not a list: a list holding a list token must hold nothing else.
 */
function collectTokens(json: unknown, into: unknown[][]): void {
  if (typeof json === 'string' || typeof json === 'number') {
    if (Token.isUnresolved(json)) {
      into.push([json]);
    }
  } else if (typeof json === 'object' && json !== null) {
    // A list token is a one-element list of a `#{Token[...]}` string, which no string test finds.
    if (Tokenization.isResolvable(json) || (Array.isArray(json) && Token.isUnresolved(json))) {
      into.push([json]);
    } else if (Array.isArray(json)) {
      json.forEach(x => collectTokens(x, into));
    } else {
      for (const key of Object.keys(json)) {
        if (Token.isUnresolved(key)) {
          into.push([key]);
        }
        collectTokens((json as Record<string, unknown>)[key], into);
      }
    }
  }
}

/** aws-cdk-lib's debug mode (`CDK_DEBUG`), as it reads the variable. */
function debugMode(): boolean {
  return ['1', 'on', 'true'].includes((process.env.CDK_DEBUG ?? '').toLowerCase());
}

/**
 * The ARNs a principal is known by in `aws:PrincipalArn`. Only IAM roles and users
 * qualify: a group is never a caller, `*` would exempt everyone, an account root ARN
 * matches only the root user (not the account's roles, as a caller might expect), and
 * services or federated principals have no such ARN.
 */
export function principalArnsOf(scope: IConstruct, prop: string, principal: iam.IPrincipal): string[] {
  const fragment = principal.policyFragment.principalJson;
  const arns = fragment.AWS ?? [];
  const notIamIdentity = arns.length === 0
    || Object.keys(fragment).some(k => k !== 'AWS')
    || principal instanceof iam.AccountPrincipal
    || 'groupArn' in principal
    // Resolved, because an account root ARN is itself a token (Fn::Join); role and
    // user names cannot contain ':', so ':root' and ':group/' only match those.
    || arns.some(a => a === '*' || /:root\b|:group\//.test(JSON.stringify(Stack.of(scope).resolve(a))));
  if (notIamIdentity) {
    invalidProp(scope, prop, JSON.stringify(Stack.of(scope).resolve(fragment)),
      'must be an IAM role or user (the key policy admits callers by their aws:PrincipalArn; groups, accounts, `*`, services and federated principals have none that fits)');
  }
  return arns;
}

function isStarPrincipal(principal: unknown): boolean {
  if (principal === '*') {
    return true;
  }
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

/** The condition blocks that have at least one key; undefined when none has. */
function nonEmpty(conditions: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> | undefined {
  const kept = Object.entries(conditions).filter(([, block]) => Object.keys(block ?? {}).length > 0);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** `cloud-trail` → `CloudTrail`, `eu-west-1` → `EuWest1`: distinct inputs stay distinct. */
function sidSafe(s: string): string {
  return s.split(/[^A-Za-z0-9]+/).map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/**
 * A statement that completes itself just before the policy document freezes it
 * (`PolicyDocument.resolve` freezes every statement first), so it can reflect
 * everything added to the construct tree after the key was created.
 */
class DeferredStatement extends iam.PolicyStatement {
  public finalized = false;

  constructor(props: iam.PolicyStatementProps, private readonly complete: (s: iam.PolicyStatement) => void) {
    super(props);
  }

  public freeze(): iam.PolicyStatement {
    if (!this.finalized) {
      this.finalized = true;
      this.complete(this);
    }
    return super.freeze();
  }
}
