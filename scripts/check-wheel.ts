// Checks the Python wheel(s) under dist/python: only the generated module, the embedded
// npm tarball and the metadata, and the embedded tarball holds only what the npm package
// may ship. Prints each wheel's size. Run by the package:python task after jsii-pacmak;
// by hand: npx tsx scripts/check-wheel.ts
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { NPM_SHIPS, WHEEL_SHIPS, notAllowed } from '../test/release/package-contents';

// Python (which jsii-pacmak needs for the wheel anyway) reads zip and tar natively.
const LIST = `
import json, sys, tarfile, zipfile, io
z = zipfile.ZipFile(sys.argv[1])
embedded = []
for name in z.namelist():
    if name.endswith('.jsii.tgz'):
        with tarfile.open(fileobj=io.BytesIO(z.read(name))) as t:
            embedded = [m.name for m in t.getmembers() if m.isfile()]
print(json.dumps({'files': z.namelist(), 'embedded': embedded}))
`;

const dir = path.resolve(__dirname, '..', 'dist', 'python');
const wheels = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.whl')) : [];
if (wheels.length === 0) {
  throw new Error(`no wheel under ${dir}: run npx projen package:python first`);
}
const problems: string[] = [];
for (const wheel of wheels) {
  const file = path.join(dir, wheel);
  const { files, embedded } = JSON.parse(execFileSync('python3', ['-c', LIST, file], { encoding: 'utf-8' })) as { files: string[]; embedded: string[] };
  problems.push(...notAllowed(files, WHEEL_SHIPS).map(f => `${wheel}: ${f}`));
  problems.push(...notAllowed(embedded.map(f => f.replace(/^package\//, '')), NPM_SHIPS).map(f => `${wheel} (embedded npm tarball): ${f}`));
  if (!embedded.includes('package/lib/index.js') || !embedded.includes('package/.jsii')) {
    problems.push(`${wheel}: the embedded npm tarball lacks lib/index.js or .jsii`);
  }
  console.log(`${wheel}: ${fs.statSync(file).size} bytes, ${files.length} files, embedded npm tarball of ${embedded.length} files`);
}
if (problems.length > 0) {
  throw new Error(`the wheel ships what it must not:\n${problems.join('\n')}`);
}
