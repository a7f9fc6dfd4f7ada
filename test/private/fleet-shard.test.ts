import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, CfnParameter, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { FleetShard, MAX_OUTPUTS, MAX_PARAMETERS, MAX_TEMPLATE_BYTES } from '../../src/private/fleet-shard';

// FleetShard on its own, at the exact edges of the quotas it enforces; test/tenant-key-fleet.test.ts
// shows the same checks through a TenantKeyFleet.

interface Built { readonly app: App; readonly shard: FleetShard }

/** A shard at `S/Shard` with a budget of `budget` resources (named `budgetProp` in errors), holding `resources` wait-condition handles. */
function shardWith(resources: number, budget = 500): Built {
  const app = new App();
  const shard = new FleetShard(new Stack(app, 'S'), 'Shard', budget, 'maxResourcesPerStack');
  for (let i = 0; i < resources; i++) {
    new CfnResource(shard.tenants, `Handle${i}`, { type: 'AWS::CloudFormation::WaitConditionHandle' });
  }
  return { app, shard };
}

/** The shard's template as written to the cloud assembly. */
function written(built: Built): { bytes: number; template: any } {
  const file = path.join(built.app.synth().directory, built.shard.templateFile);
  return { bytes: fs.statSync(file).size, template: JSON.parse(fs.readFileSync(file, 'utf-8')) };
}

describe('FleetShard', () => {
  test('holds its tenants under Tenants and names its fleet and itself in the template description', () => {
    const built = shardWith(1);
    expect(built.shard.tenants.node.path).toBe('S/Shard/Tenants');
    expect(written(built).template.Description).toBe('cdk-kms-patterns TenantKeyFleet S: Shard');
  });

  test('renders its template once per synthesis: the write reuses the render made for the asset hash', () => {
    const built = shardWith(2);
    const render = jest.spyOn(Stack.prototype as unknown as { _toCloudFormation(): unknown }, '_toCloudFormation');
    try {
      const { template } = written(built);
      expect(render.mock.contexts.filter(c => c === built.shard)).toHaveLength(1);
      expect(Object.keys(template.Resources)).toHaveLength(2);
    } finally {
      render.mockRestore();
    }
  });

  test('renders afresh after the write: a resource added later is in the next render', () => {
    const built = shardWith(1);
    written(built);
    new CfnResource(built.shard, 'Later', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    const fresh = (built.shard as unknown as { _toCloudFormation(): any })._toCloudFormation();
    expect(Object.keys(fresh.Resources)).toEqual([expect.stringMatching(/^TenantsHandle0/), 'Later']);
  });

  describe('resource budget', () => {
    test('passes with exactly as many resources as the budget', () => {
      expect(() => written(shardWith(3, 3))).not.toThrow();
    });

    test('fails with one resource more, naming the prop, the count and the budget', () => {
      expect(() => written(shardWith(4, 3))).toThrow(
        'S/Shard: `maxResourcesPerStack` must be at least the 4 resources this stack holds, got 3. Tenants already placed never move: '
        + 'raise the budget (at most 500, CloudFormation\'s limit), or turn a per-tenant resource off (`verifyRotation`)');
    });

    test('counts the resources of its own template only, not those of a stack nested in it', () => {
      const built = shardWith(2, 3);
      const inner = new NestedStack(built.shard, 'Inner');
      new CfnResource(inner, 'A', { type: 'AWS::CloudFormation::WaitConditionHandle' });
      new CfnResource(inner, 'B', { type: 'AWS::CloudFormation::WaitConditionHandle' });
      // Two handles and the AWS::CloudFormation::Stack of the inner stack.
      expect(() => written(built)).not.toThrow();
    });
  });

  // "CloudFormation quotas" (AWS CloudFormation User Guide): template body size in an Amazon S3 object, 1 MB.
  describe('template size', () => {
    /** A shard whose template is `bytes` long, padded by a property of one resource. */
    function shardOfSize(bytes: number): Built {
      const padded = (length: number): Built => {
        const built = shardWith(0);
        new CfnResource(built.shard, 'Padded', { type: 'Custom::Padded', properties: { Pad: 'x'.repeat(length) } });
        return built;
      };
      // Each further character of the padding is one byte more.
      return padded(1000 + bytes - written(padded(1000)).bytes);
    }

    test('passes at exactly 1,000,000 bytes', () => {
      const built = shardOfSize(MAX_TEMPLATE_BYTES);
      expect(written(built).bytes).toBe(1_000_000);
    });

    test('fails at one byte more, naming the prop to lower', () => {
      expect(() => written(shardOfSize(MAX_TEMPLATE_BYTES + 1))).toThrow(
        'S/Shard: the template is 1000001 bytes, more than the 1000000 bytes CloudFormation reads from S3: lower `maxResourcesPerStack` '
        + 'so that new tenants go to further stacks (tenants already placed never move)');
    });
  });

  // "CloudFormation quotas": 200 parameters and 200 outputs per template.
  describe('parameters and outputs', () => {
    function withParameters(n: number): Built {
      const built = shardWith(1);
      for (let i = 0; i < n; i++) {
        new CfnParameter(built.shard, `P${i}`, { type: 'String', default: 'x' });
      }
      return built;
    }
    function withOutputs(n: number): Built {
      const built = shardWith(1);
      for (let i = 0; i < n; i++) {
        new CfnOutput(built.shard, `O${i}`, { value: 'x' });
      }
      return built;
    }

    test('passes with exactly 200 parameters and exactly 200 outputs', () => {
      expect(Object.keys(written(withParameters(MAX_PARAMETERS)).template.Parameters)).toHaveLength(200);
      expect(Object.keys(written(withOutputs(MAX_OUTPUTS)).template.Outputs)).toHaveLength(200);
    });

    test('fails with 201 parameters', () => {
      expect(() => written(withParameters(201))).toThrow(
        'S/Shard: the template takes 201 parameters, more than the 200 CloudFormation allows: each is a value of the parent stack its '
        + 'keys reference, such as a grantee\'s ARN. Grant fewer distinct principals of the parent stack per stack, or import them by '
        + 'ARN (`iam.Role.fromRoleArn`)');
    });

    test('fails with 201 outputs', () => {
      expect(() => written(withOutputs(201))).toThrow(
        'S/Shard: the template declares 201 outputs, more than the 200 CloudFormation allows: each is a value of its keys referenced '
        + 'outside it, such as a key\'s ARN in a grantee\'s policy');
    });
  });
});
