import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { expandCryptoActions } from './actions';
import { describePrincipal, grantTargetOf } from './guarded-key';
import { principalArnsOf } from './key-policy';
import { serviceContext } from '../service-context';
import { PATTERNS, REGION_PATTERN, invalidProp, validateNoReservedPrefix, validatePattern, validateUnique } from './validate';
import { ServiceExemption } from '../service-exemption';

/** Validation of the tenancy props TenantKey and SharedTenantKey share. */

export const DEFAULT_CONTEXT_KEY = 'tenantId';

/** An encryption-context key or principal-tag key: not reserved by AWS, allowed characters. */
export function validateConditionKeySuffix(scope: IConstruct, prop: string, value: string | undefined): void {
  validatePattern(scope, prop, value, PATTERNS.conditionKeySuffix, '1-128 characters of letters, digits and _ . : / = + @ -');
  validateNoReservedPrefix(scope, prop, value, ['aws:']);
}

/**
 * The encryption-context key the AWS Encryption SDK adds under its default (signing)
 * algorithm suites, and sends to KMS with the caller's own pairs.
 */
export const ENCRYPTION_SDK_PUBLIC_KEY = 'aws-crypto-public-key';

/**
 * An allow-list of encryption-context keys: each a valid key, none twice, no two that
 * differ only in case (KMS would treat them as one in `kms:EncryptionContext:<key>`,
 * the attack the list exists to stop), and `contextKey` among them.
 */
export function validateAllowedContextKeys(scope: IConstruct, prop: string, keys: string[], contextKey: string): void {
  if (Token.isUnresolved(keys)) {
    return;
  }
  keys.forEach((k, i) => validatePattern(scope, `${prop}[${i}]`, k, PATTERNS.conditionKeySuffix, '1-128 characters of letters, digits and _ . : / = + @ -'));
  validateUnique(scope, prop, keys);
  const concrete = keys.filter(k => !Token.isUnresolved(k));
  for (const [i, k] of concrete.entries()) {
    const twin = concrete.slice(i + 1).find(o => o !== k && o.toLowerCase() === k.toLowerCase());
    if (twin) {
      invalidProp(scope, prop, keys, `must not hold keys that differ only in case ("${k}" and "${twin}"): KMS matches `
        + '`kms:EncryptionContext:<key>` case-insensitively, so a second spelling of the tenant key reopens the forgery this list stops');
    }
  }
  if (!Token.isUnresolved(contextKey) && concrete.length === keys.length && !keys.includes(contextKey)) {
    invalidProp(scope, prop, keys, `must include the tenant's encryption-context key "${contextKey}", or every call would be denied`);
  }
}

/**
 * An IAM path that tenant roles must sit under: `/` ... `/`, printable ASCII, at most 512
 * characters (IAM's rule), without the wildcards `*` and `?` (the key policy matches it
 * with `ArnLike`, where they would widen it), and not `/` alone, which every role has.
 */
export function validateTenantPrincipalPath(scope: IConstruct, prop: string, path: string | undefined): void {
  if (path === undefined || Token.isUnresolved(path)) {
    return;
  }
  if (path === '/') {
    invalidProp(scope, prop, path, 'must name a path below "/": every role sits under "/", so it would admit any tagged principal');
  }
  validatePattern(scope, prop, path, /^\/[\x21-\x29\x2B-\x3E\x40-\x7E]*\/$/,
    'an IAM path that starts and ends with "/" (printable ASCII, no "*" or "?"), such as "/tenants/"');
  if (path.length > 512) {
    invalidProp(scope, prop, path, `must be at most 512 characters (IAM's limit; it has ${path.length})`);
  }
}

/** Each exemption names a plausible endpoint and context key, with no service twice. */
export function validateServiceExemptions(scope: IConstruct, exemptions: ServiceExemption[]): void {
  exemptions.forEach((e, i) => {
    const prop = `serviceExemptions[${i}]`;
    validatePattern(scope, `${prop}.servicePrefix`, e.servicePrefix, /^[a-z0-9-]{2,63}$/, 'an endpoint prefix of lowercase letters, digits and "-" (e.g. "s3")');
    if (e.contextKey !== undefined) {
      validatePattern(scope, `${prop}.contextKey`, e.contextKey, PATTERNS.conditionKeySuffix, '1-128 characters of letters, digits and _ . : / = + @ -');
    }
    validatePattern(scope, `${prop}.region`, e.region, REGION_PATTERN, 'a Region name such as "eu-west-1"');
    const binding = e._tenantBinding;
    if (binding?.service === 'secretsmanager') {
      validatePattern(scope, `${prop}.secretNamePrefix`, binding.prefix, /^[A-Za-z0-9/_+=.@-]*$/,
        'letters, digits and / _ + = . @ - (the characters of a secret name; no wildcard)');
    } else if (binding?.service === 's3') {
      validatePattern(scope, `${prop}.bucketName`, binding.bucketName, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'a bucket name: 3-63 lowercase letters, digits, "." or "-"');
      validatePattern(scope, `${prop}.keyPrefix`, binding.prefix, /^[^*?$]*$/, 'an object key prefix without "*", "?" or "$" (they would widen the match)');
    }
  });
  const region = Stack.of(scope).region;
  const keyRegion = Token.isUnresolved(region) ? '<key Region>' : region;
  validateUnique(scope, 'serviceExemptions', exemptions.map(e => `${e.servicePrefix}.${e.region ?? keyRegion}`));
}


/** What an IAM grant on a tenant key is bound to. */
export interface TenantGrantScope {
  readonly keyArn: string;
  readonly contextKey: string;
  /** A literal tenant ID, or a policy variable such as `${aws:PrincipalTag/tenantId}`. */
  readonly contextValue: string;
  readonly exemptions: ServiceExemption[];
}

/**
 * An IAM grant that mirrors the key policy: the tenant's encryption context, or,
 * through an exempted service, that service's own context key.
 */
export function grantUnderTenantContext(scope: IConstruct, grantee: iam.IGrantable, actions: string[], on: TenantGrantScope): iam.Grant {
  const grant = iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [on.keyArn],
    conditions: { StringEquals: { [`kms:EncryptionContext:${on.contextKey}`]: on.contextValue } },
  });
  return on.exemptions.reduce((combined, exemption) =>
    combined.combine(grantThroughService(scope, grantee, actions, on.keyArn, exemption, on.contextValue)), grant);
}

/**
 * A grant bound to one exempted service: its `kms:ViaService` and, when it has one, its own
 * context key (for a tenant-bound exemption, the pattern that names `tenant`).
 */
export function grantThroughService(scope: IConstruct, grantee: iam.IGrantable, actions: string[], keyArn: string,
  exemption: ServiceExemption, tenant: string): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [keyArn],
    conditions: exemptionConditions(Stack.of(scope), exemption, tenant),
  });
}

/** How a tenant key construct grants, for `routeTenantKeyGrant`. */
export interface TenantGrantRoutes {
  /** The real key: the key's own account through an exempted service is granted on it as aws-cdk-lib would. */
  readonly inner: kms.IKey;
  readonly keyArn: string;
  readonly exemptions: ServiceExemption[];
  /** The tenant as the key policy names it: a literal tenant ID, or a policy variable. */
  readonly contextValue: string;
  /** The construct's own grant, for a role or user calling the key directly. */
  readonly direct: (grantee: iam.IGrantable, actions: string[]) => iam.Grant;
  /** Makes `principal` one of the tenant's (or checks it can be) before a grant through a service. */
  readonly admit: (principal: iam.IPrincipal) => void;
}

/**
 * A grant made on a tenant key's exposed `key`, by the user or by aws-cdk-lib (a bucket's,
 * queue's or secret's `grant*`): routed through the construct's rules, or refused at synth
 * with what to do instead.
 */
export function routeTenantKeyGrant(scope: IConstruct, grantee: iam.IGrantable, actions: string[], routes: TenantGrantRoutes): iam.Grant {
  const target = grantTargetOf(scope, grantee,
    'a tenant key admits principals of its own account only; share data across accounts with CrossAccountDecryptKey');
  const region = Stack.of(scope).region;
  const exemption = target.viaService === undefined ? undefined : routes.exemptions.find(e => e.viaServiceIn(region) === target.viaService);
  if (target.viaService !== undefined && !exemption) {
    invalidProp(scope, 'serviceExemptions', routes.exemptions.map(e => e.viaServiceIn(region)),
      `must exempt ${target.viaService} before \`key\` is granted through it (as a Secrets Manager secret encrypted with the key does): `
      + `the service calls KMS with its own encryption context, which KmsPatternsDenyOutsideTenantEncryptionContext refuses; add ${exemptionHint(target.viaService, region)}`);
  }
  if (exemption && target.isOwnAccount) {
    // What `secretsmanager.Secret` grants itself: the account through the service. An Allow
    // narrower than the account-root delegation; the tenant Denies still apply to every caller.
    return routes.inner.grant(grantee, ...actions);
  }
  if (target.principal.policyFragment.principalJson.Service !== undefined) {
    invalidProp(scope, 'key', describePrincipal(scope, target.principal),
      'cannot be granted to a service principal: the tenant Denies admit only the tenant\'s IAM roles and users. '
      + 'Grant the role the service acts for (e.g. a Lambda function\'s role), and exempt the service with `serviceExemptions` if it sets its own encryption context');
  }
  principalArnsOf(scope, 'key', target.principal);
  const { crypto, other } = expandCryptoActions(actions);
  if (other.length > 0) {
    invalidProp(scope, 'key', other.join(', '),
      'grants only cryptographic use to a tenant\'s principals; give administrators through `admins`, and grants (kms:CreateGrant) are for AWS services only');
  }
  if (exemption) {
    routes.admit(target.principal);
    return grantThroughService(scope, target.principal, crypto, routes.keyArn, exemption, routes.contextValue);
  }
  return routes.direct(grantee, crypto);
}

/** The `ServiceExemption` call that exempts a `kms:ViaService` endpoint. */
function exemptionHint(viaService: string, keyRegion: string): string {
  const [prefix, region] = viaService.split('.');
  const regionArg = region === keyRegion || Token.isUnresolved(keyRegion) ? '' : `'${region}'`;
  const named = serviceContext(prefix)?.exemption;
  return named ? `ServiceExemption.${named}(${regionArg})` : `ServiceExemption.of('${prefix}', <its context key>${regionArg ? `, ${regionArg}` : ''})`;
}

/**
 * Buckets and queues in the key's stack encrypted with the key, whose service has no
 * exemption: every request through them would be denied (S3 and SQS set their own
 * encryption context, never the tenant's). One error per resource, naming it.
 */
export function unexemptedEncryptedResources(scope: IConstruct, key: kms.IKey, exemptions: ServiceExemption[]): string[] {
  const stack = Stack.of(scope);
  const encryptedHere = encryptedResourcesOf(stack);
  if (encryptedHere.length === 0) {
    return [];
  }
  const refs = [key.keyArn, key.keyId].map(r => JSON.stringify(stack.resolve(r)));
  const exempt = new Set(exemptions.map(e => e.viaServiceIn(stack.region)));
  const errors: string[] = [];
  for (const { path, via, encryption } of encryptedHere) {
    if (refs.some(r => encryption.includes(r)) && !exempt.has(via)) {
      errors.push(`${path} is encrypted with this key, but \`serviceExemptions\` does not exempt ${via}: `
        + `every request through it would be denied (the service sets its own encryption context); add ${exemptionHint(via, stack.region)}`);
    }
  }
  return errors;
}

/** A bucket or queue of a stack, with its encryption setting as the template holds it. */
interface EncryptedResource {
  readonly path: string;
  /** The `kms:ViaService` of its service in the stack's Region. */
  readonly via: string;
  /** Its resolved encryption property, as JSON. */
  readonly encryption: string;
}

/** Per stack, its buckets and queues: listed once per validation pass, not once per key (a fleet stack holds 145 keys). */
const encryptedResources = new WeakMap<IConstruct, EncryptedResource[]>();
const listedStacks = new WeakSet<IConstruct>();

function encryptedResourcesOf(stack: Stack): EncryptedResource[] {
  if (!listedStacks.has(stack)) {
    listedStacks.add(stack);
    // Validation visits a stack before the constructs under it: the list is made afresh
    // in each pass, so a later synthesis sees the buckets and queues added since.
    stack.node.addValidation({ validate: () => { encryptedResources.delete(stack); return []; } });
  }
  let found = encryptedResources.get(stack);
  if (!found) {
    found = [];
    for (const c of stack.node.findAll()) {
      const encrypted = c instanceof s3.CfnBucket ? { prefix: 's3', with: c.bucketEncryption }
        : c instanceof sqs.CfnQueue ? { prefix: 'sqs', with: c.kmsMasterKeyId }
          : undefined;
      // Resources of a nested stack count too: the key's Denies refuse their service's calls alike.
      if (!encrypted) {
        continue;
      }
      found.push({
        path: c.node.path,
        via: `${encrypted.prefix}.${stack.region}.amazonaws.com`,
        encryption: JSON.stringify(stack.resolve(encrypted.with) ?? null),
      });
    }
    encryptedResources.set(stack, found);
  }
  return found;
}

/**
 * What a grant through an exempt service requires: the endpoint, and the service's own
 * context key, bound to the tenant for the `...ForTenant` forms.
 */
function exemptionConditions(stack: Stack, exemption: ServiceExemption, tenant: string): Record<string, Record<string, string>> {
  const via = { 'kms:ViaService': exemption.viaServiceIn(stack.region) };
  const pattern = exemption._tenantContextPattern(stack, tenant);
  if (exemption.contextKey && pattern !== undefined) {
    return { StringEquals: via, StringLike: { [`kms:EncryptionContext:${exemption.contextKey}`]: pattern } };
  }
  return {
    StringEquals: via,
    ...(exemption.contextKey ? { Null: { [`kms:EncryptionContext:${exemption.contextKey}`]: 'false' } } : {}),
  };
}
