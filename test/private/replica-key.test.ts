import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ReplicaKey } from '../../src/private/replica-key';
import { IKEY_GRANTS } from '../helpers/key-grants';

// ReplicaKey on its own, built inside each test (no MultiRegionKeySet, no synthesis while jest
// collects), so that mutation testing can run it for every mutant of replica-key.ts cheaply.
// test/multi-region-key-set.test.ts shows the same key through the set.

const PRIMARY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab';

function replica(removalPolicy = RemovalPolicy.RETAIN): { stack: Stack; key: ReplicaKey } {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const policy = new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({ sid: 'Root', actions: ['kms:*'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] })],
  });
  const key = new ReplicaKey(stack, 'Key', { primaryKeyArn: PRIMARY_ARN, policy, description: 'Replica', pendingWindow: Duration.days(7), removalPolicy });
  return { stack, key };
}

describe('ReplicaKey', () => {
  test('is an AWS::KMS::ReplicaKey of the primary, with the policy, description and pending window given', () => {
    const { stack, key } = replica();
    const resources = Template.fromStack(stack).findResources('AWS::KMS::ReplicaKey');
    const [[logicalId, resource]] = Object.entries(resources);
    expect(resource.Properties).toEqual({
      PrimaryKeyArn: PRIMARY_ARN,
      KeyPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Action: 'kms:*', Resource: '*', Principal: { AWS: expect.anything() } }] },
      Description: 'Replica',
      PendingWindowInDays: 7,
    });
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect(stack.resolve(key.keyRef)).toEqual({ keyArn: { 'Fn::GetAtt': [logicalId, 'Arn'] }, keyId: { 'Fn::GetAtt': [logicalId, 'KeyId'] } });
  });

  test('applies the removal policy given', () => {
    const { stack } = replica(RemovalPolicy.DESTROY);
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::ReplicaKey'));
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
  });

  test('addAlias names its construct after the alias name\'s letters and digits, so each alias keeps its logical ID', () => {
    const { stack, key } = replica();
    expect(key.addAlias('alias/dr/orders').node.id).toBe('Aliasaliasdrorders');
    expect(key.addAlias('alias/dr-invoices_2').node.id).toBe('Aliasaliasdrinvoices2');
    expect(Object.values(Template.fromStack(stack).findResources('AWS::KMS::Alias')).map(a => a.Properties.AliasName))
      .toEqual(['alias/dr/orders', 'alias/dr-invoices_2']);
  });

  test('addToResourcePolicy adds nothing and says so, or throws when a no-op is not allowed', () => {
    const { key } = replica();
    const statement = new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.ServicePrincipal('logs.amazonaws.com')] });
    expect(key.addToResourcePolicy(statement)).toEqual({ statementAdded: false });
    expect(() => key.addToResourcePolicy(statement, false)).toThrow('S/Key: cannot add a statement to the key policy of a replica key; '
      + 'its policy is made by the library\'s key-policy builder, identically in every Region');
  });

  test.each(IKEY_GRANTS)('%s grants on this key only, through the grantee\'s IAM policy', (method, actions) => {
    const { stack, key } = replica();
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(key[method](role).success).toBe(true);
    const template = Template.fromStack(stack);
    const [logicalId] = Object.keys(template.findResources('AWS::KMS::ReplicaKey'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: { 'Fn::GetAtt': [logicalId, 'Arn'] } }] },
    });
  });
});
