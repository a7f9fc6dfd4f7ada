import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RandomTokenRotation, RotatedSecret } from '../src';
import { CfnTemplate, FAKE_ENV, principalArnFor, resolveIntrinsics, secretArnFor } from './helpers/resolve-template';
import { KmsDecision, expectKms } from './helpers/simulate';

const ENV = { account: FAKE_ENV.account, region: FAKE_ENV.region };

function stackWith(build: (stack: Stack) => void): { stack: Stack; template: Template } {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  build(stack);
  return { stack, template: Template.fromStack(stack) };
}

describe('defaults', () => {
  const { template } = stackWith(s => new RandomTokenRotation(s, 'Rotation'));

  test('a function that makes 32-character tokens of letters and digits', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ TOKEN_LENGTH: '32', TOKEN_EXCLUDE_PUNCTUATION: 'true' }) },
    });
  });

  test('logs to a retained log group of its own, encrypted with a key of its own that CloudWatch Logs may use for it alone', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: {
        LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/cdk-kms-patterns/token-rotation/'),
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationKey'), 'Arn'] },
        RetentionInDays: 365,
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'KmsPatternsAllowLogGroupEncryption' })]) },
    });
  });

  test('Secrets Manager may invoke it for secrets of this account only (aws:SourceAccount)', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', SourceAccount: '111111111111',
    });
  });

  test('alone, it may touch no secret: it may only write its logs', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    expect(JSON.stringify(policies[0].Properties.PolicyDocument)).not.toContain('secretsmanager');
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('rotating a RotatedSecret', () => {
  const { template } = stackWith(s => {
    const rotation = new RandomTokenRotation(s, 'Rotation', { tokenLength: 64, excludePunctuation: false });
    new RotatedSecret(s, 'Token', { rotationLambda: rotation.function, verifyRotation: false, monitoring: false });
    new secretsmanager.Secret(s, 'Unrelated');
  });
  const json = template.toJSON() as CfnTemplate;
  const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find(id => id.startsWith('Rotation'))!;
  const [tokenId, unrelatedId] = ['TokenSecret', 'Unrelated'].map(p => Object.keys(template.findResources('AWS::SecretsManager::Secret')).find(id => id.startsWith(p))!);
  const identityPolicies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(p => JSON.stringify(p.Properties.Roles).includes(roleId))
    .map((p, i) => resolveIntrinsics(p.Properties.PolicyDocument, json, `policy ${i}`));

  test('the schedule names the function, and the invoke permission stays the one with aws:SourceAccount', () => {
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationFunction'), 'Arn'] } });
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', { SourceAccount: '111111111111' });
  });

  test('the token format reaches the function', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TOKEN_LENGTH: '64', TOKEN_EXCLUDE_PUNCTUATION: 'false' }) },
    });
  });

  test('every grant is in the customer-managed policy, and the function (so the schedule) waits for it', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const [fnId, fn] = Object.entries(template.findResources('AWS::Lambda::Function'))[0];
    const [policyId] = Object.keys(template.findResources('AWS::IAM::ManagedPolicy')).filter(id => id.startsWith('Rotation'));
    expect(fn.DependsOn).toEqual([policyId]);
    expect(JSON.stringify(template.findResources('AWS::SecretsManager::RotationSchedule'))).toContain(fnId);
  });

  // Least privilege, as IAM evaluates the synthesized policies: the role's identity policy
  // beside each secret; the secrets' own resource policies only deny deletion by root.
  const onSecret = (secretId: string, action: string) => expectKms.bind(undefined, {
    keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:DeleteSecret', Resource: '*' }] },
    keyArn: secretArnFor(secretId),
    principalArn: principalArnFor(json, roleId),
    identityPolicies,
    action,
  });
  test.each<[string, string, 'token' | 'unrelated', KmsDecision]>([
    ['reads its secret', 'secretsmanager:GetSecretValue', 'token', 'Allowed'],
    ['stores the new version of its secret', 'secretsmanager:PutSecretValue', 'token', 'Allowed'],
    ['moves the stages of its secret', 'secretsmanager:UpdateSecretVersionStage', 'token', 'Allowed'],
    ['cannot read another secret of the account', 'secretsmanager:GetSecretValue', 'unrelated', 'ImplicitlyDenied'],
    ['cannot write another secret of the account', 'secretsmanager:PutSecretValue', 'unrelated', 'ImplicitlyDenied'],
    ['cannot move the stages of another secret', 'secretsmanager:UpdateSecretVersionStage', 'unrelated', 'ImplicitlyDenied'],
    ['cannot delete its own secret', 'secretsmanager:DeleteSecret', 'token', 'ExplicitlyDenied'],
    ['cannot change its own secret\'s rotation', 'secretsmanager:RotateSecret', 'token', 'ImplicitlyDenied'],
  ])('the rotation role %s', async (_name, action, which, expected) => {
    await onSecret(which === 'token' ? tokenId : unrelatedId, action)(expected);
  });

  test('may use the secret\'s key only through Secrets Manager in this Region', () => {
    const key = Object.entries(template.findResources('AWS::KMS::Key')).find(([id]) => id.startsWith('Token'))![1];
    const forRole = key.Properties.KeyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal).includes(roleId));
    expect(forRole).toHaveLength(1);
    expect(forRole[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } });
  });
});

test('one rotation serves two secrets: a grant each, still one invoke permission', () => {
  const { template } = stackWith(s => {
    const rotation = new RandomTokenRotation(s, 'Rotation');
    for (const id of ['A', 'B']) {
      new RotatedSecret(s, id, { rotationLambda: rotation.function, verifyRotation: false, monitoring: false });
    }
  });
  template.resourceCountIs('AWS::Lambda::Permission', 1);
  const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => [s.Action].flat().includes('secretsmanager:PutSecretValue'));
  expect(statements.map((s: any) => s.Resource.Ref).sort()).toEqual([expect.stringMatching(/^ASecret/), expect.stringMatching(/^BSecret/)]);
});

test('an environment-agnostic stack names its account by the pseudo parameter', () => {
  const stack = new Stack(new App(), 'Agnostic');
  new RandomTokenRotation(stack, 'Rotation');
  Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', { SourceAccount: { Ref: 'AWS::AccountId' } });
});

describe('validation', () => {
  test.each([7, 4097, 12.5, 0])('fails when `tokenLength` is %p', (tokenLength) => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    expect(() => new RandomTokenRotation(stack, 'Rotation', { tokenLength }))
      .toThrow(`Stack/Rotation: \`tokenLength\` must be a whole number from 8 to 4096, got ${tokenLength}`);
  });

  test.each([8, 4096])('accepts `tokenLength` %p', (tokenLength) => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    expect(() => new RandomTokenRotation(stack, 'Rotation', { tokenLength })).not.toThrow();
  });
});

test('the function is the construct\'s Lambda function resource', () => {
  const { stack } = stackWith(s => new RandomTokenRotation(s, 'Rotation'));
  const rotation = stack.node.findChild('Rotation') as RandomTokenRotation;
  expect((rotation.function.node.defaultChild as CfnResource).cfnResourceType).toBe('AWS::Lambda::Function');
});
