// AWS Control Tower proactive controls (the cfn-guard rules bundled with
// @cdklabs/cdk-validator-cfnguard), run offline against a template.
//
// Why the bundled binary directly instead of the package's CfnGuardValidator plugin:
// - the plugin treats cfn-guard exit code 5 (a rule file failed to parse) as
//   success, so a broken rule would silently pass everything;
// - it reports guard rule names (e.g. `kms_key_rotation_enabled_check`), which are
//   not unique across Control Tower files; the control id (`CT.KMS.PR.1`) only
//   appears in the rule's custom message, which we parse ourselves.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TemplateInput, withTemplateFile } from './template-file';

export interface GuardFailure {
  /** Control Tower control id (e.g. `CT.KMS.PR.1`), or the `[ID]` of a custom rule's message. */
  readonly ruleId: string;
  /** The guard rule that failed, e.g. `kms_key_rotation_enabled_check`. */
  readonly guardRule: string;
  /** The control's one-line description. */
  readonly message: string;
  readonly fix: string;
  /** Logical ids of the non-compliant resources. */
  readonly resources: string[];
}

const PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES_DIR = path.join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');
// Control Tower messages read `[CT.KMS.PR.1]: description` then `[FIX]: remedy`.
const RULE_ID = /\[(?!FIX\])([^\]\s]+)\]:\s*(.*)/;
const FIX = /\[FIX\]:\s*(.*)/;

/** Every bundled Control Tower rule file by control id; `ct-kms-pr-1.guard` is `CT.KMS.PR.1`. */
export function controlTowerRuleFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const service of fs.readdirSync(RULES_DIR)) {
    for (const file of fs.readdirSync(path.join(RULES_DIR, service))) {
      const m = /^ct-(.+)-pr-(\d+)\.guard$/.exec(file);
      if (m) {
        files.set(`CT.${m[1].toUpperCase()}.PR.${m[2]}`, path.join(RULES_DIR, service, file));
      }
    }
  }
  return files;
}

/**
 * Runs the given Control Tower controls (all of them by default) against a
 * template and returns one entry per failing control. Throws if cfn-guard
 * itself fails or its output cannot be attributed to a control.
 */
export function controlTowerFailures(template: TemplateInput, ruleIds?: string[]): GuardFailure[] {
  const available = controlTowerRuleFiles();
  const ruleFiles = (ruleIds ?? [...available.keys()]).map((id) => {
    const file = available.get(id);
    if (!file) {
      throw new Error(`unknown Control Tower rule ${id}; bundled rules look like CT.KMS.PR.1`);
    }
    return file;
  });
  return guardFailures(template, ruleFiles);
}

/**
 * Runs arbitrary guard rule files whose custom messages follow the Control
 * Tower convention (`[RULE-ID]: description` / `[FIX]: remedy`).
 */
export function guardFailures(template: TemplateInput, ruleFiles: string[]): GuardFailure[] {
  return parseFailures(withTemplateFile(template, (templatePath) => runGuard(ruleFiles, templatePath)));
}

function runGuard(ruleFiles: string[], templatePath: string): string {
  const guard = guardBinary();
  const args = ['validate', ...ruleFiles.flatMap((f) => ['--rules', f]), '--data', templatePath,
    '--output-format', 'json', '--show-summary', 'none', '--structured'];
  const proc = spawnSync(guard, args, { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
  // 0: all rules passed or were skipped; 19: some rule failed. Anything else
  // (5 is "a rule file did not parse") means the result cannot be trusted.
  if (proc.error || (proc.status !== 0 && proc.status !== 19)) {
    throw new Error(`cfn-guard failed (status ${proc.status}, ${proc.error ?? proc.signal ?? ''}):\n${proc.stderr}`);
  }
  return proc.stdout;
}

/** The bundled binary for this platform. npm may not keep its exec bit (no install scripts), so restore it. */
export function guardBinary(): string {
  const platforms: Record<string, string> = { linux: 'ubuntu', darwin: 'macos' };
  const archs: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };
  const platform = platforms[process.platform];
  const arch = archs[process.arch];
  const binary = path.join(PACKAGE_DIR, 'bin', platform ?? '?', arch ?? '?', 'cfn-guard');
  if (!fs.existsSync(binary)) {
    throw new Error(`no bundled cfn-guard for ${process.platform}/${process.arch} (looked for ${binary})`);
  }
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    fs.chmodSync(binary, 0o755);
  }
  return binary;
}

interface GuardReport {
  readonly not_compliant?: Array<{ Rule: { name: string } }>;
}

function parseFailures(stdout: string): GuardFailure[] {
  const reports = JSON.parse(stdout) as GuardReport[];
  const failures = new Map<string, GuardFailure>();
  for (const nonCompliant of reports.flatMap((r) => r.not_compliant ?? [])) {
    const rule = nonCompliant.Rule;
    const messages: string[] = [];
    const paths: string[] = [];
    collect(rule, messages, paths);
    const ids = new Set(messages.map((m) => RULE_ID.exec(m)?.[1]).filter((id): id is string => !!id));
    if (ids.size !== 1) {
      throw new Error(`cannot attribute failing guard rule ${rule.name} to one rule id (found ${[...ids].join(', ') || 'none'})`);
    }
    const ruleId = [...ids][0];
    const text = messages.find((m) => m.includes(`[${ruleId}]`))!;
    const resources = [...new Set(paths.map((p) => p.split('/')[2]))];
    const existing = failures.get(ruleId);
    failures.set(ruleId, {
      ruleId,
      guardRule: rule.name,
      message: RULE_ID.exec(text)![2].trim(),
      fix: FIX.exec(text)?.[1].trim() ?? '',
      resources: [...new Set([...(existing?.resources ?? []), ...resources])].sort(),
    });
  }
  return [...failures.values()].sort((a, b) => a.ruleId.localeCompare(b.ruleId));
}

/** Gathers custom messages and `/Resources/<id>/...` paths from guard's nested check tree. */
function collect(node: unknown, messages: string[], paths: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((child) => collect(child, messages, paths));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'custom_message' && typeof value === 'string' && value.trim()) {
        messages.push(value);
      } else if (key === 'path' && typeof value === 'string' && value.startsWith('/Resources/')) {
        paths.push(value);
      } else {
        collect(value, messages, paths);
      }
    }
  }
}
