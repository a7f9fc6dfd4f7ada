import * as fs from 'fs';
import * as path from 'path';
import { App, CfnCondition, CfnOutput, CfnParameter, CfnResource, Fn, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TenantKey } from '../../src';
import { FleetShard } from '../../src/private/fleet-shard';
import { ResolvedFragments } from '../../src/private/resolved-fragments';

const ENV = { account: '111111111111', region: 'us-east-1' };
type Rendering = { _toCloudFormation(): any };

/** A shard holding every kind of template section, tokens in each, and references both ways with its parent. */
function richShard(): { app: App; shard: FleetShard } {
  const app = new App();
  const parent = new Stack(app, 'P', { env: ENV });
  const shard = new FleetShard(parent, 'Shard0', 300, 'maxResourcesPerStack');
  const key = new TenantKey(shard.tenants, 'acme', { tenantId: 'acme', verifyRotation: false, monitoring: false });
  const role = new iam.Role(parent, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
  key.grantDecrypt(role); // a parameter of the shard
  new CfnOutput(parent, 'KeyArn', { value: key.keyArn }); // an output of the shard
  const env = new CfnParameter(shard, 'Env', { default: 'prod' });
  const isProd = new CfnCondition(shard, 'IsProd', { expression: Fn.conditionEquals(env.valueAsString, 'prod') });
  new CfnResource(shard, 'Topic', {
    type: 'AWS::SNS::Topic',
    properties: { TopicName: Lazy.string({ produce: () => `${Stack.of(shard).region}-topic` }), KmsMasterKeyId: key.keyId },
  }).cfnOptions.condition = isProd;
  new CfnOutput(shard, 'Late', { value: Lazy.string({ produce: () => shard.resolve(key.keyArn) && 'late' }), condition: isProd });
  shard.templateOptions.metadata = { Region: Lazy.string({ produce: () => Stack.of(shard).region }) };
  shard.addTransform('AWS::LanguageExtensions');
  return { app, shard };
}

describe('ResolvedFragments (a fleet shard\'s render without aws-cdk-lib\'s second walk)', () => {
  test('renders what aws-cdk-lib\'s own render gives, every section included', () => {
    const { app, shard } = richShard();
    const written = fs.readFileSync(path.join(app.synth().directory, shard.templateFile), 'utf-8'); // references resolved
    const theirs = (Stack.prototype as unknown as Rendering)._toCloudFormation.call(shard);
    const ours = (shard as unknown as Rendering)._toCloudFormation();
    expect(JSON.stringify(ours)).toEqual(JSON.stringify(theirs));
    expect(JSON.parse(written)).toEqual(theirs);
    expect(Object.keys(ours).sort()).toEqual(['Conditions', 'Description', 'Metadata', 'Outputs', 'Parameters', 'Resources', 'Transform']);
    expect(ours.Metadata).toEqual({ Region: 'us-east-1' });
  });

  test('engages with this aws-cdk-lib: the merged template reaches the full walk without its resources', () => {
    // Fails (the output stays right) if aws-cdk-lib renders a stack another way: see ResolvedFragments.
    const { app, shard } = richShard();
    app.synth();
    const walked = jest.spyOn(Stack.prototype, 'resolve');
    try {
      (shard as unknown as Rendering)._toCloudFormation();
      const merged = walked.mock.calls.map(([x]) => x).filter(x => typeof x === 'object' && x !== null && 'Description' in x);
      expect(merged).toHaveLength(1);
      expect(Object.keys(merged[0]).filter(k => (merged[0] as any)[k] !== undefined).sort()).toEqual(['Description', 'Metadata', 'Transform']);
    } finally {
      walked.mockRestore();
    }
  });

  test('walks the resolved resources once: the merged template is resolved without them', () => {
    const { shard } = richShard();
    const resolved: unknown[] = [];
    const fragments = new ResolvedFragments();
    const resolve = (x: unknown): any => {
      resolved.push(x);
      return Stack.prototype.resolve.call(shard, x);
    };
    const resource = fragments.resolve({ Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: Lazy.string({ produce: () => 'a' }) } } } }, resolve);
    const template = { Description: 'd', Transform: undefined, AWSTemplateFormatVersion: undefined, Metadata: undefined, Resources: resource.Resources };
    expect(fragments.resolve(template, resolve)).toEqual({ Description: 'd', Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'a' } } } });
    expect(resolved[1]).toEqual({ Description: 'd', Transform: undefined, AWSTemplateFormatVersion: undefined, Metadata: undefined });
  });

  test('resolves in full what it did not see come out of a fragment, and a template of another shape', () => {
    const { shard } = richShard();
    const fragments = new ResolvedFragments();
    const resolve = (x: unknown): any => Stack.prototype.resolve.call(shard, x);
    const region = Lazy.string({ produce: () => 'eu-west-1' });
    const seen = fragments.resolve({ Resources: { A: { Type: 'T' } } }, resolve);
    // An entry nobody resolved beside one that was: the section is resolved again, whole.
    const mixed = { Transform: undefined, AWSTemplateFormatVersion: undefined, Resources: { ...seen.Resources, B: { Type: 'T', Properties: { R: region } } } };
    expect(fragments.resolve(mixed, resolve).Resources.B.Properties.R).toBe('eu-west-1');
    // Without the template options aws-cdk-lib sets, it is not taken for the merged template.
    expect(fragments.resolve({ Resources: { C: { Type: 'T', Properties: { R: region } } } }, resolve).Resources.C.Properties.R).toBe('eu-west-1');
  });

  test('passes through a fragment that resolves to nothing, or to a value that is not an object', () => {
    const fragments = new ResolvedFragments();
    expect(fragments.resolve(undefined, x => x)).toBeUndefined();
    expect(fragments.resolve(null, x => x)).toBeNull();
    expect(fragments.resolve('text', x => x)).toBe('text');
  });

  test('a section that is a list or an instance is not taken for resolved entries', () => {
    const fragments = new ResolvedFragments();
    const entry = { Type: 'T' };
    // Seen inside a list, the entry was not a section's: the merged template's section holding it is resolved again.
    fragments.resolve({ Resources: [entry] }, x => x);
    const calls: unknown[] = [];
    fragments.resolve({ Transform: undefined, AWSTemplateFormatVersion: undefined, Resources: { A: entry } }, x => {
      calls.push(x);
      return x;
    });
    expect(calls).toEqual([{ Transform: undefined, AWSTemplateFormatVersion: undefined, Resources: { A: entry } }]);
  });
});
