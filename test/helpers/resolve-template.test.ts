import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  CfnTemplate, keyArnFor, principalArnFor, resolvedIdentityPolicies, resolvedKeyPolicy, resolveIntrinsics,
} from './resolve-template';
import { simulateKms } from './simulate';

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** A key, a role granted Decrypt through its identity policy and named in the key policy, and a role with nothing. */
function keyAndRoles() {
  const stack = new Stack(new App(), 'Stack');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  const stranger = new iam.Role(stack, 'Stranger', { assumedBy: new iam.AccountRootPrincipal() });
  key.grantDecrypt(reader);
  key.addToResourcePolicy(new iam.PolicyStatement({ principals: [reader], actions: ['kms:DescribeKey'], resources: ['*'] }));
  const template = Template.fromStack(stack).toJSON() as CfnTemplate;
  return { template, keyId: logicalId(stack, key), readerId: logicalId(stack, reader), strangerId: logicalId(stack, stranger) };
}

test('resolves the root and role principals of a CDK key policy to concrete ARNs', () => {
  const { template, readerId } = keyAndRoles();

  expect(resolvedKeyPolicy(template)).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Resource: '*' },
      { Action: 'kms:DescribeKey', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::111111111111:role/${readerId}` }, Resource: '*' },
    ],
  });
});

test('resolves a role\'s attached identity policies, with the key ARN the key policy uses', () => {
  const { template, keyId, readerId, strangerId } = keyAndRoles();

  expect(resolvedIdentityPolicies(template, readerId)).toEqual([
    { Version: '2012-10-17', Statement: [{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: keyArnFor(keyId) }] },
  ]);
  expect(resolvedIdentityPolicies(template, strangerId)).toEqual([]);
});

test('end to end: the simulator allows the granted role and denies the other', async () => {
  const { template, keyId, readerId, strangerId } = keyAndRoles();
  const decrypt = (roleId: string) => simulateKms({
    keyPolicy: resolvedKeyPolicy(template, keyId),
    keyArn: keyArnFor(keyId),
    principalArn: principalArnFor(template, roleId),
    identityPolicies: resolvedIdentityPolicies(template, roleId),
    action: 'kms:Decrypt',
  });

  expect(await decrypt(readerId)).toBe('Allowed');
  expect(await decrypt(strangerId)).toBe('ImplicitlyDenied');
});

test('role ARNs honour RoleName and Path', () => {
  const template: CfnTemplate = {
    Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::Sub': '${AWS::Region}-app' }, Path: '/svc/' } } },
  };

  expect(principalArnFor(template, 'R')).toBe('arn:aws:iam::111111111111:role/svc/us-east-1-app');
});

test('Fn::Sub resolves pseudo parameters, attributes, variables and escapes', () => {
  const template: CfnTemplate = { Resources: { K: { Type: 'AWS::KMS::Key' } } };
  const sub = { 'Fn::Sub': ['${K.Arn}|${AWS::Partition}|${X}|${!Literal}', { X: { Ref: 'AWS::AccountId' } }] };

  expect(resolveIntrinsics(sub, template, 'test')).toBe(`${keyArnFor('K')}|aws|111111111111|\${Literal}`);
});

test('Fn::Split and Fn::Select feed lists to Fn::Join and pick from them', () => {
  const template: CfnTemplate = { Resources: {} };
  const anyPath = { 'Fn::Join': [':role/*/', { 'Fn::Split': [':role/', 'arn:aws:iam::111111111111:role/admin'] }] };
  expect(resolveIntrinsics(anyPath, template, 'test')).toBe('arn:aws:iam::111111111111:role/*/admin');
  const uuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', 'arn:aws:cloudformation:us-east-1:111111111111:stack/S/uuid'] }] };
  expect(resolveIntrinsics(uuid, template, 'test')).toBe('uuid');
  expect(() => resolveIntrinsics({ 'Fn::Select': [3, ['a']] }, template, 'test')).toThrow('cannot select 3 from ["a"] at test.Fn::Select');
  expect(() => resolveIntrinsics({ 'Fn::Join': ['', 'not a list'] }, template, 'test')).toThrow('expected a list at test.Fn::Join');
});

describe('fails loudly on what it cannot resolve', () => {
  const template: CfnTemplate = {
    Resources: {
      K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Principal: { AWS: { 'Fn::ImportValue': 'x' } } }] } } },
      Q: { Type: 'AWS::SQS::Queue' },
      L: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] } },
    },
  };

  test('an unknown intrinsic, naming where it is', () => {
    expect(() => resolvedKeyPolicy(template)).toThrow('unsupported intrinsic Fn::ImportValue at K.KeyPolicy.Statement[0].Principal.AWS.Fn::ImportValue');
  });

  test('a Ref or Fn::GetAtt to a resource type it does not model', () => {
    expect(() => resolveIntrinsics({ Ref: 'Q' }, template, 'x')).toThrow(/unsupported Ref to Q \(AWS::SQS::Queue\)/);
    expect(() => resolveIntrinsics({ 'Fn::GetAtt': ['Q', 'QueueName'] }, template, 'x')).toThrow(/unsupported Fn::GetAtt Q.QueueName/);
    expect(() => resolveIntrinsics({ Ref: 'Missing' }, template, 'x')).toThrow(/Missing is not a resource/);
  });

  test('control: the ARNs of buckets, queues and secrets, which aws-cdk-lib\'s grants name, resolve to stand-ins', () => {
    const withData: CfnTemplate = {
      Resources: { B: { Type: 'AWS::S3::Bucket' }, Q: { Type: 'AWS::SQS::Queue' }, S: { Type: 'AWS::SecretsManager::Secret' } },
    };
    expect(resolveIntrinsics({ 'Fn::GetAtt': ['B', 'Arn'] }, withData, 'x')).toBe('arn:aws:s3:::b');
    expect(resolveIntrinsics({ 'Fn::GetAtt': ['Q', 'Arn'] }, withData, 'x')).toBe('arn:aws:sqs:us-east-1:111111111111:Q');
    expect(resolveIntrinsics({ Ref: 'S' }, withData, 'x')).toBe('arn:aws:secretsmanager:us-east-1:111111111111:secret:S-AbCdEf');
  });

  test('managed policies it cannot see', () => {
    expect(() => resolvedIdentityPolicies(template, 'L')).toThrow(/ManagedPolicyArns/);
  });

  test('an ambiguous or wrong key', () => {
    const twoKeys: CfnTemplate = { Resources: { A: { Type: 'AWS::KMS::Key' }, B: { Type: 'AWS::KMS::Key' } } };
    expect(() => resolvedKeyPolicy(twoKeys)).toThrow(/pick one of .*\[A, B\]/);
    expect(() => resolvedKeyPolicy(template, 'Q')).toThrow(/pick one of/);
  });
});
