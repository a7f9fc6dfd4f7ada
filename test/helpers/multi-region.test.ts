import { RegionalTemplate, localizeTemplate, regionalKeyArnFor, resolvedRegionalKeyPolicy } from './multi-region';
import { keyArnFor } from './resolve-template';

const output = (name: string) => ({ 'Fn::GetStackOutput': { StackName: 'Primary', Region: 'us-east-1', OutputName: name } });

const primary: RegionalTemplate = {
  stackName: 'Primary',
  region: 'us-east-1',
  template: {
    Resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [] } } },
      Admin: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'admin' } },
    },
    Outputs: {
      KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] } },
      AdminArn: { Value: { 'Fn::GetAtt': ['Admin', 'Arn'] } },
    },
  },
};

const replica: RegionalTemplate = {
  stackName: 'Replica',
  region: 'eu-west-1',
  template: {
    Resources: {
      Replica: {
        Type: 'AWS::KMS::ReplicaKey',
        Properties: {
          PrimaryKeyArn: output('KeyArn'),
          KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: output('AdminArn') }, Action: 'kms:PutKeyPolicy', Resource: '*' }] },
        },
      },
      Marker: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: { 'Fn::Join': ['', ['in ', { Ref: 'AWS::Region' }, ' key ', { 'Fn::GetAtt': ['Replica', 'KeyId'] }]] },
          Sub: { 'Fn::Sub': 'in ${AWS::Region}' },
        },
      },
    },
  },
};
const all = [primary, replica];

test('a replica has its primary\'s key ID, in its own Region', () => {
  const primaryId = keyArnFor('Key').split('/')[1];
  expect(regionalKeyArnFor(replica, all, 'Replica')).toBe(`arn:aws:kms:eu-west-1:111111111111:key/${primaryId}`);
  expect(regionalKeyArnFor(primary, all, 'Key')).toBe(keyArnFor('Key'));
});

test('Fn::GetStackOutput resolves to the producer\'s output, resolved in the producer', () => {
  expect(resolvedRegionalKeyPolicy(replica, all, 'Replica')).toEqual({
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/admin' }, Action: 'kms:PutKeyPolicy', Resource: '*' }],
  });
});

test('AWS::Region is the stack\'s own, in Ref and in Fn::Sub', () => {
  const props = localizeTemplate(replica, all).Resources!.Marker.Properties!;
  expect(props.Description).toEqual({ 'Fn::Join': ['', ['in ', 'eu-west-1', ' key ', keyArnFor('Key').split('/')[1]]] });
  expect(props.Sub).toEqual({ 'Fn::Sub': 'in eu-west-1' });
});

test('an output that does not exist throws', () => {
  const broken: RegionalTemplate = { ...replica, template: { Resources: { Replica: { Type: 'AWS::KMS::ReplicaKey', Properties: { PrimaryKeyArn: output('Nope') } } } } };
  expect(() => regionalKeyArnFor(broken, [primary, broken], 'Replica')).toThrow(/no output Nope in a stack Primary in us-east-1/);
});

test('a cross-account Fn::GetStackOutput throws rather than guess', () => {
  const crossAccount = { 'Fn::GetStackOutput': { StackName: 'Primary', OutputName: 'KeyArn', RoleArn: 'arn:aws:iam::222222222222:role/r' } };
  const broken: RegionalTemplate = { ...replica, template: { Resources: { Replica: { Type: 'AWS::KMS::ReplicaKey', Properties: { PrimaryKeyArn: crossAccount } } } } };
  expect(() => regionalKeyArnFor(broken, [primary, broken], 'Replica')).toThrow(/RoleArn/);
});

test('a logical ID that is not a key throws', () => {
  expect(() => regionalKeyArnFor(primary, all, 'Admin')).toThrow('Admin is not an AWS::KMS::Key or AWS::KMS::ReplicaKey of Primary');
});
