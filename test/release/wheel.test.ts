// What ships in the Python wheel (issue #16): the generated module, the npm tarball jsii
// embeds in it, and the wheel's metadata; no tests, examples, benchmarks, integ snapshots,
// virtualenvs or .tmp/. This builds a real wheel with jsii-pacmak from the compiled jsii
// assembly (compiling first where the tree has none), into a scratch directory, so that
// it checks what `package:python` would publish, not only the rules.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkWheel, WheelReport } from './package-contents';

const ROOT = path.resolve(__dirname, '..', '..');

/** A zip at `file` holding `names` (a stand-in wheel for the checker's own test). */
function zip(file: string, entries: Record<string, string>): void {
  execFileSync('python3', ['-c', `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for name, data in json.loads(sys.argv[2]).items():
        z.writestr(name, data)
`, file, JSON.stringify(entries)]);
}

describe('the wheel jsii-pacmak builds from this tree', () => {
  let report: WheelReport;
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, '.jsii'))) {
      execFileSync('npx', ['projen', 'compile'], { cwd: ROOT, stdio: 'ignore' });
    }
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'wheel-'));
    execFileSync('npx', ['jsii-pacmak', '--target', 'python', '--outdir', outdir], { cwd: ROOT, stdio: 'ignore' });
    const wheels = fs.readdirSync(path.join(outdir, 'python')).filter(f => f.endsWith('.whl'));
    expect(wheels).toHaveLength(1);
    report = checkWheel(path.join(outdir, 'python', wheels[0]));
  }, 300_000);

  test('holds only the generated module, the embedded npm tarball and the metadata', () => {
    expect(report.problems).toEqual([]);
    expect(report.files).toEqual(expect.arrayContaining(['cdk_kms_patterns/__init__.py', 'cdk_kms_patterns/py.typed']));
  });

  test('embeds the library and its handler bundles, and no tests, examples or scratch files', () => {
    expect(report.embedded).toEqual(expect.arrayContaining(['package/lib/index.js', 'package/.jsii', 'package/README.md']));
    expect(report.embedded.some(f => /^package\/assets\/.+\.lambda\/index\.js$/.test(f))).toBe(true);
    expect(report.embedded.filter(f => /^package\/(test|examples|bench|integ|scripts|consumers|src|docs|\.venv|\.tmp)\//.test(f))).toEqual([]);
  });
});

test('the wheel check names tests, examples, virtualenvs and scratch files, in the wheel and in its embedded tarball', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wheel-check-'));
  const tarDir = path.join(dir, 'package');
  for (const file of ['lib/index.js', '.jsii', 'test/tenant-key.test.js', '.tmp/x.ts']) {
    fs.mkdirSync(path.dirname(path.join(tarDir, file)), { recursive: true });
    fs.writeFileSync(path.join(tarDir, file), 'x');
  }
  execFileSync('tar', ['-czf', path.join(dir, 'cdk-kms-patterns@0.1.0.jsii.tgz'), '-C', dir, 'package']);
  const wheel = path.join(dir, 'cdk_kms_patterns-0.1.0-py3-none-any.whl');
  zip(wheel, {
    'cdk_kms_patterns/__init__.py': '',
    'cdk_kms_patterns-0.1.0.dist-info/METADATA': '',
    'cdk_kms_patterns/tests/test_x.py': '',
    'examples/tenant_keys.py': '',
    '.venv/bin/python': '',
  });
  // The embedded tarball is binary: add it with Python's zipfile, byte for byte.
  execFileSync('python3', ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'a') as z:
    z.write(sys.argv[2], 'cdk_kms_patterns/_jsii/cdk-kms-patterns@0.1.0.jsii.tgz')
`, wheel, path.join(dir, 'cdk-kms-patterns@0.1.0.jsii.tgz')]);
  expect(checkWheel(wheel).problems.sort()).toEqual([
    'cdk_kms_patterns-0.1.0-py3-none-any.whl (embedded npm tarball): .tmp/x.ts',
    'cdk_kms_patterns-0.1.0-py3-none-any.whl (embedded npm tarball): test/tenant-key.test.js',
    'cdk_kms_patterns-0.1.0-py3-none-any.whl: .venv/bin/python',
    'cdk_kms_patterns-0.1.0-py3-none-any.whl: cdk_kms_patterns/tests/test_x.py',
    'cdk_kms_patterns-0.1.0-py3-none-any.whl: examples/tenant_keys.py',
  ].sort());
});
