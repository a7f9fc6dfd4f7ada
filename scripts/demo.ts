// Synthesizes every example app and prints, per stack, its resources by type
// and its unacknowledged cdk-nag findings (the packs the tests use, and this
// library's EncryptionStandardsChecks, whose findings are named EncStd-*).
//
//   npx tsx scripts/demo.ts          # every examples/*.ts
//   npx tsx scripts/demo.ts <dir>    # every *.ts in another directory
//
// Example convention (examples/README.md, loaded by test/helpers/examples.ts):
// examples/<name>.ts exports `build(outdir?: string): App`, which creates
// `new App({ outdir })` and returns it WITHOUT synthesizing; the file may call
// `build().synth()` under `if (require.main === module)` to run on its own.
// The demo needs the unsynthesized App because cdk-nag 3 checks the construct
// tree, which a cloud assembly alone does not give.
//
// Output goes to cdk.out/<name>/. Exits 1 if any example fails to load, build
// or synthesize; cdk-nag findings are printed, not failed on.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { EncryptionStandardsChecks } from '../src';
import { EXAMPLES_DIR, exampleNames, loadExample } from '../test/helpers/examples';
import { defaultNagPacks, formatNagFindings, NagFinding, nagFindings } from '../test/helpers/nag';

const ROOT = path.resolve(__dirname, '..');

function runExample(dir: string, name: string): void {
  const outdir = path.join(ROOT, 'cdk.out', name);
  console.log(`\n== ${name} -> ${path.relative(ROOT, outdir)}`);
  const example = loadExample(name, dir);
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = example.build(outdir);
  if (!App.isApp(app)) {
    throw new Error(`${name}: build() must return an App`);
  }
  app.synth();

  // The four standard packs and this library's own encryption standard, at its defaults.
  const packs = [...defaultNagPacks(), new EncryptionStandardsChecks()];
  const byStack = groupByStack(app, nagFindings(app, packs));
  for (const stack of app.node.findAll().filter(Stack.isStack)) {
    const findings = byStack.get(stack) ?? [];
    console.log(`  stack ${stack.node.path} (${stack.templateFile})`);
    for (const [type, count] of resourceCounts(stack)) {
      console.log(`    ${String(count).padStart(3)}  ${type}`);
    }
    // One count per pack, so a clean result shows which packs ran.
    const perPack = packs.map(p => `${p.readPackName} ${findings.filter(f => f.pack === p.readPackName).length}`);
    console.log(`    cdk-nag findings: ${perPack.join(', ')}`);
    if (findings.length > 0) {
      console.log(formatNagFindings(findings).replace(/^/gm, '      '));
    }
  }
}

/** Resource types in the stack's synthesized template, most frequent first. */
function resourceCounts(stack: Stack): Array<[string, number]> {
  const file = path.join(Stage.of(stack)!.outdir, stack.templateFile);
  const template = JSON.parse(fs.readFileSync(file, 'utf-8')) as { Resources?: Record<string, { Type: string }> };
  const counts = new Map<string, number>();
  for (const { Type } of Object.values(template.Resources ?? {})) {
    counts.set(Type, (counts.get(Type) ?? 0) + 1);
  }
  return [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
}

/** Findings under the stack whose template holds the resource (nested stacks count separately). */
function groupByStack(app: App, findings: NagFinding[]): Map<Stack, NagFinding[]> {
  const byPath = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  const groups = new Map<Stack, NagFinding[]>();
  for (const finding of findings) {
    const construct = byPath.get(finding.resourcePath);
    if (!construct) {
      throw new Error(`finding on unknown construct ${finding.resourcePath}`);
    }
    const stack = Stack.of(construct);
    groups.set(stack, [...(groups.get(stack) ?? []), finding]);
  }
  return groups;
}

function main(): number {
  const dir = path.resolve(process.argv[2] ?? EXAMPLES_DIR);
  const names = fs.existsSync(dir) ? exampleNames(dir) : [];
  if (names.length === 0) {
    console.log(`no examples in ${path.relative(ROOT, dir)} (expected <name>.ts exporting build(outdir?: string): App)`);
    return 0;
  }
  const failed: string[] = [];
  for (const name of names) {
    try {
      runExample(dir, name);
    } catch (e) {
      console.error(`  FAILED: ${(e as Error).stack ?? e}`);
      failed.push(name);
    }
  }
  if (failed.length > 0) {
    console.error(`\n${failed.length} example(s) failed: ${failed.join(', ')}`);
  }
  return failed.length > 0 ? 1 : 0;
}

process.exit(main());
