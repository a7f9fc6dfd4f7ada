// Summarizes a V8 .cpuprofile: self time by function and by source file, and total
// (inclusive) time of this library's own functions, so a profile of the fleet benchmark
// reads in a terminal.
// Run: BENCH_CPU_PROFILE=.tmp/fleet.cpuprofile npx tsx bench/fleet.ts --case fleet-checks-off 1000
//      (the timed part only; or `node --cpu-prof --import tsx ...` for the whole process)
//      npx tsx bench/cpu-profile-summary.ts .tmp/fleet.cpuprofile
import * as fs from 'fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: number[];
}
interface Profile { readonly nodes: ProfileNode[]; readonly samples: number[]; readonly timeDeltas: number[] }

const profile = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8')) as Profile;
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) {
  for (const c of n.children ?? []) parent.set(c, n.id);
}
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const file = (url: string): string => url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(/.*\/(src|bench)\//, '$1/') || '(native)';
const frame = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${file(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

function top(map: Map<string, number>, count: number, title: string): void {
  console.log(`\n${title}`);
  for (const [k, us] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`  ${(100 * us / totalUs).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  }
}

const selfByFrame = new Map<string, number>();
const selfByFile = new Map<string, number>();
const inclusiveOwn = new Map<string, number>();
const inclusiveAll = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  selfByFrame.set(frame(n), (selfByFrame.get(frame(n)) ?? 0) + us);
  selfByFile.set(file(n.callFrame.url), (selfByFile.get(file(n.callFrame.url)) ?? 0) + us);
  // Each of the library's own frames on the stack gets the sample once (recursion counted once).
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)!;
    if (!seen.has(frame(f))) {
      seen.add(frame(f));
      inclusiveAll.set(frame(f), (inclusiveAll.get(frame(f)) ?? 0) + us);
      if (/\/src\//.test(f.callFrame.url)) {
        inclusiveOwn.set(frame(f), (inclusiveOwn.get(frame(f)) ?? 0) + us);
      }
    }
  }
}
console.log(`total ${(totalUs / 1000).toFixed(0)} ms sampled`);
top(selfByFrame, 25, 'self time by function');
top(selfByFile, 15, 'self time by file');
top(inclusiveAll, Number(process.argv[3] ?? 40), 'total time by function (its callees included)');
top(inclusiveOwn, 25, 'total time under the library\'s own functions (src/)');
