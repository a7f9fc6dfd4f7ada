import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { DISABLE_CREATION_STACK_TRACES, DISABLE_METADATA_STACK_TRACE } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { EncryptionMonitor, MonitorScope, MonitorTrail } from './monitoring/encryption-monitor';
import { resolveAssurance } from './private/assurance';
import {
  MAX_RESOURCES_PER_OPERATION, Placement, PlacementCosts, parsePlacement, planPlacement, resourcesToDeploy, serializePlacement, shardId,
  tenantIdProblems, tenantsPerDeployment,
} from './private/fleet-placement';
import { FleetShard } from './private/fleet-shard';
import { noteKeyManagersOnce } from './private/key-managers';
import { qualifiedKey } from './private/names';
import { invalidProp } from './private/validate';
import { DailyRotationCheck } from './rotation-verification/daily-rotation-check';
import { TenantKey, TenantKeyOptions } from './tenant-key';

/** Properties for a `TenantKeyFleet`. Besides `tenantIds` and the fleet's own, every `TenantKey` option, applied to each key. */
export interface TenantKeyFleetProps extends TenantKeyOptions {
  /**
   * The tenants, each 1-64 letters, digits, `-` or `_`, each once. The order does not
   * matter: a tenant's stack comes from the placement file, never from its position.
   */
  readonly tenantIds: string[];

  /**
   * The placement file: which stack holds each tenant's key. Written only in record mode
   * (context `cdk-kms-patterns:recordFleetPlacement=true`), committed, never edited by hand.
   * A relative path is taken from the directory the app runs in.
   * @default - `tenant-key-fleet.<construct path, "/" as ".">.json` in the directory the app runs in
   */
  readonly placementFile?: string;

  /**
   * The most resources a fleet stack may hold (CloudFormation allows 500). New tenants go
   * to the first stack with room for them: 2 resources per tenant (key, alias), 3 with
   * `verifyRotation`, after 10 reserved per stack and 30 more for the rotation-verification
   * provider: 86 tenants per stack at the default budget, 145 with `verifyRotation: false`.
   * @default 300
   */
  readonly maxResourcesPerStack?: number;

  /**
   * The monitor that watches every key of the fleet and its alias. Give one that watches
   * the account (`scope: MonitorScope.ACCOUNT`): one that lists what it watches lists each
   * key and alias, and fails at synthesis past its event-pattern limit (18 tenants with
   * 12-character IDs at 2,048 characters). Only with `monitoring`.
   * @default - a new `EncryptionMonitor` in the fleet's stack that watches the account's keys, relying on the account's existing trail
   */
  readonly monitor?: EncryptionMonitor;
}

/** The context key that lets synthesis place new tenants and write the placement file. */
const RECORD_CONTEXT = qualifiedKey('recordFleetPlacement');
const DEFAULT_BUDGET = 300;
const MIN_BUDGET = 50;
const MAX_BUDGET = 500;
/**
 * Resources kept free in each stack: 10 for what any stack may get (the `AWS::CDK::Metadata`
 * of version reporting, aspects of the app), and 30 more with rotation verification for the
 * stack's provider (17 today, plus a managed policy per ~55 keys).
 */
const RESERVED_PER_STACK = 10;
const RESERVED_FOR_PROVIDER = 30;

/**
 * A `TenantKey` for each of thousands of tenants, spread over nested stacks that never
 * pass a resource budget, and placed so that no key ever moves.
 *
 * A key's stack is recorded in a committed placement file, not computed from the list:
 * adding tenants anywhere in the list, removing tenants or growing into new stacks leaves
 * every existing key in its stack, under its logical ID (a moved key is a replaced key, and
 * the data under the old one stranded). New tenants are placed by synthesizing once in
 * record mode (`cdk synth -c cdk-kms-patterns:recordFleetPlacement=true`); without it, a
 * tenant with no recorded stack, a missing file or a hand-edited one fail synthesis.
 *
 * Rotation verification runs per key, as for `TenantKey`, with one provider per fleet
 * stack. Monitoring is one account-scope `EncryptionMonitor` for the whole fleet, not one
 * per stack: its event patterns do not list keys, so they never outgrow EventBridge's limit.
 * Each key's `monitor` is that monitor, so `keyFor(t).metricDeniedDecrypts()` counts over
 * the account (as `monitor.metricDeniedDecrypts()` does).
 *
 * @example
 * const fleet = new TenantKeyFleet(this, 'Tenants', { tenantIds: ['acme', 'globex'] });
 * fleet.keyFor('acme').grantEncryptDecrypt(acmeRole);
 */
export class TenantKeyFleet extends Construct {
  /** The tenants, in the order given. */
  public readonly tenantIds: string[];
  /** The placement file the fleet read (and, in record mode, wrote). */
  public readonly placementFile: string;
  /**
   * The monitor watching every key of the fleet.
   * @default - none when `monitoring` is false
   */
  public readonly monitor?: EncryptionMonitor;

  private readonly keys = new Map<string, TenantKey>();

  constructor(scope: Construct, id: string, props: TenantKeyFleetProps) {
    super(scope, id);
    // Every key of the fleet is made by the same lines, so a stack trace per resource or
    // per annotation says nothing per tenant, yet capturing
    // them is a large part of synthesis (and of the manifest). Off for the fleet's subtree
    // unless the app chose (CDK_DEBUG still captures creation traces).
    for (const traces of [DISABLE_CREATION_STACK_TRACES, DISABLE_METADATA_STACK_TRACE]) {
      if (this.node.tryGetContext(traces) === undefined) {
        this.node.setContext(traces, true);
      }
    }
    // Every key has the fleet's key-management options: say once, on the fleet, what they lack.
    noteKeyManagersOnce(this);
    const tenantIds = props.tenantIds;
    validateTenantIds(this, tenantIds);
    const budget = props.maxResourcesPerStack ?? DEFAULT_BUDGET;
    if (!Number.isInteger(budget) || budget < MIN_BUDGET || budget > MAX_BUDGET) {
      invalidProp(this, 'maxResourcesPerStack', budget,
        `must be a whole number between ${MIN_BUDGET} and ${MAX_BUDGET} (CloudFormation's limit of resources per stack)`);
    }
    const checks = resolveAssurance(this, props);
    if (props.monitor && !checks.monitoring) {
      invalidProp(this, 'monitor', props.monitor.node.path, 'must not be given with `monitoring: false` (on the fleet or app-wide)');
    }
    const verify = checks.verifyRotation;
    // A key and its alias, and its verification when on; a stack's own share besides the tenants.
    const perTenant = verify ? 3 : 2;
    const reservedPerStack = RESERVED_PER_STACK + (verify ? RESERVED_FOR_PROVIDER : 0);
    const capacity = Math.floor((budget - reservedPerStack) / perTenant);

    this.tenantIds = [...tenantIds];
    this.placementFile = path.resolve(props.placementFile ?? `tenant-key-fleet.${this.node.path.replace(/[^A-Za-z0-9_.-]/g, '.')}.json`);
    // A new shard is one more resource in the parent (its nested stack) plus its reserve.
    const placement = this.place(tenantIds, capacity, { perTenant, perNewShard: 1 + reservedPerStack });

    if (checks.monitoring) {
      this.monitor = props.monitor ?? new EncryptionMonitor(this, 'Monitor', { scope: MonitorScope.ACCOUNT, trail: MonitorTrail.existing() });
    }
    const { tenantIds: _ids, placementFile: _file, maxResourcesPerStack: _budget, monitor: _monitor, ...keyProps } = props;
    const wanted = new Set(tenantIds);
    placement.shards.forEach((shard, i) => {
      const present = shard.filter(t => wanted.has(t));
      if (present.length === 0) {
        return; // an emptied shard keeps its number in the file; its stack goes
      }
      const stack = new FleetShard(this, shardId(i), budget, 'maxResourcesPerStack');
      if (this.monitor && verify) {
        // Each shard's daily rotation check (on its verification provider) alarms to the fleet's topic.
        DailyRotationCheck.addAlarmAction(stack, new cw_actions.SnsAction(this.monitor.alarmTopic));
      }
      for (const tenantId of present) {
        const key = new TenantKey(stack.tenants, tenantId, { ...keyProps, tenantId, verifyRotation: verify, monitoring: false });
        key._watchBy(this, this.monitor);
        this.keys.set(tenantId, key);
      }
    });
  }

  /** The key of `tenantId`. Grant through it: `fleet.keyFor('acme').grantDecrypt(role)`. */
  public keyFor(tenantId: string): TenantKey {
    const key = this.keys.get(tenantId);
    if (!key) {
      invalidProp(this, 'tenantId', tenantId, `must be one of the fleet's ${this.keys.size} tenants (\`tenantIds\`)`);
    }
    return key;
  }

  /**
   * The recorded placement, extended with new tenants in record mode. Nothing is placed
   * outside record mode: a new placement written by a CI run and never committed could
   * differ from the next one, and that difference would move keys.
   */
  private place(tenantIds: string[], capacity: number, costs: PlacementCosts): Placement {
    const file = this.placementFile;
    let recorded: Placement | undefined;
    if (fs.existsSync(file)) {
      try {
        recorded = parsePlacement(fs.readFileSync(file, 'utf-8'), this.node.path);
      } catch (e) {
        invalidProp(this, 'placementFile', file, (e as Error).message);
      }
    }
    const plan = planPlacement(recorded, this.node.path, tenantIds, capacity);
    const record = `${this.node.tryGetContext(RECORD_CONTEXT)}` === 'true';
    if (record) {
      const change = resourcesToDeploy(recorded, plan, costs);
      if (change > MAX_RESOURCES_PER_OPERATION) {
        invalidProp(this, 'tenantIds', `${plan.added.length} tenants to add and ${plan.removed.length} to remove`,
          `must change at most ${MAX_RESOURCES_PER_OPERATION} resources per deployment, CloudFormation's limit for one nested stack `
          + `operation (this recording makes the next deployment create or delete up to ${change}): record part of the change, `
          + `about ${tenantsPerDeployment(capacity, costs)} tenants into new stacks, deploy it, then record the rest (nothing recorded moves)`);
      }
      const text = serializePlacement(plan.next);
      if (!recorded || fs.readFileSync(file, 'utf-8') !== text) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
      }
      return plan.next;
    }
    if (plan.added.length > 0) {
      const command = `record their stacks with \`cdk synth -c ${RECORD_CONTEXT}=true\` and commit the file`;
      if (!recorded) {
        invalidProp(this, 'placementFile', file, `does not exist: ${command}. If this fleet was deployed before, restore the `
          + 'file from version control instead: a new placement could move existing keys, which replaces them');
      }
      const shown = plan.added.slice(0, 5).map(t => `"${t}"`).join(', ') + (plan.added.length > 5 ? ', …' : '');
      invalidProp(this, 'tenantIds', `${plan.added.length} tenants with no recorded stack (${shown})`,
        `must each have a stack recorded in ${file}: ${command}`);
    }
    return recorded!;
  }
}

function validateTenantIds(scope: Construct, tenantIds: string[]): void {
  if (tenantIds.length === 0) {
    invalidProp(scope, 'tenantIds', tenantIds, 'must name at least one tenant');
  }
  const unresolved = tenantIds.find(t => Token.isUnresolved(t));
  if (unresolved !== undefined) {
    invalidProp(scope, 'tenantIds', unresolved, 'must be known at synthesis (each tenant ID names its key\'s construct and stack), not a token');
  }
  const { invalid, duplicate } = tenantIdProblems(tenantIds);
  if (invalid !== undefined) {
    invalidProp(scope, 'tenantIds', invalid, 'must hold only IDs of 1-64 letters, digits, "-" or "_"');
  }
  if (duplicate !== undefined) {
    invalidProp(scope, 'tenantIds', duplicate, 'must name each tenant once (this one appears more than once)');
  }
}
