// What the published packages may contain, shared by test/release/npm-package.test.ts,
// test/release/wheel.test.ts and scripts/check-wheel.ts (which package:python runs on the
// wheel it builds).
import { execFileSync } from 'child_process';
import * as path from 'path';

/** Paths allowed in the npm tarball (and in the tarball jsii embeds in every other language's package). */
export const NPM_SHIPS: readonly RegExp[] = [
  /^lib\/.+\.(js|d\.ts)$/,
  /^\.jsii$/,
  /^API\.md$/,
  /^README\.md$/,
  /^RULES\.md$/,
  /^LICENSE$/,
  /^package\.json$/,
  /^assets\/[^/]+\/[^/]+\.lambda\/index\.js$/,
];

/** Paths allowed in the Python wheel: the generated module, the embedded npm tarball, the metadata. */
export const WHEEL_SHIPS: readonly RegExp[] = [
  /^cdk_kms_patterns\/(__init__\.py|py\.typed|_jsii\/__init__\.py)$/,
  /^cdk_kms_patterns\/_jsii\/cdk-kms-patterns@[^/]+\.jsii\.tgz$/,
  /^cdk_kms_patterns-[^/]+\.dist-info\/(LICENSE|METADATA|WHEEL|top_level\.txt|RECORD)$/,
];

/** The paths of `files` that no pattern allows. */
export function notAllowed(files: readonly string[], allowed: readonly RegExp[]): string[] {
  return files.filter(file => !allowed.some(re => re.test(file)));
}

// Python (which jsii-pacmak needs for the wheel anyway) reads zip and tar natively.
const LIST_WHEEL = `
import json, sys, tarfile, zipfile, io
z = zipfile.ZipFile(sys.argv[1])
embedded = []
for name in z.namelist():
    if name.endswith('.jsii.tgz'):
        with tarfile.open(fileobj=io.BytesIO(z.read(name))) as t:
            embedded = [m.name for m in t.getmembers() if m.isfile()]
print(json.dumps({'files': z.namelist(), 'embedded': embedded}))
`;

/** What a wheel holds (and the npm tarball it embeds), and what it must not hold. */
export interface WheelReport {
  readonly files: string[];
  readonly embedded: string[];
  readonly problems: string[];
}

/** Lists the wheel at `file` and names every path outside WHEEL_SHIPS (and NPM_SHIPS for the embedded tarball). */
export function checkWheel(file: string): WheelReport {
  const { files, embedded } = JSON.parse(execFileSync('python3', ['-c', LIST_WHEEL, file], { encoding: 'utf-8' })) as { files: string[]; embedded: string[] };
  const name = path.basename(file);
  const problems = [
    ...notAllowed(files, WHEEL_SHIPS).map(f => `${name}: ${f}`),
    ...notAllowed(embedded.map(f => f.replace(/^package\//, '')), NPM_SHIPS).map(f => `${name} (embedded npm tarball): ${f}`),
  ];
  if (!embedded.includes('package/lib/index.js') || !embedded.includes('package/.jsii')) {
    problems.push(`${name}: the embedded npm tarball lacks lib/index.js or .jsii`);
  }
  return { files, embedded, problems };
}
