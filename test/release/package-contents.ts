// What the published packages may contain, shared by test/release/npm-package.test.ts
// and scripts/check-wheel.ts (which the package:python task runs on the built wheel).

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
