import { createHash } from 'crypto';
import {
  MAX_RESOURCES_PER_OPERATION, Placement, parsePlacement, placementDigest, planPlacement, resourcesToDeploy, serializePlacement, shardId, shardIndex,
  tenantIdProblems, tenantsPerDeployment,
} from '../../src/private/fleet-placement';

const FLEET = 'App/Stack/Fleet';
const CAPACITY = 86;
const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

/** 1,000 tenants placed from nothing, as the first record-mode synthesis does. */
function recordedThousand(): Placement {
  return planPlacement(undefined, FLEET, ids('tenant-', 1000), CAPACITY).next;
}

/** Every tenant of `before` that is still wanted keeps its shard in `after`. */
function expectNoMoves(before: Placement, after: Placement, still: string[]): void {
  const was = shardIndex(before);
  const now = shardIndex(after);
  const moved = still.filter(t => was.has(t) && was.get(t) !== now.get(t));
  expect(moved).toEqual([]);
  expect(still.filter(t => was.has(t)).length).toBeGreaterThan(0);
}

describe('planPlacement', () => {
  test('fills shards to capacity in order, then opens the next', () => {
    const placement = recordedThousand();
    expect(placement.shards.map(s => s.length)).toEqual([...Array(11).fill(86), 54]);
    expect(placement.fleet).toBe(FLEET);
  });

  test('the result depends on the set of tenants, not on their order', () => {
    const list = ids('t', 300);
    const shuffled = [...list].reverse();
    expect(planPlacement(undefined, FLEET, shuffled, CAPACITY).next).toEqual(planPlacement(undefined, FLEET, list, CAPACITY).next);
  });

  test.each([
    ['at the front', (l: string[]) => [...ids('aaa-new-', 50), ...l]],
    ['in the middle', (l: string[]) => [...l.slice(0, 500), ...ids('m-new-', 50), ...l.slice(500)]],
    ['at the end', (l: string[]) => [...l, ...ids('zzz-new-', 50)]],
    ['everywhere, growing past the first stacks', (l: string[]) => [...ids('0-', 700), ...l, ...ids('z-', 700)]],
  ])('adding tenants %s moves no existing tenant', (_, grow) => {
    const before = recordedThousand();
    const list = ids('tenant-', 1000);
    const plan = planPlacement(before, FLEET, grow(list), CAPACITY);
    expectNoMoves(before, plan.next, list);
    expect(plan.removed).toEqual([]);
    expect(plan.added.length).toBe(grow(list).length - 1000);
  });

  test('growing past the first stacks opens new ones after the last', () => {
    const before = recordedThousand();
    const plan = planPlacement(before, FLEET, [...ids('tenant-', 1000), ...ids('z-', 1400)], CAPACITY);
    expect(plan.next.shards.length).toBe(Math.ceil(2400 / CAPACITY));
    expect(plan.next.shards.slice(0, 11)).toEqual(before.shards.slice(0, 11));
  });

  test('removing tenants moves no remaining tenant, and frees their places for new ones', () => {
    const before = recordedThousand();
    const list = ids('tenant-', 1000);
    const remaining = list.filter((_, i) => i % 7 !== 0);
    const removedPlan = planPlacement(before, FLEET, remaining, CAPACITY);
    expectNoMoves(before, removedPlan.next, remaining);
    expect(removedPlan.removed).toEqual(list.filter((_, i) => i % 7 === 0));
    expect(removedPlan.next.shards.length).toBe(before.shards.length);

    const refill = planPlacement(removedPlan.next, FLEET, [...ids('new-', 30), ...remaining], CAPACITY);
    expectNoMoves(before, refill.next, remaining);
    // The freed places in the first shard take the new tenants before any later shard does.
    expect(refill.next.shards[0].filter(t => t.startsWith('new-')).length).toBe(CAPACITY - removedPlan.next.shards[0].length);
  });

  test('insert, remove and append at once around 1,000 tenants moves none of the remaining', () => {
    const before = recordedThousand();
    const list = ids('tenant-', 1000);
    const remaining = list.filter((_, i) => i % 3 !== 1);
    const next = planPlacement(before, FLEET, [...ids('a-', 100), ...remaining.slice(0, 400), ...ids('m-', 100), ...remaining.slice(400), ...ids('z-', 100)], CAPACITY).next;
    expectNoMoves(before, next, remaining);
  });

  test('a shard emptied entirely keeps its number: later shards do not shift down', () => {
    const before = recordedThousand();
    const remaining = ids('tenant-', 1000).filter(t => !before.shards[0].includes(t));
    const next = planPlacement(before, FLEET, remaining, CAPACITY).next;
    expect(next.shards[0]).toEqual([]);
    expectNoMoves(before, next, remaining);
  });

  test('a lower capacity later only changes where new tenants go', () => {
    const before = recordedThousand();
    const list = ids('tenant-', 1000);
    const next = planPlacement(before, FLEET, [...list, 'late'], 10).next;
    expectNoMoves(before, next, list);
    expect(shardIndex(next).get('late')).toBe(12);
  });

  test('fails when capacity is not a positive whole number', () => {
    expect(() => planPlacement(undefined, FLEET, ['a'], 0)).toThrow('capacity must be a whole number of tenants, at least 1, got 0');
  });
});

describe('tenantIdProblems', () => {
  test('finds the first invalid and the first repeated ID', () => {
    expect(tenantIdProblems(['a', 'b c', 'a', 'x'.repeat(65)])).toEqual({ invalid: 'b c', duplicate: 'a' });
    expect(tenantIdProblems(['a', 'B-1', 'c_2'])).toEqual({ invalid: undefined, duplicate: undefined });
  });
});

describe('placement file', () => {
  test('round-trips through its text', () => {
    const placement = recordedThousand();
    expect(parsePlacement(serializePlacement(placement), FLEET)).toEqual(placement);
  });

  test('puts one shard per line, so that a new tenant is a one-line diff', () => {
    const text = serializePlacement({ fleet: FLEET, shards: [['a', 'b'], ['c']] });
    expect(text).toContain('\n    ["a","b"],\n    ["c"]\n');
  });

  test('fails when edited by hand: a tenant moved to another shard', () => {
    const placement = { fleet: FLEET, shards: [['a', 'b'], ['c']] };
    const edited = serializePlacement(placement).replace('["a","b"]', '["a"]').replace('["c"]', '["b","c"]');
    expect(() => parsePlacement(edited, FLEET)).toThrow('was edited by hand: its digest does not match its content');
  });

  test('fails when it belongs to another fleet', () => {
    const text = serializePlacement({ fleet: 'App/Other/Fleet', shards: [['a']] });
    expect(() => parsePlacement(text, FLEET)).toThrow('belongs to the fleet "App/Other/Fleet", not to this one ("App/Stack/Fleet")');
  });

  test.each([
    ['not JSON', '{ "fleet": ', 'is not valid JSON'],
    ['no shards', JSON.stringify({ fleet: FLEET, digest: 'x' }), 'is not a placement file'],
    ['a shard of numbers', JSON.stringify({ fleet: FLEET, digest: 'x', shards: [[1]] }), 'is not a placement file'],
  ])('fails when %s', (_, text, message) => {
    expect(() => parsePlacement(text, FLEET)).toThrow(message);
  });

  test('fails on a repeated tenant even with a matching digest', () => {
    const placement = { fleet: FLEET, shards: [['a'], ['a']] };
    const text = JSON.stringify({ ...placement, digest: placementDigest(placement) });
    expect(() => parsePlacement(text, FLEET)).toThrow('records the tenant "a" in more than one place');
  });
});

// "Understand CloudFormation quotas" (AWS CloudFormation User Guide), Nested stacks: at most
// 2,500 resources created, updated or deleted per nested stack operation.
describe('resources one deployment makes', () => {
  const WITH_CHECKS = { perTenant: 3, perNewShard: 41 };

  test('counts added and removed tenants and the new shards', () => {
    const recorded = planPlacement(undefined, 'F', ['a', 'b', 'c'], 2).next;
    const plan = planPlacement(recorded, 'F', ['b', 'c', 'd', 'e', 'f'], 2);
    // a removed; d, e, f added: d into shard 0 (a's place), e and f into a new shard 2.
    expect(resourcesToDeploy(recorded, plan, WITH_CHECKS)).toBe(4 * 3 + 41);
    expect(resourcesToDeploy(undefined, planPlacement(undefined, 'F', ['a'], 2), WITH_CHECKS)).toBe(3 + 41);
  });

  test('the most new tenants one deployment creates fits the quota, one more does not', () => {
    for (const [capacity, costs] of [[86, WITH_CHECKS], [145, { perTenant: 2, perNewShard: 11 }], [1, WITH_CHECKS]] as const) {
      const most = tenantsPerDeployment(capacity, costs);
      const cost = (n: number) => resourcesToDeploy(undefined, planPlacement(undefined, 'F', Array.from({ length: n }, (_, i) => `t${i}`), capacity), costs);
      expect(cost(most)).toBeLessThanOrEqual(MAX_RESOURCES_PER_OPERATION);
      expect(cost(most + 1)).toBeGreaterThan(MAX_RESOURCES_PER_OPERATION);
    }
  });
});

describe('edges of the placement logic', () => {
  test('a tenant added to a shard that already holds tenants is sorted in among them', () => {
    const recorded = { fleet: FLEET, shards: [['b', 'd']] };
    expect(planPlacement(recorded, FLEET, ['d', 'c', 'b', 'a'], 5).next.shards).toEqual([['a', 'b', 'c', 'd']]);
  });

  test('lists added and removed tenants sorted', () => {
    const recorded = { fleet: FLEET, shards: [['d', 'b'], ['c', 'a']] };
    const plan = planPlacement(recorded, FLEET, ['z', 'x', 'y'], 2);
    expect(plan.added).toEqual(['x', 'y', 'z']);
    expect(plan.removed).toEqual(['a', 'b', 'c', 'd']);
  });

  test.each([1.5, -1, 0])('fails when capacity is %s', (capacity) => {
    expect(() => planPlacement(undefined, FLEET, ['a'], capacity)).toThrow(`capacity must be a whole number of tenants, at least 1, got ${capacity}`);
  });

  test('shard i is the stack Shard<i>', () => {
    expect(shardId(0)).toBe('Shard0');
    expect(shardId(12)).toBe('Shard12');
  });

  test.each([
    ['an empty ID', ['a', ''], ''],
    ['65 characters', ['x'.repeat(65)], 'x'.repeat(65)],
    ['a number, although its digits would match', ['a', 7 as unknown as string], 7],
    ['a space at the front', [' a'], ' a'],
    ['a space at the end', ['a '], 'a '],
  ])('finds %s invalid', (_, list, invalid) => {
    expect(tenantIdProblems(list).invalid).toBe(invalid);
  });

  test('accepts 64 characters of letters, digits, "-" and "_"', () => {
    expect(tenantIdProblems(['x'.repeat(64), 'A-z_09'])).toEqual({ invalid: undefined, duplicate: undefined });
  });

  test('reports the first of several repeated IDs', () => {
    expect(tenantIdProblems(['a', 'b', 'b', 'a', 'a'])).toEqual({ invalid: undefined, duplicate: 'b' });
  });

  test('an empty placement round-trips, with the note that says not to edit it', () => {
    const empty = { fleet: FLEET, shards: [] };
    const text = serializePlacement(empty);
    expect(text).toContain('  "shards": [\n  ]\n}\n');
    expect(JSON.parse(text)['//']).toBe('Written by TenantKeyFleet in record mode. Commit it; do not edit it: each tenant\'s key lives in the '
      + 'stack recorded here, and moving it would replace the key. A hand edit fails synthesis (the digest no longer matches).');
    expect(parsePlacement(text, FLEET)).toEqual(empty);
  });
});

describe('placement file errors, in full', () => {
  const RESTORE = 'restore it from version control';
  const NOT_A_FILE = `is not a placement file (it needs "fleet", "digest" and "shards", a list of lists of tenant IDs): ${RESTORE}`;

  test('not JSON: the parser\'s message, and what to do', () => {
    expect(() => parsePlacement('{ "fleet": ', FLEET)).toThrow(/^is not valid JSON \(.+\): restore it from version control$/);
  });

  test.each([
    ['null', 'null'],
    ['no digest', JSON.stringify({ fleet: FLEET, shards: [] })],
    ['a digest that is not a string', JSON.stringify({ fleet: FLEET, digest: 1, shards: [] })],
    ['no fleet', JSON.stringify({ digest: 'x', shards: [] })],
    ['shards that are not a list', JSON.stringify({ fleet: FLEET, digest: 'x', shards: 'a' })],
    ['a shard that is not a list, after one that is', JSON.stringify({ fleet: FLEET, digest: 'x', shards: [['a'], 'b'] })],
    ['a number among tenant IDs', JSON.stringify({ fleet: FLEET, digest: 'x', shards: [['a', 1]] })],
  ])('%s', (_, text) => {
    expect(() => parsePlacement(text, FLEET)).toThrow(NOT_A_FILE);
  });

  test('another fleet\'s file', () => {
    expect(() => parsePlacement(serializePlacement({ fleet: 'App/Other/Fleet', shards: [['a']] }), FLEET)).toThrow(
      'belongs to the fleet "App/Other/Fleet", not to this one ("App/Stack/Fleet"): give each fleet its own `placementFile`. '
      + 'A fleet whose construct path changed would replace every key: keep its path');
  });

  test('a hand edit', () => {
    const text = serializePlacement({ fleet: FLEET, shards: [['a', 'b']] }).replace('["a","b"]', '["a"]');
    expect(() => parsePlacement(text, FLEET)).toThrow(
      'was edited by hand: its digest does not match its content. A hand edit can move a tenant to another stack, which replaces '
      + 'its key; restore the file from version control and add or remove tenants in `tenantIds` instead');
  });

  test('an invalid tenant ID with a matching digest', () => {
    const placement = { fleet: FLEET, shards: [['a'], ['bad id']] };
    const text = JSON.stringify({ ...placement, digest: placementDigest(placement) });
    expect(() => parsePlacement(text, FLEET)).toThrow('records the invalid tenant ID "bad id"');
  });

  test('the digest is the SHA-256 of the fleet and shards, in that order', () => {
    const placement = { fleet: FLEET, shards: [['a']] };
    expect(placementDigest(placement)).toBe(createHash('sha256').update('{"fleet":"App/Stack/Fleet","shards":[["a"]]}').digest('hex'));
  });
});
