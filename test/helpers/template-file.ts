// Writes a CloudFormation template to a private temp file for the command-line
// checkers (cfn-guard, cfn-lint), which only read files.
import * as fs from 'fs';
import * as path from 'path';
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** A stack (synthesized on demand), a template object, or the path of a template file. */
export type TemplateInput = Stack | Record<string, unknown> | string;

/** `.tmp/` at the repository root: gitignored, and inside the repo so paths in tool output are short. */
export const TMP_ROOT = path.resolve(__dirname, '..', '..', '.tmp');

/**
 * Runs `fn` with the path of a JSON file holding the template. A fresh directory
 * per call keeps parallel jest workers apart; it is removed afterwards.
 * A string input is taken as an existing file and passed through untouched.
 */
export function withTemplateFile<T>(input: TemplateInput, fn: (templatePath: string) => T): T {
  if (typeof input === 'string') {
    if (!fs.existsSync(input)) {
      throw new Error(`template file not found: ${input}`);
    }
    return fn(input);
  }
  const template = Stack.isStack(input) ? Template.fromStack(input).toJSON() : input;
  fs.mkdirSync(TMP_ROOT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(TMP_ROOT, 'template-'));
  try {
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template, null, 2));
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The template of a nested stack as the synthesis wrote it into `assembly` (its references resolved). */
export function writtenTemplate(assembly: CloudAssembly, nested: NestedStack): any {
  return JSON.parse(fs.readFileSync(path.join(assembly.directory, nested.templateFile), 'utf-8'));
}
