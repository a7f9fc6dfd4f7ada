import { Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { claimInApp } from './app-registry';
import { KEY_ROTATION_DAYS, MAX_ALIAS_LENGTH, PENDING_WINDOW_DAYS } from './bounds';
import { recordFootprint } from './footprint';
import { resolveKeyManagers } from './key-managers';
import { KeyPolicyBuilder } from './key-policy';
import { ReplicaKey } from './replica-key';
import { invalidProp, validateKeyRotationPeriod, validatePendingWindow } from './validate';
import { SafeKeyOptions } from '../key-options';

/** What a construct asks of the key factory besides the shared options. */
export interface SecureKeyProps extends SafeKeyOptions {
  /** Full alias name, `alias/` included. */
  readonly aliasName: string;
  /** The user's prop the alias derives from, and its value, for error messages. */
  readonly aliasSource: { readonly prop: string; readonly value: string };
  /** Used when the user gave no description. */
  readonly defaultDescription: string;
  /** Tags applied to the key. */
  readonly tags?: Record<string, string>;
  /** Create a multi-Region primary key. */
  readonly multiRegion?: boolean;
}

/** A key made by the factory, with the builder its construct refines. */
export interface SecureKey {
  readonly key: kms.Key;
  readonly alias: kms.Alias;
  readonly policy: KeyPolicyBuilder;
}

/**
 * The one place a KMS key is created. It validates and applies the safe defaults
 * (rotation on, 30-day pending window, RETAIN, the safe policy, the CreateGrant
 * guard rail, key management denied to all but the key's managers, alias, tags), so a
 * fix to them is one edit here.
 */
export function createSecureKey(scope: Construct, props: SecureKeyProps): SecureKey {
  validateKeyRotationPeriod(scope, 'rotationPeriod', props.rotationPeriod);
  validatePendingWindow(scope, 'pendingWindow', props.pendingWindow);
  validateAliasName(scope, props.aliasSource.prop, props.aliasSource.value, props.aliasName);
  recordFootprint(scope);

  const managers = resolveKeyManagers(scope, props);
  const policy = new KeyPolicyBuilder(scope, {
    admins: managers.admins,
    restrictGrantsToAwsServices: props.restrictGrantsToAwsServices ?? true,
    keyManagers: managers.managerArns,
  });
  const key = new kms.Key(scope, 'Key', {
    description: props.description ?? props.defaultDescription,
    enableKeyRotation: true,
    rotationPeriod: props.rotationPeriod ?? Duration.days(KEY_ROTATION_DAYS.default),
    pendingWindow: props.pendingWindow ?? Duration.days(PENDING_WINDOW_DAYS.default),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    multiRegion: props.multiRegion,
    policy: policy.document,
  });
  key.node.addValidation({ validate: () => policy.validate() });
  const alias = new kms.Alias(scope, 'Alias', { aliasName: props.aliasName, targetKey: key });
  for (const [k, v] of Object.entries(props.tags ?? {})) {
    Tags.of(key).add(k, v);
  }
  return { key, alias, policy };
}

/**
 * What a construct asks of the factory for a replica of a multi-Region key. The same
 * shared options as a primary, except `rotationPeriod`: rotation is a shared property of
 * related multi-Region keys, set on the primary only, and KMS rotates every replica with it
 * (`AWS::KMS::ReplicaKey` has no rotation property). It is ignored here.
 */
export interface SecureReplicaKeyProps extends SafeKeyOptions {
  /**
   * The primary key, as the factory made it. The replica takes the stack-wide key-management
   * defaults of the primary's stack (its own stack is made by the library), and its deploying
   * role becomes one of the primary's managers: `kms:ReplicateKey` is authorized by the
   * primary key's policy.
   */
  readonly primary: SecureKey;
  /** Full alias name, `alias/` included: the primary's, so that each Region has the same alias. */
  readonly aliasName: string;
  /** The user's prop the alias derives from, and its value, for error messages. */
  readonly aliasSource: { readonly prop: string; readonly value: string };
  /** Used when the user gave no description. */
  readonly defaultDescription: string;
  /** Tags applied to the replica. */
  readonly tags?: Record<string, string>;
}

/** A replica made by the factory, with the builder that made its policy. */
export interface SecureReplicaKey {
  readonly key: ReplicaKey;
  readonly alias: kms.Alias;
  readonly policy: KeyPolicyBuilder;
}

/**
 * The one place a replica key is created, with the same defaults as `createSecureKey`:
 * the 30-day pending window (the options are the primary's, validated by `createSecureKey`), RETAIN, the builder's policy with the CreateGrant
 * guard rail (a builder scoped to the replica's stack, so the account root and partition
 * resolve there), the alias and tags. `scope` must be in a stack of the replica's Region.
 */
export function createSecureReplicaKey(scope: Construct, props: SecureReplicaKeyProps): SecureReplicaKey {
  // `pendingWindow` and the alias are the primary's, validated by `createSecureKey` where the
  // user gave them; only the alias's uniqueness is per account and Region.
  claimAlias(scope, props.aliasSource.prop, props.aliasSource.value, props.aliasName);
  recordFootprint(scope);

  const managers = resolveKeyManagers(scope, props, props.primary.key);
  const policy = new KeyPolicyBuilder(scope, {
    admins: managers.admins,
    restrictGrantsToAwsServices: props.restrictGrantsToAwsServices ?? true,
    keyManagers: managers.managerArns,
  });
  if (managers.deployingRoleArns) {
    props.primary.policy.addKeyManagers(managers.deployingRoleArns);
  }
  const key = new ReplicaKey(scope, 'Key', {
    primaryKeyArn: props.primary.key.keyArn,
    policy: policy.document,
    description: props.description ?? props.defaultDescription,
    pendingWindow: props.pendingWindow ?? Duration.days(PENDING_WINDOW_DAYS.default),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  });
  key.node.addValidation({ validate: () => policy.validate() });
  const alias = new kms.Alias(scope, 'Alias', { aliasName: props.aliasName, targetKey: key });
  for (const [k, v] of Object.entries(props.tags ?? {})) {
    Tags.of(key).add(k, v);
  }
  return { key, alias, policy };
}

/**
 * The alias a prop makes: `alias/` and then letters, digits, `/`, `_` or `-`, outside
 * the reserved `alias/aws/` space, within KMS's length. Errors name the user's prop.
 */
export function validateAliasName(scope: Construct, prop: string, value: string, aliasName: string): void {
  if (Token.isUnresolved(aliasName)) {
    return;
  }
  if (!/^alias\/[A-Za-z0-9/_-]+$/.test(aliasName)) {
    invalidProp(scope, prop, value, `must make an alias name of letters, digits, "/", "_" or "-" after "alias/" (it makes "${aliasName}")`);
  }
  if (aliasName.toLowerCase().startsWith('alias/aws/')) {
    invalidProp(scope, prop, value, 'must not make an alias under "alias/aws/", which is reserved for AWS managed keys');
  }
  if (aliasName.length > MAX_ALIAS_LENGTH) {
    invalidProp(scope, prop, value, `must make an alias of at most ${MAX_ALIAS_LENGTH} characters including "alias/" ("${aliasName}" has ${aliasName.length})`);
  }
  claimAlias(scope, prop, value, aliasName);
}

/**
 * Refuses an alias another key of the app already has in the same account and Region: KMS
 * alias names are unique there ("CreateAlias", AWS KMS API Reference), so the second stack's deployment would fail. Keys in other
 * Regions or accounts may share it (a multi-Region key's replicas do). Env-agnostic stacks
 * count as one account and Region, the one they all deploy to.
 */
export function claimAlias(scope: Construct, prop: string, value: string, aliasName: string): void {
  if (Token.isUnresolved(aliasName)) {
    return;
  }
  const stack = Stack.of(scope);
  const where = `${stack.account}/${stack.region}`;
  const holder = claimInApp(scope, 'kms-alias', `${where}/${aliasName}`);
  if (holder !== undefined) {
    const env = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) ? 'in the same (env-agnostic) account and Region'
      : `in account ${stack.account}, Region ${stack.region}`;
    invalidProp(scope, prop, value, `must make an alias no other key of the app has ${env}: "${aliasName}" is already the alias of ${holder}, `
      + 'and KMS alias names are unique per account and Region');
  }
}
