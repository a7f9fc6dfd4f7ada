import { readFileSync } from 'fs';
import { join } from 'path';
import { App, CfnResource, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TenantKey } from '../src';
import { Footprint, libraryFootprint } from '../src/private/footprint';

// Issue 17, item 3: what one TenantKey brings, said at synth (an info annotation per stack)
// and in the README's "What one TenantKey adds", whose numbers are asserted here so they
// cannot drift from what the library synthesizes.

const ENV = { account: '111111111111', region: 'us-east-1' };

/** Prices the README states it assumes (USD, us-east-1). */
const PRICES = {
  keyMonth: 1.0, // AWS KMS pricing, "Key storage": $1 per KMS key per month
  alarmMonth: 0.1, // Amazon CloudWatch pricing, "Alarms": $0.10 per standard-resolution alarm metric per month
};

function stackWith(tenants: string[]): Stack {
  const stack = new Stack(new App(), 'S', { env: ENV });
  tenants.forEach(t => new TenantKey(stack, `Key-${t}`, { tenantId: t }));
  return stack;
}

function templateCounts(stack: Stack): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values<{ Type: string }>(Template.fromStack(stack).toJSON().Resources)) {
    counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  }
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The README's table, as `{ added, retained }` by resource type, and its other numbers. */
function readmeFootprint(): { table: Footprint; further: number; monthly: string } {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split('## What one TenantKey adds')[1]?.split(/\n## /)[0];
  if (!section) {
    throw new Error('README has no "## What one TenantKey adds" section');
  }
  const added: Record<string, number> = {};
  const retained: Record<string, number> = {};
  for (const [, type, a, r] of section.matchAll(/^\| `(AWS::[^`]+|Custom::[^`]+)` \| (\d+) \| (\d+) \|$/gm)) {
    added[type] = Number(a);
    if (Number(r) > 0) retained[type] = Number(r);
  }
  const further = Number(/Each further `TenantKey` in the stack adds (\d+) resources/.exec(section)?.[1]);
  const monthly = /about \*\*\$(\d+\.\d\d) a month\*\*/.exec(section)?.[1] ?? 'missing';
  return { table: { added, retained }, further, monthly };
}

describe('footprint of one TenantKey with the defaults', () => {
  // Built and synthesized in beforeAll, not by the first test that asks: the annotation is
  // made at synth, and mutation testing must try it against every test (docs/mutation.md).
  let stack: Stack;
  let footprint: Footprint;
  beforeAll(() => {
    stack = stackWith(['acme']);
    Template.fromStack(stack);
    footprint = libraryFootprint(stack);
  });

  test('the library\'s count covers every resource of the template', () => {
    expect(footprint.added).toEqual(templateCounts(stack));
  });

  test('the README\'s table, total, further-key count and monthly cost match the synthesized template', () => {
    const readme = readmeFootprint();
    expect(readme.table).toEqual(footprint);
    const twoKeys = total(libraryFootprint(stackWith(['acme', 'globex'])).added);
    expect(readme.further).toBe(twoKeys - total(footprint.added));
    const monthly = (footprint.added['AWS::KMS::Key'] ?? 0) * PRICES.keyMonth + (footprint.added['AWS::CloudWatch::Alarm'] ?? 0) * PRICES.alarmMonth;
    expect(readme.monthly).toBe(monthly.toFixed(2));
  });

  test('says at synth, once per stack, what was added and what `cdk destroy` retains', () => {
    const info = Annotations.fromStack(stack).findInfo('/S', Match.stringLikeRegexp('^cdk-kms-patterns added'));
    expect(info).toHaveLength(1);
    expect(info[0].entry.data).toBe(
      'cdk-kms-patterns added 42 resources to this stack: 7 AWS::CloudWatch::Alarm, 6 AWS::Events::Rule, 1 AWS::IAM::ManagedPolicy, '
      + '3 AWS::IAM::Policy, 4 AWS::IAM::Role, 3 AWS::KMS::Alias, 3 AWS::KMS::Key, 5 AWS::Lambda::Function, 1 AWS::Lambda::Permission, '
      + '1 AWS::Logs::LogGroup, 1 AWS::SNS::Topic, 1 AWS::SNS::TopicPolicy, 2 AWS::SQS::Queue, 2 AWS::SQS::QueuePolicy, '
      + '1 AWS::StepFunctions::StateMachine, 1 Custom::KmsPatternsRotationVerification. '
      + '`cdk destroy` retains 3 AWS::KMS::Key, 1 AWS::Logs::LogGroup (delete them by hand once no data needs them; a key only '
      + 'after its pending window). Turn checks off app-wide with the context keys `cdk-kms-patterns:verifyRotation` and '
      + '`cdk-kms-patterns:monitoring` (README, "What one TenantKey adds").');
    // Info, not a warning: `cdk synth --strict` fails on warnings.
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('counts only what the library added, not the app\'s own resources', () => {
    const withBucket = stackWith(['acme']);
    new s3.Bucket(withBucket, 'AppBucket');
    expect(libraryFootprint(withBucket)).toEqual(footprint);
  });

  test('a stack without library constructs gets no annotation', () => {
    const plain = new Stack(new App(), 'Plain', { env: ENV });
    new s3.Bucket(plain, 'AppBucket');
    expect(Annotations.fromStack(plain).findInfo('*', Match.anyValue())).toEqual([]);
  });
});

describe('footprint, edge cases', () => {
  const quiet = { verifyRotation: false, monitoring: false };
  const infoOf = (stack: Stack) => Annotations.fromStack(stack).findInfo('/S', Match.stringLikeRegexp('^cdk-kms-patterns added')).map(m => m.entry.data);

  test('a stack where the library retains nothing says so', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new TenantKey(stack, 'Key', { tenantId: 'acme', removalPolicy: RemovalPolicy.DESTROY, ...quiet });
    expect(infoOf(stack)).toEqual(['cdk-kms-patterns added 2 resources to this stack: 1 AWS::KMS::Alias, 1 AWS::KMS::Key. '
      + '`cdk destroy` retains nothing. Turn checks off app-wide with the context keys `cdk-kms-patterns:verifyRotation` and '
      + '`cdk-kms-patterns:monitoring` (README, "What one TenantKey adds").']);
  });

  test('counts a resource retained on update or delete (RETAIN_EXCEPT_ON_CREATE) as retained', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const key = new TenantKey(stack, 'Key', { tenantId: 'acme', ...quiet });
    (key.key.node.defaultChild as CfnResource).applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    expect(libraryFootprint(stack)).toEqual({ added: { 'AWS::KMS::Alias': 1, 'AWS::KMS::Key': 1 }, retained: { 'AWS::KMS::Key': 1 } });
  });

  test('counts a nested stack\'s resources in the nested stack, not in its parent', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const nested = new NestedStack(stack, 'Nested');
    new TenantKey(nested, 'Key', { tenantId: 'acme', ...quiet });
    expect(libraryFootprint(stack)).toEqual({ added: {}, retained: {} });
    expect(libraryFootprint(nested)).toEqual({ added: { 'AWS::KMS::Alias': 1, 'AWS::KMS::Key': 1 }, retained: { 'AWS::KMS::Key': 1 } });
  });
});
