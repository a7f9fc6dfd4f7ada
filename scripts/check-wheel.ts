// Checks the Python wheel(s) under dist/python: only the generated module, the embedded
// npm tarball and the metadata, and the embedded tarball holds only what the npm package
// may ship (test/release/wheel.test.ts builds a wheel and checks it the same way). Prints
// each wheel's size. Run by the package:python task after jsii-pacmak;
// by hand: npx tsx scripts/check-wheel.ts
import * as fs from 'fs';
import * as path from 'path';
import { checkWheel } from '../test/release/package-contents';

const dir = path.resolve(__dirname, '..', 'dist', 'python');
const wheels = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.whl')) : [];
if (wheels.length === 0) {
  throw new Error(`no wheel under ${dir}: run npx projen package:python first`);
}
const problems: string[] = [];
for (const wheel of wheels) {
  const file = path.join(dir, wheel);
  const report = checkWheel(file);
  problems.push(...report.problems);
  console.log(`${wheel}: ${fs.statSync(file).size} bytes, ${report.files.length} files, embedded npm tarball of ${report.embedded.length} files`);
}
if (problems.length > 0) {
  throw new Error(`the wheel ships what it must not:\n${problems.join('\n')}`);
}
