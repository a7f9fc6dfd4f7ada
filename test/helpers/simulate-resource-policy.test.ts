import { simulateResource } from './simulate-resource-policy';

// The wrapper itself: each decision it can return, and its refusal to pass a request whose
// condition keys the simulator would not evaluate.
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:t';
const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
const allowService = { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: TOPIC };
const denyWithoutTls = { Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: TOPIC, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };

test('a service the policy names is allowed; one it does not name is implicitly denied', async () => {
  expect(await simulateResource({ resourcePolicy: policy(allowService), resourceArn: TOPIC, caller: { service: 'events.amazonaws.com' }, action: 'sns:Publish' })).toBe('Allowed');
  expect(await simulateResource({ resourcePolicy: policy(allowService), resourceArn: TOPIC, caller: { service: 'cloudwatch.amazonaws.com' }, action: 'sns:Publish' })).toBe('ImplicitlyDenied');
});

test('TLS is on unless the request says otherwise, and a Deny on it applies to anyone', async () => {
  const resourcePolicy = policy(allowService, denyWithoutTls);
  expect(await simulateResource({ resourcePolicy, resourceArn: TOPIC, caller: { service: 'events.amazonaws.com' }, action: 'sns:Publish' })).toBe('Allowed');
  expect(await simulateResource({
    resourcePolicy, resourceArn: TOPIC, caller: { service: 'events.amazonaws.com' }, action: 'sns:Publish', context: { 'aws:SecureTransport': 'false' },
  })).toBe('ExplicitlyDenied');
});

test('anonymous callers and IAM roles are simulated', async () => {
  const anyone = { Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: TOPIC };
  expect(await simulateResource({ resourcePolicy: policy(anyone), resourceArn: TOPIC, caller: 'anonymous', action: 'sns:Publish' })).toBe('Allowed');
  expect(await simulateResource({ resourcePolicy: policy(allowService), resourceArn: TOPIC, caller: 'anonymous', action: 'sns:Publish' })).toBe('ImplicitlyDenied');
  expect(await simulateResource({ resourcePolicy: policy(allowService), resourceArn: TOPIC, caller: { arn: 'arn:aws:iam::999999999999:role/x' }, action: 'sns:Publish' }))
    .toBe('ImplicitlyDenied');
});

test('throws when a context key does not apply to the action, rather than ignore the condition', async () => {
  await expect(simulateResource({
    resourcePolicy: policy(allowService), resourceArn: TOPIC, caller: { service: 'events.amazonaws.com' }, action: 'sns:Publish', context: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' },
  })).rejects.toThrow(/ignored context keys kms:viaservice|ignored context keys kms:ViaService/i);
});
