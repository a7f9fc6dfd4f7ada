import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
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
  return on.exemptions.reduce((combined, exemption) => combined.combine(iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [on.keyArn],
    conditions: exemptionConditions(Stack.of(scope), exemption, on.contextValue),
  })), grant);
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
