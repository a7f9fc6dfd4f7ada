// Upgrade safety: the logical IDs of stateful resources in the examples, against a
// committed baseline. A moved logical ID is a new resource to CloudFormation: on the
// user's next deploy the old key, secret, log group or bucket is replaced (a replaced key
// strands every ciphertext under it; a retained one lingers, billed and orphaned).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizeExamples } from '../helpers/examples';

/** Resource types whose replacement loses or strands data. */
export const STATEFUL_TYPES = [
  'AWS::KMS::Key',
  'AWS::KMS::ReplicaKey',
  'AWS::SecretsManager::Secret',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
];

export const BASELINE_FILE = path.join(__dirname, 'stateful-ids.json');
export const MOVES_FILE = path.join(__dirname, 'intended-moves.json');

/** `<example>/<stack name>/<logical ID>` → resource type. */
export type StatefulIds = Record<string, string>;

/** A reviewed, intended move (or removal, `to: null`) of a stateful logical ID. */
export interface IntendedMove {
  readonly from: string;
  readonly to: string | null;
  /** Why, and what users must do on upgrade (for the release notes). */
  readonly reason: string;
}

/** The stateful logical IDs of every example, synthesized now. */
export function currentStatefulIds(): StatefulIds {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stateful-ids-'));
  const ids: StatefulIds = {};
  for (const s of synthesizeExamples(outdir)) {
    const template = JSON.parse(fs.readFileSync(s.templatePath, 'utf-8')) as { Resources?: Record<string, { Type: string }> };
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (STATEFUL_TYPES.includes(resource.Type)) {
        ids[`${s.example}/${s.stackName}/${logicalId}`] = resource.Type;
      }
    }
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return sorted(ids);
}

export function readBaseline(): StatefulIds {
  return JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf-8')) as StatefulIds;
}

export function readMoves(): IntendedMove[] {
  return JSON.parse(fs.readFileSync(MOVES_FILE, 'utf-8')) as IntendedMove[];
}

/** What is wrong with `current` against `baseline` and the intended moves: one line each. */
export function upgradeProblems(baseline: StatefulIds, current: StatefulIds, moves: readonly IntendedMove[]): string[] {
  const problems: string[] = [];
  const movedFrom = new Map(moves.map(m => [m.from, m]));
  for (const m of moves) {
    if (!m.reason?.trim()) {
      problems.push(`intended move of ${m.from} has no reason`);
    }
  }
  for (const [id, type] of Object.entries(baseline)) {
    const move = movedFrom.get(id);
    if (move) {
      if (move.to !== null && current[move.to] !== type) {
        problems.push(`${id} is listed as moved to ${move.to}, but no ${type} has that ID now`);
      }
      continue;
    }
    if (!(id in current)) {
      problems.push(`${id} (${type}) is gone: its logical ID moved or the resource was removed, which replaces it on the next deploy. `
        + 'Keep the ID (construct IDs from stable names), or list the move in test/upgrade/intended-moves.json with the reason');
    } else if (current[id] !== type) {
      problems.push(`${id} changed type from ${type} to ${current[id]}`);
    }
  }
  const known = new Set([...Object.keys(baseline), ...moves.flatMap(m => (m.to === null ? [] : [m.to]))]);
  const unlisted = Object.keys(current).filter(id => !known.has(id));
  if (unlisted.length > 0) {
    problems.push(`not in the baseline yet (run \`npx tsx scripts/stateful-ids.ts\` and commit test/upgrade/stateful-ids.json): ${unlisted.join(', ')}`);
  }
  return problems;
}

/**
 * The next baseline: `current`, provided that every baseline ID is still there or
 * listed as an intended move. Throws otherwise, so a refresh cannot hide a move.
 */
export function nextBaseline(baseline: StatefulIds, current: StatefulIds, moves: readonly IntendedMove[]): StatefulIds {
  const blocking = upgradeProblems(baseline, current, moves).filter(p => !p.startsWith('not in the baseline yet'));
  if (blocking.length > 0) {
    throw new Error(`refusing to refresh the baseline:\n${blocking.join('\n')}`);
  }
  return current;
}

export function sorted(ids: StatefulIds): StatefulIds {
  return Object.fromEntries(Object.entries(ids).sort(([a], [b]) => a.localeCompare(b)));
}
