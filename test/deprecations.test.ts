// aws-cdk-lib prints "[WARNING] <API> is deprecated" through console.warn when an app
// calls a deprecated API (JSII_DEPRECATED=warn, its default): every user of the library
// would see it on every synth. This suite has teeth on the newest aws-cdk-lib, where
// `npx projen test:cdk-latest` runs it (2.257, the minimum, deprecates less).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { EncryptionMonitor, MonitorTrail, MultiRegionKeySet } from '../src';
import { synthesizeExamples } from './helpers/examples';

let warnings: string[];
let previous: string | undefined;

beforeEach(() => {
  previous = process.env.JSII_DEPRECATED;
  process.env.JSII_DEPRECATED = 'warn';
  warnings = [];
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => { warnings.push(args.join(' ')); });
});

afterEach(() => {
  jest.restoreAllMocks();
  if (previous === undefined) delete process.env.JSII_DEPRECATED; else process.env.JSII_DEPRECATED = previous;
});

const deprecations = () => warnings.filter(w => /is deprecated/.test(w));

test('the warning is captured here when an app calls a deprecated API', () => {
  // Control: the capture works, or the tests below could not fail. CfnResource#addDependsOn
  // is deprecated on every 2.x from the minimum on.
  const stack = new Stack(new App(), 'S');
  const a = new CfnResource(stack, 'A', { type: 'AWS::SNS::Topic' });
  a.addDependsOn(new CfnResource(stack, 'B', { type: 'AWS::SNS::Topic' }));
  expect(deprecations().join('\n')).toMatch(/CfnResource#addDependsOn is deprecated/);
});

test('no example prints a deprecation warning at synth', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'deprecations-'));
  try {
    expect(synthesizeExamples(outdir).length).toBeGreaterThan(0);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  expect(deprecations()).toEqual([]);
});

test('a MultiRegionKeySet and monitors sharing the app\'s trail across stacks print none', () => {
  const app = new App();
  const env = { account: '111111111111', region: 'us-east-1' };
  const first = new Stack(app, 'First', { env });
  const second = new Stack(app, 'Second', { env });
  new EncryptionMonitor(first, 'Monitor', { trail: MonitorTrail.createOncePerApp() });
  new EncryptionMonitor(second, 'Monitor', { trail: MonitorTrail.createOncePerApp() });
  const set = new MultiRegionKeySet(first, 'Keys', { replicaRegions: ['eu-west-1'], alias: 'orders/data' });
  app.synth();
  // Both stack dependencies were made (the check is not vacuous).
  expect(second.dependencies).toContain(first);
  expect(set.replicaKey('eu-west-1').stack.dependencies).toContain(first);
  expect(deprecations()).toEqual([]);
});
