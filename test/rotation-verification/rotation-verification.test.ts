import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RotationVerificationProvider } from '../../src/rotation-verification/provider';
import { RotationVerification, RotationVerificationProps } from '../../src/rotation-verification/rotation-verification';

const ENV = { account: '111111111111', region: 'us-east-1' };

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}
function id(s: Stack, c: { node: { defaultChild?: any } }): string {
  return s.resolve(c.node.defaultChild.logicalId);
}
/** The provider's managed policy statements, by action. */
function statements(t: Template): Record<string, any> {
  const policies = Object.values(t.findResources('AWS::IAM::ManagedPolicy'));
  expect(policies).toHaveLength(1);
  return Object.fromEntries(policies[0].Properties.PolicyDocument.Statement.map((st: any) => [[st.Action].flat().join(','), st]));
}

test('a custom resource with the checks as data, after the provider\'s policy', () => {
  const s = stack();
  const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
  const secret = new secretsmanager.Secret(s, 'Secret');
  new RotationVerification(s, 'Verify', { keys: [key], secrets: [secret], maxKeyRotationPeriod: Duration.days(180), maxSecretRotationInterval: Duration.days(7), strict: true });
  const t = Template.fromStack(s);
  const provider = RotationVerificationProvider.of(s);
  t.hasResource('Custom::KmsPatternsRotationVerification', {
    Properties: {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KmsPatternsRotationVerificationProviderframeworkonEvent'), 'Arn'] },
      Keys: [{ KeyId: { 'Fn::GetAtt': [id(s, key), 'Arn'] }, MaxRotationPeriodDays: 180 }],
      Secrets: [{ SecretId: { Ref: id(s, secret) }, MaxRotationIntervalHours: 168, GraceHours: 24, TestRotation: false }],
      Strict: true,
      WaitSeconds: 720,
    },
    DependsOn: [s.resolve((provider.policy.node.defaultChild as any).logicalId)],
  });
});

describe('a rotation the verification did not start', () => {
  test.each<[string, Duration | undefined, number]>([
    ['waits 3 minutes by default', undefined, 180],
    ['waits pendingRotationWait', Duration.minutes(1), 60],
    ['may not wait at all', Duration.seconds(0), 0],
    ['may wait as long as a test rotation', Duration.minutes(12), 720],
  ])('%s', (_name, pendingRotationWait, seconds) => {
    const s = stack();
    new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })], pendingRotationWait });
    Template.fromStack(s).hasResourceProperties('Custom::KmsPatternsRotationVerification', { PendingWaitSeconds: seconds, WaitSeconds: 720 });
  });
});

describe('the daily check', () => {
  test('every key and secret is registered with the stack\'s daily check, with the verification\'s requirements', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    const secret = new secretsmanager.Secret(s, 'Secret');
    const v = new RotationVerification(s, 'Verify', { keys: [key], maxKeyRotationPeriod: Duration.days(180), rotationGracePeriod: Duration.hours(2) });
    v.addSecret(secret, { maxRotationInterval: Duration.days(7) });
    const [rule] = Object.values<any>(Template.fromStack(s).findResources('AWS::Events::Rule'));
    const input = JSON.stringify(s.resolve(rule.Properties.Targets[0].Input));
    expect(input).toContain('\\"Keys\\":[{\\"MaxDays\\":180,\\"Ids\\":[\\"');
    expect(input).toContain(`{"Fn::GetAtt":["${id(s, key)}","Arn"]}`);
    expect(input).toContain('\\"Secrets\\":[{\\"MaxHours\\":168,\\"GraceHours\\":2,\\"Ids\\":[\\"');
    expect(input).toContain(`{"Ref":"${id(s, secret)}"}`);
  });
  test('checkDaily: false leaves the stack without a daily check', () => {
    const s = stack();
    new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })], checkDaily: false });
    Template.fromStack(s).resourceCountIs('AWS::Events::Rule', 0);
  });
});

test('one provider per stack, however many verifications', () => {
  const s = stack();
  for (let i = 0; i < 5; i++) {
    new RotationVerification(s, `Verify${i}`, { keys: [new kms.Key(s, `Key${i}`, { enableKeyRotation: true })] });
  }
  const t = Template.fromStack(s);
  t.resourceCountIs('Custom::KmsPatternsRotationVerification', 5);
  // The two verification functions and the framework's onEvent, isComplete and onTimeout.
  t.resourceCountIs('AWS::Lambda::Function', 5);
  t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  t.resourceCountIs('AWS::Logs::LogGroup', 1);
  // One log group key per provider: the five verified keys, and it.
  t.resourceCountIs('AWS::KMS::Key', 6);
  expect(statements(t)['kms:GetKeyRotationStatus'].Resource).toHaveLength(5);
});

test('separate stacks get separate providers', () => {
  const app = new App();
  const a = new Stack(app, 'A', { env: ENV });
  const b = new Stack(app, 'B', { env: ENV });
  new RotationVerification(a, 'V', { keys: [new kms.Key(a, 'K', { enableKeyRotation: true })] });
  new RotationVerification(b, 'V', { keys: [new kms.Key(b, 'K', { enableKeyRotation: true })] });
  expect(RotationVerificationProvider.of(a)).not.toBe(RotationVerificationProvider.of(b));
  Template.fromStack(b).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
});

test('the IAM policy names exactly the verified keys and secrets, and logging to the one log group', () => {
  const s = stack();
  const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
  const owned = new secretsmanager.Secret(s, 'Owned');
  const byName = secretsmanager.Secret.fromSecretNameV2(s, 'ByName', 'app/imported');
  const tested = new secretsmanager.Secret(s, 'Tested');
  const rotator = lambda.Function.fromFunctionArn(s, 'Rotator', 'arn:aws:lambda:us-east-1:111111111111:function:rotator');
  const v = new RotationVerification(s, 'Verify', { keys: [key], secrets: [owned, byName], checkDaily: false });
  v.addSecret(tested, { testRotation: true, rotationLambda: rotator, maxRotationInterval: Duration.hours(4) });
  const t = Template.fromStack(s);
  const st = statements(t);
  expect(Object.keys(st).sort()).toEqual(['kms:GetKeyRotationStatus', 'lambda:InvokeFunction', 'logs:CreateLogStream,logs:PutLogEvents',
    'secretsmanager:DescribeSecret', 'secretsmanager:RotateSecret']);
  expect(st['kms:GetKeyRotationStatus'].Resource).toEqual({ 'Fn::GetAtt': [id(s, key), 'Arn'] });
  expect(st['secretsmanager:DescribeSecret'].Resource).toEqual([
    { Ref: id(s, owned) },
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:111111111111:secret:app/imported-??????']] },
    { Ref: id(s, tested) },
  ]);
  expect(st['secretsmanager:RotateSecret'].Resource).toEqual({ Ref: id(s, tested) });
  expect(st['lambda:InvokeFunction'].Resource).toBe('arn:aws:lambda:us-east-1:111111111111:function:rotator');
  expect(st['logs:CreateLogStream,logs:PutLogEvents'].Resource).toEqual({ 'Fn::GetAtt': [id(s, RotationVerificationProvider.of(s).logGroup), 'Arn'] });
  // No IAM policy in the stack allows a wildcard action on keys or secrets.
  const iamPolicies = JSON.stringify([t.findResources('AWS::IAM::Policy'), t.findResources('AWS::IAM::ManagedPolicy')]);
  expect(iamPolicies).not.toMatch(/"(kms|secretsmanager):[A-Za-z]*\*"/);
});

test('every resource name but the log group\'s is left to CloudFormation, and that one is new with every key', () => {
  const s = stack();
  new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })] });
  // A permission's FunctionName names the function it is for, not a name it creates.
  const nameProps = ['FunctionName', 'RoleName', 'ManagedPolicyName', 'LogGroupName', 'StateMachineName', 'PolicyName'];
  for (const [logicalId, r] of Object.entries<any>(Template.fromStack(s).toJSON().Resources)) {
    for (const p of nameProps) {
      if (p === 'PolicyName' && r.Type === 'AWS::IAM::Policy') {
        continue; // inline policies' names are local to their role
      }
      if (p === 'FunctionName' && r.Type === 'AWS::Lambda::Permission') {
        continue;
      }
      if (p === 'LogGroupName' && r.Type === 'AWS::Logs::LogGroup') {
        continue; // below
      }
      expect({ logicalId, name: r.Properties?.[p] }).toEqual({ logicalId, name: undefined });
    }
  }
  // The stack, its incarnation (the UUID in AWS::StackId) and the ID of the key: a retry
  // after a failed create or update makes a new key, so never collides with a retained log group.
  const provider = RotationVerificationProvider.of(s);
  expect(s.resolve((provider.logGroup.node.defaultChild as any).logGroupName)).toEqual({
    'Fn::Join': ['/', [
      '/aws/vendedlogs/cdk-kms-patterns/rotation-verification', { Ref: 'AWS::StackName' },
      { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
      { Ref: id(s, provider.logKey) },
    ]],
  });
});

test('the log group is encrypted with the provider\'s own customer-managed key, which CloudWatch Logs may use for it only', () => {
  const s = stack();
  new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })] });
  const provider = RotationVerificationProvider.of(s);
  const t = Template.fromStack(s);
  t.hasResource('AWS::Logs::LogGroup', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({ KmsKeyId: { 'Fn::GetAtt': [id(s, provider.logKey), 'Arn'] }, RetentionInDays: 365 }),
  });
  // The key factory's defaults: rotation on, RETAIN, and an alias per stack.
  t.hasResource('AWS::KMS::Key', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({ EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 }),
  });
  t.hasResourceProperties('AWS::KMS::Alias', {
    AliasName: { 'Fn::Join': ['', ['alias/cdk-kms-patterns/rotation-verification/', { Ref: 'AWS::StackName' }]] },
    TargetKeyId: { 'Fn::GetAtt': [id(s, provider.logKey), 'Arn'] },
  });
  const keyPolicy = t.toJSON().Resources[id(s, provider.logKey)].Properties.KeyPolicy;
  const logs = keyPolicy.Statement.find((st: any) => st.Sid === 'KmsPatternsAllowLogGroupEncryption');
  expect(logs.Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
  expect(logs.Condition).toEqual({
    ArnLike: {
      'kms:EncryptionContext:aws:logs:arn': {
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111111111111:log-group:',
          {
            'Fn::Join': ['/', ['/aws/vendedlogs/cdk-kms-patterns/rotation-verification', { Ref: 'AWS::StackName' },
              { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
          },
          '/*',
        ]],
      },
    },
  });
});

test('the waiter logs every event to the encrypted log group and is traced with X-Ray', () => {
  const s = stack();
  new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })] });
  const provider = RotationVerificationProvider.of(s);
  const t = Template.fromStack(s);
  t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
    LoggingConfiguration: {
      Level: 'ALL',
      IncludeExecutionData: false,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [id(s, provider.logGroup), 'Arn'] } } }],
    },
    TracingConfiguration: { Enabled: true },
  });
  t.resourceCountIs('AWS::Logs::LogGroup', 1);
  t.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        Resource: '*',
      })]),
    },
  });
});

describe('network', () => {
  function vpc(s: Stack, name = 'Vpc'): ec2.IVpc {
    return ec2.Vpc.fromVpcAttributes(s, name, {
      vpcId: `vpc-${name}`, availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: [`${name}-a`, `${name}-b`],
    });
  }

  test('no VPC by default', () => {
    const s = stack();
    new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })] });
    for (const fn of Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
  });

  test('a VPC puts all five functions in its subnets, and a later verification may repeat it or give none', () => {
    const s = stack();
    const v = vpc(s);
    new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })], vpc: v });
    new RotationVerification(s, 'Same', { keys: [new kms.Key(s, 'Key2', { enableKeyRotation: true })], vpc: v });
    new RotationVerification(s, 'None', { keys: [new kms.Key(s, 'Key3', { enableKeyRotation: true })] });
    const functions = Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual(['Vpc-a', 'Vpc-b']);
    }
  });

  test('fails when a later verification asks for another network than the stack\'s provider has', () => {
    const s = stack();
    new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })] });
    expect(() => new RotationVerification(s, 'Other', { vpc: vpc(s) }))
      .toThrow(/Stack\/Other: `vpc` came after the stack's rotation-verification provider was made outside a VPC .* call RotationVerification.useNetwork\(stack, \{ vpc \}\) before/);
  });

  test('fails when subnets or security groups come without a VPC', () => {
    const s = stack();
    expect(() => new RotationVerification(s, 'Verify', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))
      .toThrow('Stack/Verify: `vpcSubnets` needs `vpc`: it only places the functions in a VPC, got "given without `vpc`"');
  });
});

test('the handler functions run the bundled verification in both phases, with a bounded total timeout', () => {
  const s = stack();
  new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })] });
  const t = Template.fromStack(s);
  for (const phase of ['onEvent', 'isComplete']) {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ VERIFY_ROTATION_PHASE: phase }) },
    });
  }
  // 14 minutes at one poll every 15 seconds, then the framework fails the request.
  const definition = JSON.stringify(Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0].Properties.DefinitionString);
  expect(definition).toContain('\\"MaxAttempts\\":56');
  expect(definition).toContain('\\"IntervalSeconds\\":15');
  expect(RotationVerificationProvider.WAIT.toSeconds()).toBeLessThan(RotationVerificationProvider.TOTAL_TIMEOUT.toSeconds());
});

test('status and findings are the custom resource\'s attributes', () => {
  const s = stack();
  const v = new RotationVerification(s, 'Verify', { keys: [new kms.Key(s, 'Key', { enableKeyRotation: true })] });
  expect(s.resolve(v.status)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Verify/), 'Status'] });
  expect(s.resolve(v.findings)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Verify/), 'Findings'] });
});

describe('validation', () => {
  test.each<[string, RotationVerificationProps, string]>([
    ['maxKeyRotationPeriod is under 90 days', { maxKeyRotationPeriod: Duration.days(30) },
      'Stack/Verify: `maxKeyRotationPeriod` must be a whole number of days between 90 and 2560, got "30 days"'],
    ['maxKeyRotationPeriod is over 2560 days', { maxKeyRotationPeriod: Duration.days(2561) },
      'Stack/Verify: `maxKeyRotationPeriod` must be a whole number of days between 90 and 2560, got "2561 days"'],
    ['maxSecretRotationInterval is under 4 hours', { maxSecretRotationInterval: Duration.hours(1) },
      'Stack/Verify: `maxSecretRotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "1 hour"'],
    ['maxSecretRotationInterval is over 1000 days', { maxSecretRotationInterval: Duration.days(1001) },
      'Stack/Verify: `maxSecretRotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "1001 days"'],
    ['rotationGracePeriod is not whole hours', { rotationGracePeriod: Duration.minutes(90) },
      'Stack/Verify: `rotationGracePeriod` must be a whole number of hours, got "1 hour 30 minutes"'],
    ['pendingRotationWait is longer than the whole wait', { pendingRotationWait: Duration.minutes(13) },
      'Stack/Verify: `pendingRotationWait` must be between 0 seconds and 12 minutes, got "13 minutes"'],
  ])('fails when %s', (_name, props, message) => {
    expect(() => new RotationVerification(stack(), 'Verify', props)).toThrow(message);
  });

  test('fails when addKey gets a period out of range', () => {
    const s = stack();
    const v = new RotationVerification(s, 'Verify');
    expect(() => v.addKey(new kms.Key(s, 'K'), Duration.days(10)))
      .toThrow('Stack/Verify: `maxRotationPeriod` must be a whole number of days between 90 and 2560, got "10 days"');
  });

  test('fails when addSecret gets an interval out of range', () => {
    const s = stack();
    const v = new RotationVerification(s, 'Verify');
    expect(() => v.addSecret(new secretsmanager.Secret(s, 'S'), { maxRotationInterval: Duration.hours(2) }))
      .toThrow('Stack/Verify: `maxRotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "2 hours"');
  });

  test('fails at synthesis when it verifies nothing', () => {
    const s = stack();
    new RotationVerification(s, 'Verify');
    expect(() => Template.fromStack(s)).toThrow(/Stack\/Verify: a RotationVerification needs at least one key or secret/);
  });
});
