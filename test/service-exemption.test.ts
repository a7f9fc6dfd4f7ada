import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ServiceExemption, SharedTenantKey, TenantKey } from '../src';
import { ownKeyResource, ownKeyTemplate } from './helpers/own-key';

const ENV = { account: '111111111111', region: 'us-east-1' };

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: ENV });
}

function keyPolicyWith(statement: Record<string, unknown>): Record<string, unknown> {
  return { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike(statement)]) } };
}

/**
 * The stack's template reduced to the construct's own key: the stack also holds the rotation
 * verification's log key and the monitor's alarm-topic key (both on by default).
 */
function keyTemplate(stack: Stack, construct: TenantKey | SharedTenantKey): Template {
  return ownKeyTemplate(Template.fromStack(stack), construct);
}

/** The Sids of the construct's own key policy, in order. */
function sidsOf(stack: Stack, construct: TenantKey | SharedTenantKey): string[] {
  return ownKeyResource(Template.fromStack(stack), construct).Properties.KeyPolicy.Statement.map((st: any) => st.Sid);
}

describe('ServiceExemption factories', () => {
  test.each([
    ['s3', ServiceExemption.s3(), 's3', 'aws:s3:arn'],
    ['secretsManager', ServiceExemption.secretsManager(), 'secretsmanager', 'SecretARN'],
    ['sqs', ServiceExemption.sqs(), 'sqs', 'aws:sqs:arn'],
  ])('%s names the endpoint prefix and the context key the service sets', (_, exemption, prefix, contextKey) => {
    expect(exemption.servicePrefix).toBe(prefix);
    expect(exemption.contextKey).toBe(contextKey);
    expect(exemption.region).toBeUndefined();
  });

  test.each([
    ['s3', ServiceExemption.s3('eu-west-1')],
    ['secretsManager', ServiceExemption.secretsManager('eu-west-1')],
    ['sqs', ServiceExemption.sqs('eu-west-1')],
    ['of', ServiceExemption.of('kinesis', undefined, 'eu-west-1')],
  ])('%s keeps the Region it is given', (_, exemption) => {
    expect(exemption.region).toBe('eu-west-1');
  });

  test('of takes any prefix, with or without a context key', () => {
    const bare = ServiceExemption.of('kinesis');
    expect([bare.servicePrefix, bare.contextKey, bare.region]).toEqual(['kinesis', undefined, undefined]);
    const paired = ServiceExemption.of('dynamodb', 'aws:dynamodb:tableName');
    expect([paired.servicePrefix, paired.contextKey]).toEqual(['dynamodb', 'aws:dynamodb:tableName']);
  });
});

describe('ServiceExemption.viaServiceIn', () => {
  test('uses the default Region when the exemption names none', () => {
    expect(ServiceExemption.s3().viaServiceIn('us-east-1')).toBe('s3.us-east-1.amazonaws.com');
  });

  test('uses the exemption\'s own Region over the default', () => {
    expect(ServiceExemption.secretsManager('eu-west-1').viaServiceIn('us-east-1')).toBe('secretsmanager.eu-west-1.amazonaws.com');
  });

  test('builds the endpoint of any prefix', () => {
    expect(ServiceExemption.of('kinesis').viaServiceIn('ap-southeast-2')).toBe('kinesis.ap-southeast-2.amazonaws.com');
  });
});

describe('ServiceExemption in a key policy', () => {
  test('a Region-less exemption takes the key\'s Region', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-central-1' } });
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.s3()] });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyViaS3WithoutItsEncryptionContext',
      Condition: Match.objectLike({ StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } }),
    }));
  });

  test('in an env-agnostic stack, the endpoint is joined with AWS::Region', () => {
    const stack = new Stack(new App(), 'S');
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.s3(), ServiceExemption.sqs('eu-west-1')] });
    const endpoint = { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] };
    const template = keyTemplate(stack, key);
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyOutsideTenantEncryptionContext',
      Condition: Match.exact({
        StringNotEquals: {
          'kms:EncryptionContext:tenantId': 'acme',
          'kms:ViaService': [endpoint, 'sqs.eu-west-1.amazonaws.com'],
        },
      }),
    }));
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyViaS3WithoutItsEncryptionContext',
      Condition: Match.exact({
        StringEquals: { 'kms:ViaService': endpoint },
        Null: { 'kms:EncryptionContext:aws:s3:arn': 'true' },
      }),
    }));
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyViaSqsEuWest1WithoutItsEncryptionContext',
      Condition: Match.exact({
        StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' },
        Null: { 'kms:EncryptionContext:aws:sqs:arn': 'true' },
      }),
    }));
  });

  test('in an env-agnostic stack, a grant\'s exemption statement joins the endpoint with AWS::Region', () => {
    const stack = new Stack(new App(), 'S');
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.s3()] });
    key.grantDecrypt(iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/AcmeApp'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Condition: Match.exact({ StringEquals: { 'kms:EncryptionContext:tenantId': 'acme' } }) }),
          Match.objectLike({
            Condition: Match.exact({
              StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
              Null: { 'kms:EncryptionContext:aws:s3:arn': 'false' },
            }),
          }),
        ],
      },
    });
  });

  test.each([
    ['eu-west-1', 'KmsPatternsDenyViaS3EuWest1WithoutItsEncryptionContext'],
    ['us-gov-west-1', 'KmsPatternsDenyViaS3UsGovWest1WithoutItsEncryptionContext'],
    ['us-east-1', 'KmsPatternsDenyViaS3UsEast1WithoutItsEncryptionContext'],
  ])('the Sid of the Null Deny of an exemption in %p carries that Region: %p', (region, sid) => {
    const stack = newStack();
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.s3(region)] });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: sid,
      Condition: Match.exact({
        StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` },
        Null: { 'kms:EncryptionContext:aws:s3:arn': 'true' },
      }),
    }));
  });

  test('the Sid of the Null Deny keeps letters and digits of the prefix, each word capitalised', () => {
    const stack = newStack();
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.of('cloud-trail', 'aws:cloudtrail:arn')] });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyViaCloudTrailWithoutItsEncryptionContext',
      Condition: Match.exact({
        StringEquals: { 'kms:ViaService': 'cloud-trail.us-east-1.amazonaws.com' },
        Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'true' },
      }),
    }));
  });

  test('prefixes that differ only in punctuation get distinct Sids', () => {
    const stack = newStack();
    const key = new TenantKey(stack, 'K', {
      tenantId: 'acme',
      serviceExemptions: [ServiceExemption.of('cloud-trail', 'a'), ServiceExemption.of('cloudtrail', 'b')],
    });
    // Sids must be distinct within one key policy (the stack's other keys have policies of their own).
    const sids = sidsOf(stack, key);
    expect(sids).toEqual(expect.arrayContaining(['KmsPatternsDenyViaCloudTrailWithoutItsEncryptionContext', 'KmsPatternsDenyViaCloudtrailWithoutItsEncryptionContext']));
    expect(new Set(sids).size).toBe(sids.length);
  });
});

describe.each([
  ['TenantKey', (stack: Stack, serviceExemptions: ServiceExemption[]) => new TenantKey(stack, 'K', { tenantId: 'acme', serviceExemptions })],
  ['SharedTenantKey', (stack: Stack, serviceExemptions: ServiceExemption[]) => new SharedTenantKey(stack, 'K', { alias: 'shared', serviceExemptions })],
])('serviceExemptions validation in a %s', (_, make) => {
  test.each([
    ['has upper case', 'S3'],
    ['is one character', 's'],
    ['contains a dot', 's3.amazonaws.com'],
    ['contains an underscore', 'my_service'],
    ['is empty', ''],
    ['is 64 characters long', 'x'.repeat(64)],
  ])('fails when a service prefix %s', (_d, prefix) => {
    expect(() => make(newStack(), [ServiceExemption.s3(), ServiceExemption.of(prefix)])).toThrow(new Error(
      `S/K: \`serviceExemptions[1].servicePrefix\` must be an endpoint prefix of lowercase letters, digits and "-" (e.g. "s3"), got "${prefix}"`,
    ));
  });

  test.each([
    ['has no number', 'us-east'],
    ['is upper case', 'US-EAST-1'],
    ['has no dashes', 'useast1'],
    ['names an availability zone', 'us-east-1a'],
    ['is empty', ''],
  ])('fails when a Region %s', (_d, region) => {
    expect(() => make(newStack(), [ServiceExemption.s3(region)])).toThrow(new Error(
      `S/K: \`serviceExemptions[0].region\` must be a Region name such as "eu-west-1", got "${region}"`,
    ));
  });

  test.each(['', 'bad key!'])('fails when a context key is %p', (contextKey) => {
    expect(() => make(newStack(), [ServiceExemption.of('kinesis', contextKey)])).toThrow(new Error(
      `S/K: \`serviceExemptions[0].contextKey\` must be 1-128 characters of letters, digits and _ . : / = + @ -, got "${contextKey}"`,
    ));
  });

  test('fails when the same service appears twice without a Region, naming the key\'s Region', () => {
    expect(() => make(newStack(), [ServiceExemption.s3(), ServiceExemption.sqs(), ServiceExemption.s3()])).toThrow(new Error(
      'S/K: `serviceExemptions` must not contain duplicates ("s3.us-east-1" appears more than once), ' +
      'got ["s3.us-east-1","sqs.us-east-1","s3.us-east-1"]',
    ));
  });

  test.each([
    ['first', [ServiceExemption.s3(), ServiceExemption.s3('us-east-1')]],
    ['second', [ServiceExemption.s3('us-east-1'), ServiceExemption.s3()]],
  ])('fails when a service appears without a Region and with the key\'s own Region (Region-less %s)', (_d, exemptions) => {
    expect(() => make(newStack(), exemptions)).toThrow(new Error(
      'S/K: `serviceExemptions` must not contain duplicates ("s3.us-east-1" appears more than once), ' +
      'got ["s3.us-east-1","s3.us-east-1"]',
    ));
  });

  test('fails when the same service appears twice without a Region in an env-agnostic stack', () => {
    expect(() => make(new Stack(new App(), 'S'), [ServiceExemption.s3(), ServiceExemption.s3()])).toThrow(new Error(
      'S/K: `serviceExemptions` must not contain duplicates ("s3.<key Region>" appears more than once), ' +
      'got ["s3.<key Region>","s3.<key Region>"]',
    ));
  });

  test('accepts a service without a Region and in an explicit Region in an env-agnostic stack, whose Region is unknown', () => {
    expect(() => make(new Stack(new App(), 'S'), [ServiceExemption.s3(), ServiceExemption.s3('us-east-1')])).not.toThrow();
  });

  test('accepts a service without a Region and in another Region, with a Null Deny for each', () => {
    const stack = newStack();
    const key = make(stack, [ServiceExemption.s3(), ServiceExemption.s3('eu-west-1')]);
    const statements = ownKeyResource(Template.fromStack(stack), key).Properties.KeyPolicy.Statement as any[];
    expect(statements.filter(st => st.Sid.startsWith('KmsPatternsDenyVia')).map(st => [st.Sid, st.Condition.StringEquals['kms:ViaService']])).toEqual([
      ['KmsPatternsDenyViaS3WithoutItsEncryptionContext', 's3.us-east-1.amazonaws.com'],
      ['KmsPatternsDenyViaS3EuWest1WithoutItsEncryptionContext', 's3.eu-west-1.amazonaws.com'],
    ]);
  });

  test('fails when the same service appears twice in the same Region', () => {
    expect(() => make(newStack(), [ServiceExemption.sqs('eu-west-1'), ServiceExemption.of('sqs', 'aws:sqs:arn', 'eu-west-1')])).toThrow(new Error(
      'S/K: `serviceExemptions` must not contain duplicates ("sqs.eu-west-1" appears more than once), ' +
      'got ["sqs.eu-west-1","sqs.eu-west-1"]',
    ));
  });

  test('accepts an AWS-reserved context key such as aws:s3:arn, which the services themselves set', () => {
    expect(() => make(newStack(), [ServiceExemption.s3(), ServiceExemption.of('dynamodb', 'aws:dynamodb:tableName')])).not.toThrow();
  });

  test.each(['us-gov-west-1', 'cn-north-1', 'ap-southeast-2'])('accepts the Region %p', (region) => {
    expect(() => make(newStack(), [ServiceExemption.s3(region)])).not.toThrow();
  });
});

describe('ServiceExemption bound to the tenant', () => {
  test('secretsManagerForTenant and s3ForTenant keep the service\'s endpoint and context key, and say they are tenant-bound', () => {
    const secrets = ServiceExemption.secretsManagerForTenant({ secretNamePrefix: 'tenants/', region: 'eu-west-1' });
    expect([secrets.servicePrefix, secrets.contextKey, secrets.region, secrets.tenantBound]).toEqual(['secretsmanager', 'SecretARN', 'eu-west-1', true]);
    const objects = ServiceExemption.s3ForTenant({ bucketName: 'data' });
    expect([objects.servicePrefix, objects.contextKey, objects.region, objects.tenantBound]).toEqual(['s3', 'aws:s3:arn', undefined, true]);
    expect(ServiceExemption.secretsManager().tenantBound).toBe(false);
  });

  test('in a TenantKey, denies calls through Secrets Manager whose SecretARN is not under the tenant', () => {
    const stack = newStack();
    const key = new TenantKey(stack, 'K', { tenantId: 'acme', serviceExemptions: [ServiceExemption.secretsManagerForTenant({ secretNamePrefix: 'tenants/' })] });
    keyTemplate(stack, key).hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyViaSecretsmanagerOutsideTenant',
      Effect: 'Deny',
      Principal: '*',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: Match.exact({
        StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
        StringNotLike: {
          'kms:EncryptionContext:SecretARN': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:111111111111:secret:tenants/acme/*']] },
        },
      }),
    }));
  });

  test('in a SharedTenantKey, ties aws:s3:arn to the caller\'s tenant tag, and keeps the tag Deny and the Null Deny', () => {
    const stack = newStack();
    const key = new SharedTenantKey(stack, 'K', { alias: 'shared', serviceExemptions: [ServiceExemption.s3ForTenant({ bucketName: 'data', keyPrefix: 'tenants/' })] });
    const template = keyTemplate(stack, key);
    template.hasResourceProperties('AWS::KMS::Key', keyPolicyWith({
      Sid: 'KmsPatternsDenyViaS3OutsideTenant',
      Condition: Match.exact({
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        StringNotLike: {
          'kms:EncryptionContext:aws:s3:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::data/tenants/${aws:PrincipalTag/tenantId}/*']] },
        },
      }),
    }));
    expect(sidsOf(stack, key)).toEqual(expect.arrayContaining(['KmsPatternsDenyPrincipalsWithoutTenantTag', 'KmsPatternsDenyViaS3WithoutItsEncryptionContext', 'KmsPatternsDenyViaS3OutsideTenant']));
  });

  test('a grant through a tenant-bound exemption requires the tenant\'s pattern, not just the key\'s presence', () => {
    const stack = newStack();
    const key = new SharedTenantKey(stack, 'K', { alias: 'shared', serviceExemptions: [ServiceExemption.secretsManagerForTenant({ region: 'eu-west-1' })] });
    key.grantTenantAccess(iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/App'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: Match.exact({
            StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
            StringLike: {
              'kms:EncryptionContext:SecretARN': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:${aws:PrincipalTag/tenantId}/*']] },
            },
          }),
        })]),
      },
    });
  });

  test.each<[string, ServiceExemption, string]>([
    ['a secret name prefix with a wildcard', ServiceExemption.secretsManagerForTenant({ secretNamePrefix: 'tenants/*' }),
      'S/K: `serviceExemptions[0].secretNamePrefix` must be letters, digits and / _ + = . @ - (the characters of a secret name; no wildcard), got "tenants/*"'],
    ['a bucket name with upper case', ServiceExemption.s3ForTenant({ bucketName: 'Data' }),
      'S/K: `serviceExemptions[0].bucketName` must be a bucket name: 3-63 lowercase letters, digits, "." or "-", got "Data"'],
    ['a bucket name that ends in "_"', ServiceExemption.s3ForTenant({ bucketName: 'data_' }),
      'S/K: `serviceExemptions[0].bucketName` must be a bucket name: 3-63 lowercase letters, digits, "." or "-", got "data_"'],
    ['an object key prefix with "?"', ServiceExemption.s3ForTenant({ bucketName: 'data', keyPrefix: 'a?/' }),
      'S/K: `serviceExemptions[0].keyPrefix` must be an object key prefix without "*", "?" or "$" (they would widen the match), got "a?/"'],
  ])('fails with %s', (_d, exemption, message) => {
    expect(() => new TenantKey(newStack(), 'K', { tenantId: 'acme', serviceExemptions: [exemption] })).toThrow(new Error(message));
  });
});
