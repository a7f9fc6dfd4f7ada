import { runSimulation } from '@cloud-copilot/iam-simulate';
import { expectKms, explainKms, KmsRequest, simulateKms } from './simulate';

const ACCOUNT = '111111111111';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/App`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

function policy(...statements: object[]) {
  return { Version: '2012-10-17', Statement: statements };
}
const allow = (principal: unknown, action: string | string[], extra: object = {}) =>
  ({ Effect: 'Allow', Principal: principal, Action: action, Resource: '*', ...extra });
const deny = (action: string | string[], condition: object) =>
  ({ Effect: 'Deny', Principal: '*', Action: action, Resource: '*', Condition: condition });

describe('tenant isolation by encryption context', () => {
  const keyPolicy = policy(
    allow({ AWS: ROLE }, 'kms:Decrypt'),
    deny('kms:Decrypt', { StringNotEquals: { 'kms:EncryptionContext:tenantId': 'A' } }),
  );
  const decrypt = (encryptionContext?: Record<string, string>) =>
    simulateKms({ keyPolicy, keyArn: KEY_ARN, principalArn: ROLE, action: 'kms:Decrypt', encryptionContext });

  test('the matching tenant is allowed', async () => {
    expect(await decrypt({ tenantId: 'A' })).toBe('Allowed');
  });

  test('another tenant is explicitly denied', async () => {
    expect(await decrypt({ tenantId: 'B' })).toBe('ExplicitlyDenied');
  });

  test('no encryption context is denied', async () => {
    expect(await decrypt()).toBe('ExplicitlyDenied');
  });

  // Why the wrapper exists: plain runSimulation drops the key and denies tenant A.
  test('the underlying runSimulation ignores kms:EncryptionContext:* keys', async () => {
    const result = await runSimulation({
      request: {
        principal: ROLE,
        action: 'kms:Decrypt',
        resource: { resource: KEY_ARN, accountId: ACCOUNT },
        contextVariables: { 'kms:EncryptionContext:tenantId': 'A' },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: keyPolicy,
    }, {});

    expect(result.resultType === 'single' && result.result.ignoredContextKeys).toEqual(['kms:EncryptionContext:tenantId']);
    expect(result.resultType === 'single' && result.overallResult).toBe('ExplicitlyDenied');
  });
});

describe('account root delegation', () => {
  const keyPolicy = policy(allow({ AWS: ROOT }, 'kms:*'));

  test('a role whose identity policy allows kms:* is allowed', async () => {
    const identityPolicies = [policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })];

    expect(await simulateKms({ keyPolicy, keyArn: KEY_ARN, principalArn: ROLE, identityPolicies, action: 'kms:Decrypt' })).toBe('Allowed');
  });

  test('a role without an identity policy is implicitly denied', async () => {
    expect(await simulateKms({ keyPolicy, keyArn: KEY_ARN, principalArn: ROLE, action: 'kms:Decrypt' })).toBe('ImplicitlyDenied');
  });
});

describe('request context AWS always sends', () => {
  const base = { keyArn: KEY_ARN, principalArn: ROLE, action: 'kms:Decrypt' };

  test('aws:PrincipalArn and aws:PrincipalAccount are set from the principal', async () => {
    const keyPolicy = policy(allow('*', 'kms:Decrypt', {
      Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE }, StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
    }));

    expect(await simulateKms({ ...base, keyPolicy })).toBe('Allowed');
    expect(await simulateKms({ ...base, keyPolicy, principalArn: `arn:aws:iam::${ACCOUNT}:role/Other` })).toBe('ImplicitlyDenied');
  });

  test('a role session is matched by its role ARN', async () => {
    const keyPolicy = policy(allow('*', 'kms:Decrypt', { Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } } }));

    expect(await simulateKms({ ...base, keyPolicy, principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/App/session` })).toBe('Allowed');
  });

  test('principal tags become aws:PrincipalTag/<key>', async () => {
    const keyPolicy = policy(allow({ AWS: ROLE }, 'kms:Decrypt', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } }));

    expect(await simulateKms({ ...base, keyPolicy, principalTags: { team: 'a' } })).toBe('Allowed');
    expect(await simulateKms({ ...base, keyPolicy, principalTags: { team: 'b' } })).toBe('ImplicitlyDenied');
    expect(await simulateKms({ ...base, keyPolicy })).toBe('ImplicitlyDenied');
  });

  test('the CT.KMS.PR.3 grant guard denies direct grants and allows grants made by a service', async () => {
    const keyPolicy = policy(
      allow({ AWS: ROLE }, 'kms:CreateGrant'),
      deny('kms:CreateGrant', { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } }),
    );
    const createGrant = { ...base, keyPolicy, action: 'kms:CreateGrant' };

    expect(await simulateKms(createGrant)).toBe('ExplicitlyDenied');
    expect(await simulateKms({ ...createGrant, viaService: 'ec2' })).toBe('Allowed');
  });

  test('kms:ViaService names the calling service in the key region', async () => {
    const keyPolicy = policy(allow({ AWS: ROLE }, 'kms:Decrypt', { Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }));

    expect(await simulateKms({ ...base, keyPolicy, viaService: 's3' })).toBe('Allowed');
    expect(await simulateKms({ ...base, keyPolicy, viaService: 'sqs' })).toBe('ImplicitlyDenied');
    expect(await simulateKms({ ...base, keyPolicy })).toBe('ImplicitlyDenied');
  });

  test('a service principal is an AWS service, without aws:PrincipalArn', async () => {
    const keyPolicy = policy(allow({ Service: 'logs.us-east-1.amazonaws.com' }, 'kms:Encrypt', {
      Condition: { Bool: { 'aws:PrincipalIsAWSService': 'true' }, Null: { 'aws:PrincipalArn': 'true' } },
    }));

    expect(await simulateKms({ ...base, keyPolicy, principalArn: 'logs.us-east-1.amazonaws.com', action: 'kms:Encrypt' })).toBe('Allowed');
  });
});

describe('refuses to answer rather than guess', () => {
  const request: KmsRequest = { keyPolicy: policy(allow({ AWS: ROOT }, 'kms:*')), keyArn: KEY_ARN, principalArn: ROLE, action: 'kms:Decrypt' };

  test('throws on a context key the simulator ignores', async () => {
    await expect(simulateKms({ ...request, extraContext: { 'kms:NotAKey': 'x' } })).rejects.toThrow(/ignored context keys kms:NotAKey/);
  });

  test('throws on an invalid policy', async () => {
    await expect(simulateKms({ ...request, keyPolicy: policy({ Effect: 'Permit', Principal: '*', Action: 'kms:*', Resource: '*' }) }))
      .rejects.toThrow(/simulator rejected the request/);
  });

  test('throws on an unknown action', async () => {
    await expect(simulateKms({ ...request, action: 'kms:Decrypted' })).rejects.toThrow(/Decrypted does not exist/);
  });

  test('throws on an encryption context for an action that takes none', async () => {
    await expect(simulateKms({ ...request, action: 'kms:DescribeKey', encryptionContext: { a: 'b' } })).rejects.toThrow(/does not take an encryption context/);
    await expect(simulateKms({ ...request, action: 'kms:DescribeKey', extraContext: { 'kms:EncryptionContext:a': 'b' } }))
      .rejects.toThrow(/does not take an encryption context/);
  });
});

describe('explanations', () => {
  const keyPolicy = policy(
    allow({ AWS: ROLE }, 'kms:Decrypt'),
    { Sid: 'TenantA', ...deny('kms:Decrypt', { StringNotEquals: { 'kms:EncryptionContext:tenantId': 'A' } }) },
  );
  const request: KmsRequest = { keyPolicy, keyArn: KEY_ARN, principalArn: ROLE, action: 'kms:Decrypt', encryptionContext: { tenantId: 'B' } };

  test('name the deciding statement and the context', async () => {
    const { decision, explanation } = await explainKms(request);

    expect(decision).toBe('ExplicitlyDenied');
    expect(explanation).toContain('"statementId":"TenantA"');
    expect(explanation).toContain('"kms:EncryptionContext:tenantId":"B"');
    expect(explanation).toContain('runSimulation ignores kms:EncryptionContext:tenantId');
  });

  test('expectKms fails with the explanation, and passes on the expected decision', async () => {
    await expect(expectKms(request, 'Allowed')).rejects.toThrow(/expected Allowed but got ExplicitlyDenied\n.*kms:Decrypt on/);
    await expect(expectKms(request, 'ExplicitlyDenied')).resolves.toBeUndefined();
  });
});
