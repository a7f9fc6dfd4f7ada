// Refreshes test/upgrade/stateful-ids.json, the baseline of stateful logical IDs in the
// examples. It adds new IDs and applies the moves listed in
// test/upgrade/intended-moves.json; it refuses (and changes nothing) when an ID moved
// without being listed there. Run: npx tsx scripts/stateful-ids.ts
import * as fs from 'fs';
import { BASELINE_FILE, currentStatefulIds, nextBaseline, readBaseline, readMoves } from '../test/upgrade/stateful-ids';

const baseline = fs.existsSync(BASELINE_FILE) ? readBaseline() : {};
const next = nextBaseline(baseline, currentStatefulIds(), readMoves());
fs.writeFileSync(BASELINE_FILE, JSON.stringify(next, undefined, 2) + '\n');
console.log(`${BASELINE_FILE}: ${Object.keys(next).length} stateful logical IDs`);
