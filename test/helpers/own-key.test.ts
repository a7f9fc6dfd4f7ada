import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { logicalIdOf, logicalIdsUnder, ownKeyLogicalId, ownKeyResource, ownKeyTemplate } from './own-key';
import { TenantKey } from '../../src';

function build(): { stack: Stack; key: TenantKey; other: kms.Key } {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  const other = new kms.Key(stack, 'Other', { enableKeyRotation: true });
  const key = new TenantKey(stack, 'K', { tenantId: 'acme', verifyRotation: false, monitoring: false });
  return { stack, key, other };
}

test('ownKeyLogicalId is the logical ID of the construct\'s child Key', () => {
  const { stack, key } = build();
  expect(ownKeyLogicalId(key)).toBe(stack.getLogicalId(key.key.node.defaultChild as kms.CfnKey));
  expect(stack.resolve(key.keyArn)).toEqual({ 'Fn::GetAtt': [ownKeyLogicalId(key), 'Arn'] });
});

test('ownKeyTemplate holds the construct\'s key and nothing else, though the stack has another', () => {
  const { stack, key, other } = build();
  const template = Template.fromStack(stack);
  expect(Object.keys(template.findResources('AWS::KMS::Key')).sort()).toEqual([ownKeyLogicalId(key), logicalIdOf(other)].sort());
  expect(ownKeyTemplate(template, key).toJSON()).toEqual({ Resources: { [ownKeyLogicalId(key)]: ownKeyResource(template, key) } });
  expect(ownKeyResource(template, key).Properties.Description).toBe('Customer-managed key of tenant acme (S/K)');
});

test('ownKeyResource fails when the key is not in the template', () => {
  const { key } = build();
  expect(() => ownKeyResource(Template.fromJSON({ Resources: {} }), key)).toThrow(`S/K: its key ${ownKeyLogicalId(key)} is not in the template`);
});

test('logicalIdsUnder lists the CloudFormation resources below a construct, of one type when asked', () => {
  const { key, stack } = build();
  expect(logicalIdsUnder(key).map(id => Template.fromStack(stack).toJSON().Resources[id].Type).sort()).toEqual(['AWS::KMS::Alias', 'AWS::KMS::Key']);
  expect(logicalIdsUnder(key, 'AWS::KMS::Alias')).toHaveLength(1);
  expect(logicalIdsUnder(key, 'AWS::SNS::Topic')).toEqual([]);
});

test('logicalIdOf fails for a construct that is no resource', () => {
  const { stack } = build();
  expect(() => logicalIdOf(stack)).toThrow('S is not a CloudFormation resource and has none as its default child');
});
