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
    expect(bySid(stack, policy, 'KmsPatternsDenyEncryptionContextKeysOutsideAllowList')).toEqual({
      Sid: 'KmsPatternsDenyEncryptionContextKeysOutsideAllowList',
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
    expect(bySid(stack, policy, 'KmsPatternsDenyEncryptionContextKeysOutsideAllowList').Condition.StringNotEquals)
      .toEqual({ 'kms:ViaService': ['sqs.eu-west-1.amazonaws.com'] });
  });

  test('denyReEncrypt denies kms:ReEncrypt* to everyone, with no condition', () => {
    const { stack, policy } = builder();
    policy.denyReEncrypt();
    expect(bySid(stack, policy, 'KmsPatternsDenyReEncrypt')).toEqual({ Sid: 'KmsPatternsDenyReEncrypt', Effect: 'Deny', Principal: '*', Action: 'kms:ReEncrypt*', Resource: '*' });
  });

  test('requirePrincipalPath denies every principal that is not a role under the path', () => {
    const { stack, policy } = builder();
    policy.requirePrincipalPath('/tenants/');
    expect(bySid(stack, policy, 'KmsPatternsDenyPrincipalsOutsideTenantPath').Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': ROLES_UNDER_TENANTS } });
  });

  test('requireTenantPrincipal with a tag path and no granted principal denies everyone outside the path', () => {
    const { stack, policy } = builder();
    policy.requireTenantPrincipal({ arns: () => [], tag: { key: 'tenant', value: 'acme' }, tagPath: '/tenants/' });
    expect(bySid(stack, policy, 'KmsPatternsDenyTaggedPrincipalsOutsideTenantPath').Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': ROLES_UNDER_TENANTS } });
  });

  test('requireTenantPrincipal ignores a tag path without a tag', () => {
    const { stack, policy } = builder();
    policy.requireTenantPrincipal({ arns: () => ['arn:aws:iam::111111111111:role/a'], tagPath: '/tenants/' });
    const sids = (stack.resolve(policy.document) as { Statement: any[] }).Statement.map(s => s.Sid);
    expect(sids).not.toContain('KmsPatternsDenyTaggedPrincipalsOutsideTenantPath');
  });

  test('a tenant-bound exemption adds its Deny after the Null Deny; a plain one adds none', () => {
    const { stack, policy } = builder();
    policy.requireEncryptionContext('tenantId', 'acme', [ServiceExemption.secretsManager(), ServiceExemption.s3ForTenant({ bucketName: 'data' })]);
    const sids = (stack.resolve(policy.document) as { Statement: any[] }).Statement.map(s => s.Sid);
    expect(sids.slice(2)).toEqual([
      'KmsPatternsDenyOutsideTenantEncryptionContext',
      'KmsPatternsDenyViaSecretsmanagerWithoutItsEncryptionContext',
      'KmsPatternsDenyViaS3WithoutItsEncryptionContext',
      'KmsPatternsDenyViaS3OutsideTenant',
    ]);
  });

  test('the context Deny lets exempt endpoints through; each exemption with a context key gets a Null Deny of its own', () => {
    const { stack, policy } = builder();
    policy.requireEncryptionContext('tenantId', 'acme', [ServiceExemption.secretsManager(), ServiceExemption.of('sqs', undefined, 'eu-west-1')]);
    expect(bySid(stack, policy, 'KmsPatternsDenyOutsideTenantEncryptionContext').Condition).toEqual({
      StringNotEquals: {
        'kms:EncryptionContext:tenantId': 'acme',
        'kms:ViaService': ['secretsmanager.us-east-1.amazonaws.com', 'sqs.eu-west-1.amazonaws.com'],
      },
    });
    expect(bySid(stack, policy, 'KmsPatternsDenyViaSecretsmanagerWithoutItsEncryptionContext')).toEqual({
      Sid: 'KmsPatternsDenyViaSecretsmanagerWithoutItsEncryptionContext',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND_ACTIONS,
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
        Null: { 'kms:EncryptionContext:SecretARN': 'true' },
      },
    });
    const sids = (stack.resolve(policy.document) as { Statement: any[] }).Statement.map(s => s.Sid);
    expect(sids.filter(sid => /Sqs/.test(sid))).toEqual([]);
  });

  test('without exemptions the context Deny has no kms:ViaService key', () => {
    const { stack, policy } = builder();
    policy.requireEncryptionContext('tenantId', 'acme');
    expect(bySid(stack, policy, 'KmsPatternsDenyOutsideTenantEncryptionContext').Condition).toEqual({
      StringNotEquals: { 'kms:EncryptionContext:tenantId': 'acme' },
    });
  });

  test('a tenant-bound exemption denies the service\'s context outside the tenant\'s pattern', () => {
    const { stack, policy } = builder();
    policy.requireEncryptionContext('tenantId', 'acme', [ServiceExemption.s3ForTenant({ bucketName: 'data' })]);
    const outside = bySid(stack, policy, 'KmsPatternsDenyViaS3OutsideTenant');
    expect(outside).toMatchObject({ Effect: 'Deny', Principal: '*', Action: CONTEXT_BOUND_ACTIONS, Resource: '*' });
    expect(outside.Condition.StringEquals).toEqual({ 'kms:ViaService': 's3.us-east-1.amazonaws.com' });
    expect(Object.keys(outside.Condition.StringNotLike)).toEqual(['kms:EncryptionContext:aws:s3:arn']);
    expect(JSON.stringify(outside.Condition.StringNotLike)).toContain('data');
  });

  test('requireTenantPrincipal with a tag path spares the granted principals from the path Deny', () => {
    const { stack, policy } = builder();
    policy.requireTenantPrincipal({ arns: () => ['arn:aws:iam::111111111111:role/apps/granted'], tag: { key: 'tenant', value: 'acme' }, tagPath: '/tenants/' });
    expect(bySid(stack, policy, 'KmsPatternsDenyTaggedPrincipalsOutsideTenantPath')).toEqual({
      Sid: 'KmsPatternsDenyTaggedPrincipalsOutsideTenantPath',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND_ACTIONS,
      Resource: '*',
      Condition: {
        ArnNotLike: { 'aws:PrincipalArn': ROLES_UNDER_TENANTS },
        ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/apps/granted'] },
      },
    });
  });

  test('requireTenantPrincipal without a tag adds no path Deny even with a tag path', () => {
    const { stack, policy } = builder();
    policy.requireTenantPrincipal({ arns: () => [], tagPath: '/tenants/' });
    const sids = (stack.resolve(policy.document) as { Statement: any[] }).Statement.map(s => s.Sid);
    expect(sids).toEqual(['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsDenyCreateGrantExceptForAwsResources', 'KmsPatternsDenyNonTenantPrincipals']);
  });

  test('requirePrincipalPath is a Deny to * on the context-bound actions', () => {
    const { stack, policy } = builder();
    policy.requirePrincipalPath('/tenants/');
    expect(bySid(stack, policy, 'KmsPatternsDenyPrincipalsOutsideTenantPath')).toEqual({
      Sid: 'KmsPatternsDenyPrincipalsOutsideTenantPath',
      Effect: 'Deny',
      Principal: '*',
      Action: CONTEXT_BOUND_ACTIONS,
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ROLES_UNDER_TENANTS } },
    });
  });

  test('exemption Sids join the words of the service and its Region, so distinct exemptions stay distinct', () => {
    const { stack, policy } = builder();
    policy.requireEncryptionContext('tenantId', 'acme', [ServiceExemption.of('cloud-trail', 'k', 'eu-west-1')]);
    expect(bySid(stack, policy, 'KmsPatternsDenyViaCloudTrailEuWest1WithoutItsEncryptionContext').Condition.StringEquals)
      .toEqual({ 'kms:ViaService': 'cloud-trail.eu-west-1.amazonaws.com' });
  });

  test('requireTenantPrincipal with a tag but no tag path adds no path Deny', () => {
    const { stack, policy } = builder();
    policy.requireTenantPrincipal({ arns: () => [], tag: { key: 'tenant', value: 'acme' } });
    const sids = (stack.resolve(policy.document) as { Statement: any[] }).Statement.map(s => s.Sid);
    expect(sids).toEqual(['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsDenyCreateGrantExceptForAwsResources', 'KmsPatternsDenyNonTenantPrincipals']);
  });
});
