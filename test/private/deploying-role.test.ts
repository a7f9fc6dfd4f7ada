import { App, CliCredentialsStackSynthesizer, DefaultStackSynthesizer, NestedStack, Stack } from 'aws-cdk-lib';
import { synthesizerDeployingRoleArn } from '../../src/private/deploying-role';

describe('synthesizerDeployingRoleArn', () => {
  test('is the bootstrap CloudFormation execution role, substituted at deploy', () => {
    const stack = new Stack(new App(), 'S');
    expect(stack.resolve(synthesizerDeployingRoleArn(stack))).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
    });
  });

  test('follows a custom qualifier and a fixed environment', () => {
    const stack = new Stack(new App(), 'S', {
      env: { account: '111111111111', region: 'eu-west-1' },
      synthesizer: new DefaultStackSynthesizer({ qualifier: 'tenant01' }),
    });
    expect(stack.resolve(synthesizerDeployingRoleArn(stack))).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::111111111111:role/cdk-tenant01-cfn-exec-role-111111111111-eu-west-1',
    });
  });

  test('is a plain ARN when the user names the execution role', () => {
    const arn = 'arn:aws:iam::111111111111:role/deployer';
    const stack = new Stack(new App(), 'S', { synthesizer: new DefaultStackSynthesizer({ cloudFormationExecutionRole: arn }) });
    expect(synthesizerDeployingRoleArn(stack)).toBe(arn);
  });

  test('is unknown with CLI credentials: whoever runs the CLI deploys', () => {
    const stack = new Stack(new App(), 'S', { synthesizer: new CliCredentialsStackSynthesizer() });
    expect(synthesizerDeployingRoleArn(stack)).toBeUndefined();
  });

  test('is the root stack\'s role for a nested stack, which deploys within its root\'s operation', () => {
    const root = new Stack(new App(), 'Root', { synthesizer: new DefaultStackSynthesizer({ qualifier: 'nested01' }) });
    const inner = new NestedStack(new NestedStack(root, 'Outer'), 'Inner');
    expect(root.resolve(synthesizerDeployingRoleArn(inner))).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-nested01-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
    });
  });

  test('is unknown for a nested stack whose root has CLI credentials', () => {
    const root = new Stack(new App(), 'Root', { synthesizer: new CliCredentialsStackSynthesizer() });
    expect(synthesizerDeployingRoleArn(new NestedStack(root, 'Inner'))).toBeUndefined();
  });

  test('is unknown, not an error, when the synthesizer is not bound to a stack yet', () => {
    // Stack binds its synthesizer in its constructor; a synthesizer swapped in afterwards is not.
    const stack = new Stack(new App(), 'S');
    Object.defineProperty(stack, 'synthesizer', { value: new DefaultStackSynthesizer() });
    expect(synthesizerDeployingRoleArn(stack)).toBeUndefined();
  });
});
