import { createHash } from 'crypto';
import { Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { KeyConstructBase } from './key-construct-base';
import { AssuranceOptions, SafeKeyOptions } from './key-options';
import { EncryptionMonitor } from './monitoring/encryption-monitor';
import { DECRYPT_ACTIONS, ENCRYPT_ACTIONS, unionOf } from './private/actions';
import { createSecureKey, createSecureReplicaKey } from './private/secure-key';
import { addStackDependency } from './private/stack-dependency';
import {
  REGION_PATTERN, invalidProp, validateNotEmpty, validatePattern, validateResolved, validateUnique,
} from './private/validate';

/** Properties for a `MultiRegionKeySet`. */
export interface MultiRegionKeySetProps extends SafeKeyOptions, AssuranceOptions {
  /**
   * The Regions to replicate the key to, such as `['eu-west-1', 'eu-central-1']`: at least
   * one, each named literally (a Region decides which stack a replica goes to, so it must
   * be known at synthesis), none twice, none the primary stack's Region, all in the
   * primary's partition. The set creates one stack per Region, next to the primary stack
   * (see `replicaStack`).
   */
  readonly replicaRegions: string[];

  /**
   * The alias of the key in every Region, with or without the `alias/` prefix; a token must
   * include `alias/`.
   * @default - `alias/multi-region/<a name unique to this construct's path>`
   */
  readonly alias?: string;
}

/**
 * A multi-Region KMS key: a primary key in the scope's stack and a replica in each of
 * `replicaRegions`, in stacks of their own that the set creates next to the primary stack.
 * Related multi-Region keys share their key ID and key material, so data encrypted in one
 * Region can be decrypted in every other without re-encryption, for disaster recovery or
 * for reading close to the data.
 *
 * Every key gets the library's safe policy (account-root delegation, administrators who
 * cannot use the key, the CreateGrant guard rail, key management denied to all but its
 * managers: the primary's include every replica Region's deploying role, which replicates
 * it), the same alias, the pending window and the removal policy. Rotation is shared: KMS rotates the replicas with the primary.
 *
 * The primary stack must name its account and Region (`env`). Each replica stack is named
 * `<primary stack name>-<construct path in the primary stack>-<region>` and depends on the
 * primary stack, so `cdk deploy --all` deploys the primary first; it reads the primary key
 * ARN at deployment with `Fn::GetStackOutput` (see docs/decisions/0002-multi-region-key-set.md).
 *
 * It has the shape of the other key constructs (`KeyConstructBase`), for the primary key:
 * `key` (the same as `primaryKey`), `alias`, `keyArn`, `keyId` (shared by every Region),
 * `aliasName` (the same in every Region), `rotationVerification` (which covers the
 * replicas: KMS rotates them with the primary), and `monitor` and the `metric*` methods of
 * the primary stack's monitor. A replica is not covered by them: use
 * `replicaKey(region)` for its key (its ARN names its own Region) and `monitorIn(region)`
 * for the monitor of its stack, and grant with the set's own `grant*` methods, which cover
 * every Region.
 *
 * @example
 * const app = new App();
 * const primary = new Stack(app, 'Keys', { env: { account: '111111111111', region: 'us-east-1' } });
 * const keys = new MultiRegionKeySet(primary, 'DataKey', { replicaRegions: ['eu-west-1'], alias: 'data' });
 * keys.grantDecrypt(readerRole); // decrypt in us-east-1 and eu-west-1
 * // In eu-west-1, use keys.replicaKey('eu-west-1') in keys.replicaStack('eu-west-1').
 */
export class MultiRegionKeySet extends KeyConstructBase {
  /** The multi-Region primary key, in the scope's stack: the same as `key`. */
  public readonly primaryKey: kms.IKey;
  /** The primary key's Region: its stack's. */
  public readonly primaryRegion: string;
  /** The Regions of the replicas, in the order given. */
  public readonly replicaRegions: string[];
  /** Every Region of the set: the primary's first, then the replicas'. */
  public readonly regions: string[];

  private readonly primaryStack: Stack;
  private readonly replicas = new Map<string, { readonly stack: Stack; readonly key: kms.IKey }>();
  private readonly monitors = new Map<string, EncryptionMonitor>();

  constructor(scope: Construct, id: string, props: MultiRegionKeySetProps) {
    super(scope, id);
    const primaryStack = Stack.of(this);
    this.validateEnvironment(primaryStack);
    this.validateReplicaRegions(primaryStack.region, props.replicaRegions);

    this.primaryStack = primaryStack;
    this.primaryRegion = primaryStack.region;
    this.replicaRegions = [...props.replicaRegions];
    this.regions = [this.primaryRegion, ...this.replicaRegions];

    const alias = props.alias ?? `multi-region/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-', allowedSpecialCharacters: '_-' })}`;
    // A token alias passes through as given: it must then include `alias/` itself.
    const aliasName = alias.startsWith('alias/') || Token.isUnresolved(alias) ? alias : `alias/${alias}`;
    const aliasSource = { prop: 'alias', value: alias };

    const primary = createSecureKey(this, {
      ...props,
      multiRegion: true,
      aliasName,
      aliasSource,
      defaultDescription: `Multi-Region primary key in ${this.primaryRegion} (${this.node.path})`,
    });
    this.primaryKey = primary.key;
    // The alias name as given, not the alias's attribute: replica stacks name it literally.
    this._initializeKey(primary, props, primary.key, aliasName);
    if (this.monitor) {
      this.monitors.set(this.primaryRegion, this.monitor);
    }

    for (const region of this.replicaRegions) {
      const stack = this.createReplicaStack(region);
      const replica = createSecureReplicaKey(new Construct(stack, id), {
        ...props,
        primary,
        aliasName: this.aliasName,
        aliasSource,
        defaultDescription: `Replica in ${region} of the multi-Region key ${this.node.path} (primary in ${this.primaryRegion})`,
      });
      this.replicas.set(region, { stack, key: replica.key });
      if (this.monitor) {
        // EventBridge rules are regional: each replica is watched by its own stack's monitor.
        const monitor = EncryptionMonitor.of(stack);
        monitor.monitorKey(replica.key, this.aliasName);
        this.monitors.set(region, monitor);
      }
    }
  }

  /**
   * The replica key in `region`, for constructs in that Region's stack (such as a bucket
   * in `replicaStack(region)`). Its grants are IAM grants on that Region's key only; its
   * `addToResourcePolicy` adds nothing, because the key policy is the library's.
   *
   * @param region one of `replicaRegions`
   */
  public replicaKey(region: string): kms.IKey {
    return this.replicaIn(region).key;
  }

  /**
   * The monitor that watches the key in `region`: the primary stack's for the primary
   * Region, each replica stack's own for its Region (EventBridge rules are regional).
   * Its metrics count refused calls and lifecycle changes of every key that monitor watches.
   *
   * @param region one of `regions`
   * @returns undefined when `monitoring` is false
   */
  public monitorIn(region: string): EncryptionMonitor | undefined {
    if (!this.regions.includes(region)) {
      invalidProp(this, 'region', region, `must be one of the set's Regions ${JSON.stringify(this.regions)}`);
    }
    return this.monitors.get(region);
  }

  /**
   * The stack that holds the replica in `region`, created by the set next to the primary
   * stack (same parent, same account) and named
   * `<primary stack name>-<construct path in the primary stack>-<region>`. Add the
   * Region's own resources to it, or reference the replica from other stacks of that Region.
   *
   * @param region one of `replicaRegions`
   */
  public replicaStack(region: string): Stack {
    return this.replicaIn(region).stack;
  }

  /** Let `grantee` encrypt and generate data keys with the key in every Region of the set. */
  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantEverywhere(grantee, ENCRYPT_ACTIONS);
  }

  /** Let `grantee` decrypt with the key in every Region of the set. */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantEverywhere(grantee, DECRYPT_ACTIONS);
  }

  /** Let `grantee` encrypt and decrypt with the key in every Region of the set. */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantEverywhere(grantee, unionOf(ENCRYPT_ACTIONS, DECRYPT_ACTIONS));
  }

  /**
   * An IAM statement on every Region's key, which the keys' account-root delegation
   * honours. The ARNs are built from the shared key ID (`arn:<partition>:kms:<region>:
   * <account>:key/<mrk id>`), so a grantee in the primary stack references the primary key
   * only and never a replica stack: the replica stacks depend on the primary stack, and a
   * reference back would be a cycle. A grantee in a replica Region takes the key ID from
   * that Region's replica, so it needs no cross-Region reference either.
   */
  private grantEverywhere(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const principal = grantee.grantPrincipal;
    const stack = Construct.isConstruct(principal) ? Stack.of(principal) : this.primaryStack;
    const keyId = this.replicas.get(stack.region)?.key.keyId ?? this.primaryKey.keyId;
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: this.regions.map(region => `arn:${stack.partition}:kms:${region}:${this.primaryStack.account}:key/${keyId}`),
    });
  }

  private replicaIn(region: string): { readonly stack: Stack; readonly key: kms.IKey } {
    const replica = this.replicas.get(region);
    if (!replica) {
      invalidProp(this, 'region', region,
        `must be one of the replica Regions ${JSON.stringify(this.replicaRegions)} (the primary key, in ${this.primaryRegion}, is \`primaryKey\`)`);
    }
    return replica;
  }

  /**
   * A stack of the replica's Region, next to the primary stack. Its cross-Region
   * references (the primary key ARN, administrator ARNs) are weak: `Fn::GetStackOutput`
   * reads the primary stack's outputs at deployment, with no custom resource, Lambda
   * function or SSM parameter, as CDK's default strong references would add.
   */
  private createReplicaStack(region: string): Stack {
    const primary = this.primaryStack;
    const pathInStack = this.node.scopes.slice(primary.node.scopes.length).map(c => c.node.id).join('-')
      .replace(/[^A-Za-z0-9-]/g, '');
    const stack = new Stack(primary.node.scope as Construct, `${primary.node.id}-${pathInStack}-${region}`, {
      env: { account: primary.account, region },
      stackName: replicaStackName(`${primary.stackName}-${pathInStack}`, region),
      description: `Replica in ${region} of the multi-Region key ${this.node.path} (cdk-kms-patterns MultiRegionKeySet)`,
      // Lets this stack consume attributes of L2 resources in the primary stack (key and
      // administrator ARNs) across Regions, instead of requiring physical names.
      crossRegionReferences: true,
      terminationProtection: primary.terminationProtection,
    });
    // Read from the consuming stack's context; set before the stack has children.
    stack.node.setContext(cxapi.DEFAULT_CROSS_STACK_REFERENCES, 'weak');
    addStackDependency(stack, primary, `the replica keys of ${this.node.path} replicate its primary key`);
    return stack;
  }

  private validateEnvironment(stack: Stack): void {
    if (stack.nested) {
      invalidProp(this, 'scope', stack.node.path, 'must be in a top-level stack, not a nested stack: the replica stacks are created next to it');
    }
    validateResolved(this, 'env.region', stack.region,
      `of the primary stack "${stack.node.path}" must be a concrete Region such as "us-east-1": `
      + 'replicas are placed by Region, and cross-Region references need stacks with an explicit environment');
    validateResolved(this, 'env.account', stack.account,
      `of the primary stack "${stack.node.path}" must be a concrete account ID: `
      + 'the replica stacks are created in the primary\'s account, the only one a replica can be in, and need an explicit environment');
  }

  private validateReplicaRegions(primaryRegion: string, regions: string[]): void {
    if (Token.isUnresolved(regions)) {
      invalidProp(this, 'replicaRegions', Stack.of(this).resolve(regions), 'must be a list of Region names, not a list token');
    }
    validateNotEmpty(this, 'replicaRegions', regions, `must name at least one Region other than the primary's ("${primaryRegion}")`);
    const partition = RegionInfo.get(primaryRegion).partition;
    regions.forEach((region, i) => {
      const prop = `replicaRegions[${i}]`;
      validateResolved(this, prop, region, 'must be a Region name, not a token: each replica gets a stack of its Region at synthesis');
      validatePattern(this, prop, region, REGION_PATTERN, 'a Region name such as "eu-west-1"');
      if (region === primaryRegion) {
        invalidProp(this, prop, region, `must not be the primary key's Region ("${primaryRegion}"): a multi-Region key has one key per Region`);
      }
      const replicaPartition = RegionInfo.get(region).partition;
      if (partition && replicaPartition && partition !== replicaPartition) {
        invalidProp(this, prop, region, `must be in the primary's partition "${partition}" (it is in "${replicaPartition}"): multi-Region keys do not cross partitions`);
      }
    });
    validateUnique(this, 'replicaRegions', regions);
  }
}

/** "CreateStack" (AWS CloudFormation API Reference): a stack name has at most 128 characters. */
const MAX_STACK_NAME_LENGTH = 128;

/**
 * `<primary stack name>-<path>-<region>`; when that would pass CloudFormation's limit, the
 * front of it cut to fit and a hash of all of it: still stable, still distinct per set and Region.
 */
function replicaStackName(base: string, region: string): string {
  const full = `${base}-${region}`;
  if (full.length <= MAX_STACK_NAME_LENGTH) {
    return full;
  }
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const keep = MAX_STACK_NAME_LENGTH - hash.length - region.length - 2;
  return `${base.slice(0, keep).replace(/-+$/, '')}-${hash}-${region}`;
}
