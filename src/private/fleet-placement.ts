import { createHash } from 'crypto';

/**
 * Where each tenant of a `TenantKeyFleet` lives: pure logic over a recorded placement
 * (the committed placement file), with no aws-cdk-lib.
 *
 * A tenant's stack is looked up, never computed from the list: a position in `tenantIds`
 * or a hash over a shard count that can change would move keys, and a moved key is a
 * replaced key. New tenants are placed once, in record mode, and then stay where they
 * were put. Shard `i` is the fleet's stack `Shard<i>`.
 */

/** A fleet's recorded placement: tenant IDs per shard, sorted within each shard. */
export interface Placement {
  /** The construct path of the fleet the placement belongs to. */
  readonly fleet: string;
  /** `shards[i]` holds the tenants of stack `Shard<i>`. An emptied shard keeps its place. */
  readonly shards: string[][];
}

/** What the tenant list asks of a recorded placement. */
export interface PlacementPlan {
  /** The placement after recording: removed tenants dropped, new tenants placed. */
  readonly next: Placement;
  /** Tenants in the list with no recorded shard, sorted. */
  readonly added: string[];
  /** Recorded tenants no longer in the list, sorted. */
  readonly removed: string[];
}

/** The tenant ID pattern of `TenantKey`: it becomes a construct ID, an alias suffix and a tag. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * "Understand CloudFormation quotas" (AWS CloudFormation User Guide), Nested stacks: a nested
 * stack operation creates, updates or deletes at most 2,500 resources. It counts a root
 * stack's whole tree: a new environment of nested stacks that each fit their own limit fails
 * with "Limit on the number of resources in a single stack operation exceeded".
 */
export const MAX_RESOURCES_PER_OPERATION = 2500;

/** What one tenant and one new shard add to a deployment, in resources. */
export interface PlacementCosts {
  /** Resources per tenant: key and alias, and the rotation check with verification. */
  readonly perTenant: number;
  /** Resources per new shard at most: the nested-stack resource and what its stack reserves. */
  readonly perNewShard: number;
}

/**
 * At most how many resources the deployment after recording `plan` creates or deletes: the
 * tenants added and removed, and the new shards. Synthesis cannot see what is deployed, so
 * the recording stands for the next deployment (one recording, one deployment).
 */
export function resourcesToDeploy(recorded: Placement | undefined, plan: PlacementPlan, costs: PlacementCosts): number {
  const newShards = plan.next.shards.length - (recorded?.shards.length ?? 0);
  return (plan.added.length + plan.removed.length) * costs.perTenant + newShards * costs.perNewShard;
}

/** How many new tenants, filling new shards of `capacity`, one deployment can create. */
export function tenantsPerDeployment(capacity: number, costs: PlacementCosts): number {
  const perFullShard = capacity * costs.perTenant + costs.perNewShard;
  const fullShards = Math.floor(MAX_RESOURCES_PER_OPERATION / perFullShard);
  const rest = MAX_RESOURCES_PER_OPERATION - fullShards * perFullShard - costs.perNewShard;
  return fullShards * capacity + Math.max(0, Math.min(capacity, Math.floor(rest / costs.perTenant)));
}

/** A shard's construct ID. */
export function shardId(index: number): string {
  return `Shard${index}`;
}

/** The first tenant ID that fails the pattern, and the first that appears twice. */
export function tenantIdProblems(tenantIds: readonly string[]): { invalid?: string; duplicate?: string } {
  const seen = new Set<string>();
  let invalid: string | undefined;
  let duplicate: string | undefined;
  for (const id of tenantIds) {
    if (invalid === undefined && (typeof id !== 'string' || !TENANT_ID_PATTERN.test(id))) {
      invalid = id;
    }
    if (duplicate === undefined && seen.has(id)) {
      duplicate = id;
    }
    seen.add(id);
  }
  return { invalid, duplicate };
}

/**
 * Compares recorded placement with the tenant list. Existing tenants keep their shard;
 * new tenants (in sorted order, so the result depends on the set, not the list order)
 * go to the first shard with fewer than `capacity` tenants, or to a new shard at the end.
 * Removed tenants free their place. No tenant ever changes shard.
 */
export function planPlacement(recorded: Placement | undefined, fleet: string, tenantIds: readonly string[], capacity: number): PlacementPlan {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new Error(`capacity must be a whole number of tenants, at least 1, got ${capacity}`);
  }
  const wanted = new Set(tenantIds);
  const recordedIds = new Set<string>();
  const removed: string[] = [];
  const shards = (recorded?.shards ?? []).map(shard => shard.filter(id => {
    recordedIds.add(id);
    if (wanted.has(id)) {
      return true;
    }
    removed.push(id);
    return false;
  }));
  const added = [...wanted].filter(id => !recordedIds.has(id)).sort(compare);
  let open = 0;
  for (const id of added) {
    while (open < shards.length && shards[open].length >= capacity) {
      open++;
    }
    if (open === shards.length) {
      shards.push([]);
    }
    shards[open].push(id);
  }
  return { next: { fleet, shards: shards.map(s => [...s].sort(compare)) }, added, removed: removed.sort(compare) };
}

/** Tenant ID to shard index. */
export function shardIndex(placement: Placement): Map<string, number> {
  const index = new Map<string, number>();
  placement.shards.forEach((shard, i) => shard.forEach(id => index.set(id, i)));
  return index;
}

/** The digest that marks a placement file as written by the fleet, over its canonical content. */
export function placementDigest(placement: Placement): string {
  return createHash('sha256').update(JSON.stringify({ fleet: placement.fleet, shards: placement.shards })).digest('hex');
}

const NOTE = 'Written by TenantKeyFleet in record mode. Commit it; do not edit it: each tenant\'s key lives in the stack '
  + 'recorded here, and moving it would replace the key. A hand edit fails synthesis (the digest no longer matches).';

/** The file's text: one shard per line, so that a new tenant is a one-line diff. */
export function serializePlacement(placement: Placement): string {
  const shards = placement.shards.map(s => `    ${JSON.stringify(s)}`).join(',\n');
  return `{\n  "//": ${JSON.stringify(NOTE)},\n  "fleet": ${JSON.stringify(placement.fleet)},\n`
    + `  "digest": "${placementDigest(placement)}",\n  "shards": [\n${shards}${shards ? '\n' : ''}  ]\n}\n`;
}

/**
 * Reads a placement file's text. Every way it can be wrong (not JSON, a missing field,
 * an invalid or repeated tenant, another fleet's file, a digest that does not match:
 * a hand edit) is an error that says what to do; nothing is repaired silently.
 */
export function parsePlacement(text: string, fleet: string): Placement {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`is not valid JSON (${(e as Error).message}): restore it from version control`);
  }
  const obj = data as { fleet?: unknown; shards?: unknown; digest?: unknown };
  if (typeof obj !== 'object' || obj === null || typeof obj.fleet !== 'string' || typeof obj.digest !== 'string'
    || !Array.isArray(obj.shards) || !obj.shards.every(s => Array.isArray(s) && s.every(id => typeof id === 'string'))) {
    throw new Error('is not a placement file (it needs "fleet", "digest" and "shards", a list of lists of tenant IDs): restore it from version control');
  }
  const placement: Placement = { fleet: obj.fleet, shards: obj.shards as string[][] };
  if (placement.fleet !== fleet) {
    throw new Error(`belongs to the fleet "${placement.fleet}", not to this one ("${fleet}"): give each fleet its own \`placementFile\`. `
      + 'A fleet whose construct path changed would replace every key: keep its path');
  }
  if (obj.digest !== placementDigest(placement)) {
    throw new Error('was edited by hand: its digest does not match its content. A hand edit can move a tenant to another '
      + 'stack, which replaces its key; restore the file from version control and add or remove tenants in `tenantIds` instead');
  }
  const { invalid, duplicate } = tenantIdProblems(placement.shards.flat());
  if (invalid !== undefined || duplicate !== undefined) {
    throw new Error(invalid !== undefined ? `records the invalid tenant ID "${invalid}"` : `records the tenant "${duplicate}" in more than one place`);
  }
  return placement;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
