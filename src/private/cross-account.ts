import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AWS_RESOURCE_GRANT_ACTIONS, CONSUMER_DECRYPT_ACTIONS, DESCRIBE_ACTIONS, SNAPSHOT_SHARING_ACTIONS, unionOf } from './actions';
import { serviceContext } from '../service-context';
import { PATTERNS, invalidProp, validatePattern, validateUnique } from './validate';
import { CrossAccountConsumerOptions } from '../key-options';

// Validation and the consumer-side IAM statement of CrossAccountDecryptKey. Both halves of
// the access (the key policy, the consumer's IAM) are built from the user's
// `CrossAccountConsumerOptions` as given: an option left out is off (each is read for
// truthiness), so no default is written out anywhere.

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
/** A `kms:ViaService` value: `<endpoint prefix>.<region>.amazonaws.com` (`.com.cn` in China). */
export const VIA_SERVICE_PATTERN = /^[a-z0-9-]{2,63}\.[a-z]{2}(-[a-z]+)+-\d{1,2}\.amazonaws\.com(\.cn)?$/;
/** A KMS key ARN. An alias ARN in an IAM policy's Resource does not authorize use of the key. */
export const KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Endpoint prefixes of the services the snapshot and AMI preset serves. */
const SNAPSHOT_SERVICES = ['ec2', 'rds'];

/**
 * Checks the access options shared by the construct's props and `grantConsumer`.
 * `scope` names where the options were given in error messages.
 */
export function validateConsumerAccess(scope: IConstruct, access: CrossAccountConsumerOptions): void {
  const viaServices = access.viaServices;
  if (viaServices !== undefined && !Token.isUnresolved(viaServices)) {
    if (viaServices.length === 0) {
      invalidProp(scope, 'viaServices', viaServices, 'must name at least one service endpoint, or be left out to allow direct calls');
    }
    viaServices.forEach((v, i) => validatePattern(scope, `viaServices[${i}]`, v, VIA_SERVICE_PATTERN,
      'a KMS ViaService endpoint "<service>.<region>.amazonaws.com" such as "s3.eu-west-1.amazonaws.com"'));
    validateUnique(scope, 'viaServices', viaServices);
  }

  const context = access.requiredEncryptionContext;
  if (context !== undefined && !Token.isUnresolved(context)) {
    const entries = Object.entries(context);
    if (entries.length === 0) {
      invalidProp(scope, 'requiredEncryptionContext', context, 'must have at least one key, or be left out');
    }
    for (const [k, v] of entries) {
      validatePattern(scope, 'requiredEncryptionContext', k, PATTERNS.conditionKeySuffix,
        `keyed by 1-128 letters, digits and _ . : / = + @ - (key "${k}" is not)`);
      if (!Token.isUnresolved(v) && v.length === 0) {
        invalidProp(scope, `requiredEncryptionContext.${k}`, v, 'must be a non-empty value');
      }
    }
    for (const via of concrete(viaServices ?? [])) {
      const prefix = via.split('.')[0];
      const own = serviceContext(prefix)?.keys;
      const foreign = own && entries.map(([k]) => k).find(k => !Token.isUnresolved(k) && !own.includes(k));
      if (foreign) {
        invalidProp(scope, 'requiredEncryptionContext', context,
          `cannot require the key "${foreign}" together with \`viaServices\` "${via}": ${prefix} sets its own encryption context `
          + `(${own.join(', ')}) and no caller can add to it, so every call through it would be denied; require only `
          + `${own.join(' or ')}, or drop one of the two props`);
      }
    }
  }

  if (access.allowReEncryptFrom && context !== undefined) {
    invalidProp(scope, 'allowReEncryptFrom', true,
      'cannot be combined with `requiredEncryptionContext`: AWS does not document whether the `kms:EncryptionContext` conditions '
      + 'on ReEncrypt judge the source or the destination context, so the required context might bind only the consumer\'s own '
      + 'destination, and every ciphertext under the key could be re-encrypted to a key the consumer holds');
  }

  if (access.allowSnapshotAndAmiSharing) {
    if (context !== undefined) {
      invalidProp(scope, 'requiredEncryptionContext', context,
        'cannot be combined with `allowSnapshotAndAmiSharing`: EC2 and RDS set their own encryption context per volume or instance, so every snapshot operation would be denied');
    }
    const vias = concrete(viaServices ?? []);
    if (vias.length > 0 && vias.length === (viaServices ?? []).length && !vias.some(v => SNAPSHOT_SERVICES.includes(v.split('.')[0]))) {
      invalidProp(scope, 'viaServices', viaServices,
        'must include an "ec2.<region>.amazonaws.com" or "rds.<region>.amazonaws.com" endpoint when `allowSnapshotAndAmiSharing` is on, or snapshots and AMIs could not be used');
    }
  }
}

/** A key ARN (not an alias ARN); tokens pass. */
export function validateKeyArn(scope: IConstruct, prop: string, keyArn: string): void {
  validatePattern(scope, prop, keyArn, KEY_ARN_PATTERN,
    'a KMS key ARN "arn:<partition>:kms:<region>:<account>:key/<key-id>" (an alias ARN does not authorize use of the key in an IAM policy)');
}

/** The decrypt actions a consumer gets: `kms:Decrypt`, and `kms:ReEncryptFrom` when allowed. */
export function consumerDecryptActions(access: CrossAccountConsumerOptions): string[] {
  return access.allowReEncryptFrom ? CONSUMER_DECRYPT_ACTIONS : CONSUMER_DECRYPT_ACTIONS.filter(a => a !== 'kms:ReEncryptFrom');
}

/** The actions a consumer gets, in the key policy and in its own IAM policy alike. */
export function consumerActions(access: CrossAccountConsumerOptions): string[] {
  return unionOf(
    consumerDecryptActions(access),
    DESCRIBE_ACTIONS,
    access.allowSnapshotAndAmiSharing ? [...SNAPSHOT_SHARING_ACTIONS, ...AWS_RESOURCE_GRANT_ACTIONS] : [],
  );
}

/**
 * The conditions of the consumer's one IAM statement: the same restrictions the key
 * policy puts on consumers. Context and grant conditions use `...IfExists` because the
 * one statement also covers `kms:DescribeKey` (and `kms:CreateGrant`), which carry no
 * encryption context (and only CreateGrant has `kms:GrantIsForAWSResource`); the key
 * policy requires them without `IfExists` on the actions they apply to, and the key
 * policy is what the consumer account cannot change.
 */
export function consumerConditions(access: CrossAccountConsumerOptions): Record<string, Record<string, unknown>> | undefined {
  const conditions: Record<string, Record<string, unknown>> = {};
  if (access.viaServices && access.viaServices.length > 0) {
    conditions.StringEquals = { 'kms:ViaService': access.viaServices };
  }
  const context = Object.entries(access.requiredEncryptionContext ?? {});
  if (context.length > 0) {
    conditions.StringEqualsIfExists = Object.fromEntries(context.map(([k, v]) => [`kms:EncryptionContext:${k}`, v]));
  }
  if (access.allowSnapshotAndAmiSharing) {
    conditions.BoolIfExists = { 'kms:GrantIsForAWSResource': 'true' };
  }
  return Object.keys(conditions).length > 0 ? conditions : undefined;
}

function concrete(values: string[]): string[] {
  return values.filter(v => !Token.isUnresolved(v));
}
