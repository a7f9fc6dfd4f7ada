import { JsonFile, awscdk, javascript } from 'projen';

// The minimum aws-cdk-lib this library supports. cdk-nag 3 needs >= 2.257.0, and
// integ-runner 2.197.x reads this version's cloud assembly schema offline.
const CDK_VERSION = '2.257.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-kms-patterns',
  description: 'Customer-managed KMS keys with safe key policies, tenant isolation, rotation verification and an encryption-standards cdk-nag pack.',
  author: 'cdk-kms-patterns maintainers',
  authorAddress: 'maintainers@cdk-kms-patterns.dev',
  repositoryUrl: 'https://github.com/cdk-kms-patterns/cdk-kms-patterns.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'aws-cdk', 'kms', 'encryption', 'multi-tenant', 'cdk-nag', 'security'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // The nag pack ships with the library and its public API extends cdk-nag's types,
  // so jsii requires cdk-nag as a peer dependency (one copy shared with the app).
  peerDeps: ['cdk-nag@^3.0.2'],
  devDeps: [
    // AGPL-3.0: a devDependency only, never shipped.
    '@cloud-copilot/iam-simulate@0.1.173',
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'tsx@^4',
    // Lambda handlers: AWS SDK v3 clients are provided by the Node.js runtime (kept
    // external when bundling); here they serve the handler tests.
    '@aws-sdk/client-kms',
    '@aws-sdk/client-secrets-manager',
    '@types/aws-lambda',
    'aws-sdk-client-mock',
  ],
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
  },

  publishToPypi: {
    distName: 'cdk-kms-patterns',
    module: 'cdk_kms_patterns',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkkmspatterns',
    mavenGroupId: 'io.github.cdk-kms-patterns',
    mavenArtifactId: 'cdk-kms-patterns',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-kms-patterns/cdk-kms-patterns-go',
  },

  gitignore: ['.venv/', 'cdk.out/', '*.d.ts.map', '.tmp/'],
  tsconfigDev: {
    include: ['../integ/**/*.ts', '../examples/**/*.ts', '../scripts/**/*.ts', '../bench/**/*.ts'],
    compilerOptions: {},
  },
  jestOptions: {
    jestConfig: {
      // Synth-heavy suites; the default 5 s is too short on a 2-core CI machine.
      testTimeout: 120_000,
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'integ', 'examples', 'scripts', 'bench'],
  },
});

// What ships in the npm package is lib/ and the jsii assembly, not the dev tooling.
for (const dir of ['/.venv/', '/.tmp/', '/integ/', '/examples/', '/scripts/', '/bench/', '/docs/', '/cdk.out/', '/.ci/']) {
  project.addPackageIgnore(dir);
}
// Integ snapshots are generated; keep them out of diffs and language statistics.
project.gitattributes.addAttributes('/integ/**/*.snapshot/**', 'linguist-generated');
// eslint's project service needs a tsconfig beside the dev-only folders.
for (const dir of ['integ', 'examples', 'scripts', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, { obj: { extends: '../test/tsconfig.json' } });
}

// unrs-resolver 1.13.0 lists platform bindings that were never published, so `npm ci`
// on a fresh clone fails on the lock file; 1.12.2 has them all.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Python tools (cfn-lint now, moto later) live in a gitignored virtualenv the tests create.
const pythonTools = project.addTask('python-tools', {
  description: 'Create .venv with the Python tools the tests use (cfn-lint)',
  exec: 'bash scripts/python-tools.sh',
});

const typecheck = project.addTask('typecheck', {
  description: 'Type-check tests, integ tests and examples (ts-jest runs with isolatedModules)',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});

const integ = project.addTask('integ', {
  description: 'Verify integ/ snapshots offline (no AWS account needed)',
  exec: 'integ-runner --directory integ --language typescript --app "tsx {filePath}" --parallel-regions us-east-1',
  env: { AWS_REGION: 'us-east-1' },
});
project.addTask('integ:update', {
  description: 'Re-synthesize integ/ snapshots offline',
  exec: 'integ-runner --directory integ --language typescript --app "tsx {filePath}" --parallel-regions us-east-1 --update-on-failed --dry-run',
  env: { AWS_REGION: 'us-east-1' },
});

project.addTask('demo', {
  description: 'Synthesize every examples/ app into cdk.out/ and print resources and cdk-nag findings per stack',
  exec: 'tsx scripts/demo.ts',
});

// Synthesis cost of TenantKeyFleet against plain kms.Key; slow, so never part of `test`.
project.addTask('bench', {
  description: 'Benchmark TenantKeyFleet synthesis against plain kms.Key + Alias (args: tenant counts; writes bench/results.md)',
  exec: 'tsx bench/fleet.ts',
  receiveArgs: true,
});

// The test command: Python tools first, then types, unit/security tests, integ snapshots.
const test = project.tasks.tryFind('test')!;
test.reset();
test.spawn(pythonTools);
// *.lambda.ts bundles go to the gitignored assets/: build them before the tests synth.
test.spawn(project.bundler.bundleTask);
test.spawn(typecheck);
test.exec('jest --ci', { receiveArgs: true });
test.spawn(integ);
test.spawn(project.tasks.tryFind('eslint')!);

project.synth();
