import { execFileSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';

// Issue 17, item 8: lib/*.js carry inline source maps whose sources are ../src/*.ts
// (tsconfig.json: rootDir src, outDir lib, inlineSourceMap). The package ships src/ so
// that a stack trace under `node --enable-source-maps` names a file that exists.

const root = join(__dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [relative(root, join(dir, e.name))]);
}

describe('the npm package', () => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
  const files: string[] = packed[0].files.map((f: { path: string }) => f.path);

  test('ships every source file the source maps point to', () => {
    const compilerOptions = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).compilerOptions;
    expect(compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'lib', inlineSourceMap: true });
    const sources = filesUnder(join(root, 'src')).filter(f => f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter(f => !files.includes(f))).toEqual([]);
  });

  test('ships no tests, integ apps, examples or benchmarks', () => {
    expect(files.filter(f => /^(test|integ|examples|bench|scripts|docs)\//.test(f))).toEqual([]);
  });
});
