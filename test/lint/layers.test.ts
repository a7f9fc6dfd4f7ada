import * as path from 'path';
import { ESLint, loadESLint } from 'eslint';

// The layers of src/ (CONTRIBUTING.md "Layout"), as .eslintrc.json enforces them: each zone
// refuses an import that runs the wrong way, and lets the allowed one through. The probe
// files sit in the zone but need not exist: ESLint lints the text given for that path.
const ROOT = path.resolve(__dirname, '..', '..');

let LegacyESLint: typeof ESLint;
beforeAll(async () => {
  LegacyESLint = await loadESLint({ useFlatConfig: false });
});

/**
 * The messages of `rule` for `code` linted as the file `file` (relative to the root), with
 * the project's .eslintrc.json as it applies to that file, that rule alone on. Alone: the
 * other rules include type-aware ones, which a file outside the TypeScript project cannot run.
 */
async function lint(file: string, code: string, rule: string): Promise<string[]> {
  const filePath = path.join(ROOT, file);
  const config = await new LegacyESLint({ cwd: ROOT }).calculateConfigForFile(filePath);
  const rules = Object.fromEntries(Object.keys(config.rules).map(r => [r, r === rule ? config.rules[r] : 'off']));
  const eslint = new LegacyESLint({
    cwd: ROOT,
    useEslintrc: true,
    overrideConfig: { parserOptions: { projectService: false, project: null }, rules },
  } as ESLint.Options);
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter(m => m.ruleId === rule || m.fatal).map(m => m.message);
}

const PATHS = 'import/no-restricted-paths';
const IMPORTS = 'no-restricted-imports';

describe('src/private/ imports no layer above it', () => {
  test.each([
    ['a construct', "import { TenantKey } from '../tenant-key';"],
    ['the monitor', "import { EncryptionMonitor } from '../monitoring/encryption-monitor';"],
    ['the rotation verification', "import { RotationVerification } from '../rotation-verification/rotation-verification';"],
    ['the nag pack', "import { EncryptionStandardsChecks } from '../nag/encryption-standards-checks';"],
  ])('fails when it imports %s', async (_what, code) => {
    expect(await lint('src/private/probe.ts', `${code}\nexport const x = 1;\n`, PATHS)).toEqual([
      expect.stringContaining('src/private/ is the bottom layer'),
    ]);
  });

  test.each([
    ['another private module', "import { invalidProp } from './validate';"],
    ['the public option interfaces', "import { SafeKeyOptions } from '../key-options';"],
    ['ServiceExemption', "import { ServiceExemption } from '../service-exemption';"],
    ['aws-cdk-lib', "import { Stack } from 'aws-cdk-lib';"],
  ])('passes when it imports %s', async (_what, code) => {
    expect(await lint('src/private/probe.ts', `${code}\nexport const x = 1;\n`, PATHS)).toEqual([]);
  });
});

describe('monitoring/, rotation-verification/ and token-rotation/ import no construct file', () => {
  test.each([
    ['src/monitoring/probe.ts', "import { TenantKey } from '../tenant-key';"],
    ['src/rotation-verification/probe.ts', "import { KeyConstructBase } from '../key-construct-base';"],
    ['src/token-rotation/probe.ts', "import { RandomTokenRotation } from '../random-token-rotation';"],
  ])('fails in %s for %s', async (file, code) => {
    expect(await lint(file, `${code}\nexport const x = 1;\n`, PATHS)).toEqual([
      expect.stringContaining('not the other way round'),
    ]);
  });

  test('passes for private/ and a sibling folder', async () => {
    const code = "import { invalidProp } from '../private/validate';\nimport { DailyRotationCheck } from '../rotation-verification/daily-rotation-check';\n"
      + 'export const x = [invalidProp, DailyRotationCheck];\n';
    expect(await lint('src/monitoring/probe.ts', code, PATHS)).toEqual([]);
  });
});

describe('src/nag/ imports nothing outside src/nag/', () => {
  test.each([
    ['the library\'s validation', "import { invalidProp } from '../../private/validate';"],
    ['a construct', "import { TenantKey } from '../../tenant-key';"],
  ])('fails when a rule imports %s', async (_what, code) => {
    expect(await lint('src/nag/rules/probe.ts', `${code}\nexport const x = 1;\n`, PATHS)).toEqual([
      expect.stringContaining('src/nag/ imports nothing outside src/nag/'),
    ]);
  });

  test('passes when a rule imports the pack\'s own helpers and cdk-nag', async () => {
    const code = "import { NagRuleCompliance } from 'cdk-nag';\nimport { render } from '../private/template';\nexport const x = [NagRuleCompliance, render];\n";
    expect(await lint('src/nag/rules/probe.ts', code, PATHS)).toEqual([]);
  });
});

describe('the Lambda handlers and their decisions import no aws-cdk-lib', () => {
  test.each([
    ['src/rotation-verification/probe.lambda.ts', "import { Duration } from 'aws-cdk-lib';"],
    ['src/token-rotation/probe.lambda.ts', "import * as kms from 'aws-cdk-lib/aws-kms';"],
    ['src/rotation-verification/checks.ts', "import { Construct } from 'constructs';"],
    ['src/token-rotation/steps.ts', "import { Token } from 'aws-cdk-lib';"],
  ])('fails in %s for %s', async (file, code) => {
    expect(await lint(file, `${code}\nexport const x = 1;\n`, IMPORTS)).toEqual([
      expect.stringContaining('run without the CDK'),
    ]);
  });

  test('passes for the AWS SDK and a sibling module', async () => {
    const code = "import { KMSClient } from '@aws-sdk/client-kms';\nimport { decide } from './checks';\nexport const x = [KMSClient, decide];\n";
    expect(await lint('src/rotation-verification/probe.lambda.ts', code, IMPORTS)).toEqual([]);
  });

  test('the rule covers only those files: a construct file may import aws-cdk-lib', async () => {
    expect(await lint('src/probe.ts', "import { Stack } from 'aws-cdk-lib';\nexport const x = Stack;\n", IMPORTS)).toEqual([]);
  });
});
