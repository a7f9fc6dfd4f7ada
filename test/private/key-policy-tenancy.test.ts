// The builder's tenancy statements on their own (the constructs' tests show them in
// context, the security tests show what they stop).
import { App, Stack } from 'aws-cdk-lib';
import { CONTEXT_BOUND_ACTIONS } from '../../src/private/actions';
import { KeyPolicyBuilder } from '../../src/private/key-policy';
import { ServiceExemption } from '../../src/service-exemption';

const ROLES_UNDER_TENANTS = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/tenants/*']] };

function builder(): { stack: Stack; policy: KeyPolicyBuilder } {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  return { stack, policy: new KeyPolicyBuilder(stack, { restrictGrantsToAwsServices: true }) };
}

function bySid(stack: Stack, policy: KeyPolicyBuilder, sid: string): any {
  const found = (stack.resolve(policy.document) as { Statement: any[] }).Statement.filter(s => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('KeyPolicyBuilder tenancy statements', () => {
  test('requireEncryptionContextKeysIn without exemptions denies any unlisted key, everywhere', () => {
    const { stack, policy } = builder();
    policy.requireEncryptionContextKeysIn(['tenantId', 'aws-crypto-public-key']);
    expect(bySid(stack, policy, 'DenyEncryptionContextKeysOutsideAllowList')).toEqual({
      Sid: 'DenyEncryptionContextKeysOutsideAllowList',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND_ACTIONS,
      Resource: '*',
      Condition: { 'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': ['tenantId', 'aws-crypto-public-key'] } },
    });
  });

  test('requireEncryptionContextKeysIn spares exempt endpoints, in their own Region when they name one', () => {
    const { stack, policy } = builder();
    policy.requireEncryptionContextKeysIn(['tenantId'], [ServiceExemption.sqs('eu-west-1')]);
    expect(bySid(stack, policy, 'DenyEncryptionContextKeysOutsideAllowList').Condition.StringNotEquals)
      .toEqual({ 'kms:ViaService': ['sqs.eu-west-1.amazonaws.com'] });
  });

  test('denyReEncrypt denies kms:ReEncrypt* to everyone, with no condition', () => {
    const { stack, policy } = builder();
    policy.denyReEncrypt();
    expect(bySid(stack, policy, 'DenyReEncrypt')).toEqual({ Sid: 'DenyReEncrypt', Effect: 'Deny', Principal: '*', Action: 'kms:ReEncrypt*', Resource: '*' });
  });

  test('requirePrincipalPath denies every principal that is not a role under the path', () => {
    const { stack, policy } = builder();
    policy.requirePrincipalPath('/tenants/');
    expect(bySid(stack, policy, 'DenyPrincipalsOutsideTenantPath').Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': ROLES_UNDER_TENANTS } });
  });

  test('requireTenantPrincipal with a tag path and no granted principal denies everyone outside the path', () => {
    const { stack, policy } = builder();
    policy.requireTenantPrincipal({ arns: () => [], tag: { key: 'tenant', value: 'acme' }, tagPath: '/tenants/' });
    expect(bySid(stack, policy, 'DenyTaggedPrincipalsOutsideTenantPath').Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': ROLES_UNDER_TENANTS } });
  });

  test('requireTenantPrincipal ignores a tag path without a tag', () => {
    const { stack, policy } = builder();
    policy.requireTenantPrincipal({ arns: () => ['arn:aws:iam::111111111111:role/a'], tagPath: '/tenants/' });
    const sids = (stack.resolve(policy.document) as { Statement: any[] }).Statement.map(s => s.Sid);
    expect(sids).not.toContain('DenyTaggedPrincipalsOutsideTenantPath');
  });

  test('a tenant-bound exemption adds its Deny after the Null Deny; a plain one adds none', () => {
    const { stack, policy } = builder();
    policy.requireEncryptionContext('tenantId', 'acme', [ServiceExemption.secretsManager(), ServiceExemption.s3ForTenant({ bucketName: 'data' })]);
    const sids = (stack.resolve(policy.document) as { Statement: any[] }).Statement.map(s => s.Sid);
    expect(sids.slice(2)).toEqual([
      'DenyOutsideTenantEncryptionContext',
      'DenyViaSecretsmanagerWithoutItsEncryptionContext',
      'DenyViaS3WithoutItsEncryptionContext',
      'DenyViaS3OutsideTenant',
    ]);
  });
});
