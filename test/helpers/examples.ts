// Loads and synthesizes the apps in examples/, for the jest suites and scripts/demo.ts.
//
// Convention: each examples/<name>.ts exports `build(outdir?: string): App`, which
// constructs the app without synthesizing it, and synthesizes it itself only when run
// directly. The helpers here rely on nothing else, so a new example is picked up by
// dropping a file into examples/.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';

/** Absolute path of the examples/ directory. */
export const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

/** What an example module exports. */
export interface ExampleModule {
  build(outdir?: string): App;
}

/** One synthesized stack of one example. */
export interface SynthesizedExample {
  /** The example's file name without `.ts`, e.g. `tenant-keys`. */
  readonly example: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** Absolute path of the synthesized template. */
  readonly templatePath: string;
  /** The stack construct, for construct-tree checks (cdk-nag's `validateScope`, Annotations). */
  readonly stack: Stack;
  /** The example's app (already synthesized). */
  readonly app: App;
}

/** The names of the examples (file names without `.ts`), sorted. */
export function exampleNames(dir: string = EXAMPLES_DIR): string[] {
  return fs.readdirSync(dir)
    .filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map(f => f.slice(0, -'.ts'.length))
    .sort();
}

/** Loads examples/<name>.ts and checks that it follows the convention. */
export function loadExample(name: string, dir: string = EXAMPLES_DIR): ExampleModule {
  const file = path.join(dir, `${name}.ts`);
  // A plain require: ts-jest (jest) and tsx (scripts) both compile .ts on the fly.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as Partial<ExampleModule>;
  if (typeof mod.build !== 'function') {
    throw new Error(`${file} must export a function build(outdir?: string): App`);
  }
  return mod as ExampleModule;
}

/**
 * Builds and synthesizes one example into `outdir` and returns its stacks, stacks in
 * nested Stages included (nested stacks are part of their parent's template and are
 * not listed).
 */
export function synthesizeExample(name: string, outdir: string): SynthesizedExample[] {
  const app = loadExample(name).build(outdir);
  if (!App.isApp(app)) {
    throw new Error(`examples/${name}.ts: build() must return an App`);
  }
  app.synth();
  return app.node.findAll()
    .filter(Stack.isStack)
    .filter(stack => !stack.nested)
    .map(stack => {
      // Each Stage caches its assembly, so this re-uses the synthesis above.
      const assembly = Stage.of(stack)!.synth();
      const artifact = assembly.getStackArtifact(stack.artifactId);
      return {
        example: name,
        stackName: artifact.stackName,
        templatePath: path.resolve(artifact.templateFullPath),
        stack,
        app,
      };
    });
}

/**
 * Builds and synthesizes every example, each into its own `<outdir>/<example>`, and
 * returns every stack of every example, in example order.
 */
export function synthesizeExamples(outdir: string): SynthesizedExample[] {
  return exampleNames().flatMap(name => synthesizeExample(name, path.join(outdir, name)));
}
