import * as path from 'path';
import { loadESLint } from 'eslint';

// The layers of src/ (CONTRIBUTING.md "Layout"), as .eslintrc.json enforces them: each zone
// refuses an import that runs the wrong way, and lets the allowed one through. The probe
// files sit in the zone but need not exist: ESLint lints the text given for that path.
const ROOT = path.resolve(__dirname, '..', '..');

let LegacyESLint: Awaited<ReturnType<typeof loadESLint>>;
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
  });
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter(m => m.ruleId === rule || m.fatal).map(m => m.message);
}

const PATHS = 'import/no-restricted-paths';
const IMPORTS = 'no-restricted-imports';

interface Zone {
  /** What the zone forbids. */
  readonly name: string;
  readonly rule: string;
  /** A part of the rule's message for this zone. */
  readonly message: string;
  /** Files of the zone and an import each must refuse. */
  readonly refused: Array<[string, string]>;
  /** Files of the zone and an import each must allow: the control. */
  readonly allowed: Array<[string, string]>;
}

const ZONES: Zone[] = [
  {
    name: 'src/private/ imports no construct, monitoring/, rotation-verification/ or nag/ module',
    rule: PATHS,
    message: 'src/private/ is the bottom layer',
    refused: [
      ['src/private/probe.ts', "import { TenantKey } from '../tenant-key';"],
      ['src/private/probe.ts', "import { EncryptionMonitor } from '../monitoring/encryption-monitor';"],
      ['src/private/probe.ts', "import { RotationVerification } from '../rotation-verification/rotation-verification';"],
      ['src/private/probe.ts', "import { EncryptionStandardsChecks } from '../nag/encryption-standards-checks';"],
    ],
    allowed: [
      ['src/private/probe.ts', "import { invalidProp } from './validate';"],
      ['src/private/probe.ts', "import { SafeKeyOptions } from '../key-options';"],
      ['src/private/probe.ts', "import { ServiceExemption } from '../service-exemption';"],
      ['src/private/probe.ts', "import { Stack } from 'aws-cdk-lib';"],
    ],
  },
  {
    name: 'monitoring/, rotation-verification/ and token-rotation/ import no construct file',
    rule: PATHS,
    message: 'not the other way round',
    refused: [
      ['src/monitoring/probe.ts', "import { TenantKey } from '../tenant-key';"],
      ['src/rotation-verification/probe.ts', "import { KeyConstructBase } from '../key-construct-base';"],
      ['src/token-rotation/probe.ts', "import { RandomTokenRotation } from '../random-token-rotation';"],
    ],
    allowed: [
      ['src/monitoring/probe.ts', "import { invalidProp } from '../private/validate';"],
      ['src/monitoring/probe.ts', "import { DailyRotationCheck } from '../rotation-verification/daily-rotation-check';"],
    ],
  },
  {
    name: 'src/nag/ imports nothing outside src/nag/',
    rule: PATHS,
    message: 'src/nag/ imports nothing outside src/nag/',
    refused: [
      ['src/nag/rules/probe.ts', "import { invalidProp } from '../../private/validate';"],
      ['src/nag/rules/probe.ts', "import { TenantKey } from '../../tenant-key';"],
    ],
    allowed: [
      ['src/nag/rules/probe.ts', "import { render } from '../private/template';"],
      ['src/nag/rules/probe.ts', "import { NagRuleCompliance } from 'cdk-nag';"],
    ],
  },
  {
    name: 'the Lambda handlers and the decisions they import use no aws-cdk-lib',
    rule: IMPORTS,
    message: 'run without the CDK',
    refused: [
      ['src/rotation-verification/probe.lambda.ts', "import { Duration } from 'aws-cdk-lib';"],
      ['src/token-rotation/probe.lambda.ts', "import * as kms from 'aws-cdk-lib/aws-kms';"],
      ['src/rotation-verification/checks.ts', "import { Construct } from 'constructs';"],
      ['src/token-rotation/steps.ts', "import { Token } from 'aws-cdk-lib';"],
    ],
    allowed: [
      ['src/rotation-verification/probe.lambda.ts', "import { KMSClient } from '@aws-sdk/client-kms';"],
      ['src/rotation-verification/probe.lambda.ts', "import { decide } from './checks';"],
      // Only those files: a construct file may.
      ['src/probe.ts', "import { Stack } from 'aws-cdk-lib';"],
    ],
  },
];

describe.each(ZONES)('$name', ({ rule, message, refused, allowed }) => {
  test.each(refused)('fails in %s for %s', async (file, code) => {
    expect(await lint(file, `${code}\nexport const x = 1;\n`, rule)).toEqual([expect.stringContaining(message)]);
  });

  test.each(allowed)('passes in %s for %s', async (file, code) => {
    expect(await lint(file, `${code}\nexport const x = 1;\n`, rule)).toEqual([]);
  });
});
