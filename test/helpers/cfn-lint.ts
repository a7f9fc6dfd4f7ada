// cfn-lint (the CloudFormation resource-spec linter) over a synthesized
// template: catches invalid properties, values and references that synth and
// the other checkers accept. Runs the version pinned in
// scripts/requirements-dev.txt from the project's .venv.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TemplateInput, withTemplateFile } from './template-file';

export interface CfnLintMatch {
  /** e.g. `E3002`. */
  readonly ruleId: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly message: string;
  /** e.g. `Resources/Key/Properties/Bogus`. */
  readonly path: string;
}

export interface CfnLintResult {
  readonly errors: CfnLintMatch[];
  readonly warnings: CfnLintMatch[];
  readonly informational: CfnLintMatch[];
  /** One line per match, for failure messages. Empty when clean. */
  readonly output: string;
}

export interface CfnLintOptions {
  /** Rule ids to skip, so an accepted finding is named in the test rather than hidden. */
  readonly ignoreChecks?: string[];
  /** Regions to lint for (resource types and values differ by Region). */
  readonly regions?: string[];
}

const DEFAULT_VENV = path.resolve(__dirname, '..', '..', '.venv');

/** The venv's cfn-lint, or a clear instruction if the venv has not been created. */
export function cfnLintBinary(venv = DEFAULT_VENV): string {
  const binary = path.join(venv, 'bin', 'cfn-lint');
  if (!fs.existsSync(binary)) {
    throw new Error(`cfn-lint not found at ${binary}: run \`npx projen python-tools\` to create the Python venv`);
  }
  return binary;
}

export function cfnLint(template: TemplateInput, options: CfnLintOptions = {}): CfnLintResult {
  const binary = cfnLintBinary();
  const ignore = options.ignoreChecks?.length ? ['--ignore-checks', ...options.ignoreChecks] : [];
  // A fixed region keeps results independent of the caller's AWS_DEFAULT_REGION.
  const regions = options.regions?.length ? options.regions : ['us-east-1'];
  const stdout = withTemplateFile(template, (file) => {
    const proc = spawnSync(binary, ['--format', 'json', '--regions', ...regions, ...ignore, '--', file], { encoding: 'utf-8' });
    // Exit status is a bit mask: 2 errors, 4 warnings, 8 informational. An odd
    // status or anything larger means cfn-lint itself failed: no usable result.
    if (proc.error || proc.status === null || proc.status % 2 === 1 || proc.status > 14) {
      throw new Error(`cfn-lint failed (status ${proc.status}, ${proc.error ?? proc.signal ?? ''}):\n${proc.stderr}${proc.stdout}`);
    }
    return proc.stdout;
  });
  const matches = (JSON.parse(stdout) as RawMatch[]).map(toMatch);
  return {
    errors: matches.filter((m) => m.level === 'Error'),
    warnings: matches.filter((m) => m.level === 'Warning'),
    informational: matches.filter((m) => m.level === 'Informational'),
    output: matches.map((m) => `${m.level} ${m.ruleId} at ${m.path}: ${m.message}`).join('\n'),
  };
}

interface RawMatch {
  readonly Level: CfnLintMatch['level'];
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: Array<string | number> | null };
}

function toMatch(raw: RawMatch): CfnLintMatch {
  return { ruleId: raw.Rule.Id, level: raw.Level, message: raw.Message, path: (raw.Location.Path ?? []).join('/') };
}
