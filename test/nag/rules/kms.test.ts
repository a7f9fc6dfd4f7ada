// EncStd-KMS1..KMS11 on keys made with plain aws-cdk-lib: L2 kms.Key, L1 CfnKey and
// CfnReplicaKey, a generic CfnResource, and escape-hatch overrides.
import { CfnDeletionPolicy, CfnParameter, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { kmsCrossAccountGrants } from '../../../src/nag/rules/kms-cross-account-grants';
import { kmsMultiRegionAllowed } from '../../../src/nag/rules/kms-multi-region';
import { kmsPendingWindowAtLeast } from '../../../src/nag/rules/kms-pending-window';
import { kmsRetained } from '../../../src/nag/rules/kms-retained';
import { kmsRootDelegation } from '../../../src/nag/rules/kms-root-delegation';
import { kmsRotationEnabled } from '../../../src/nag/rules/kms-rotation-enabled';
import { kmsRotationPeriodAtMost } from '../../../src/nag/rules/kms-rotation-period';
import { ENV, cfnOf, idsOn, newStack } from '../enc-std';

/** A key that passes every KMS rule at default settings. */
function goodKey(stack: Stack, id = 'Key', props: kms.KeyProps = {}): kms.Key {
  const key = new kms.Key(stack, id, { enableKeyRotation: true, ...props });
  key.addAlias(`alias/${id.toLowerCase()}`);
  return key;
}

/** An L1 key, retained, with an alias, and the given properties. */
function cfnKey(stack: Stack, props: Partial<kms.CfnKeyProps> = {}, id = 'CfnKey'): kms.CfnKey {
  const key = new kms.CfnKey(stack, id, { enableKeyRotation: true, ...props });
  key.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
  key.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
  new kms.CfnAlias(stack, `${id}Alias`, { aliasName: `alias/${id.toLowerCase()}`, targetKeyId: key.ref });
  return key;
}

/** A key policy with the root delegation and then `statements`. */
function policyWith(...statements: object[]): object {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ENV.account}:root` }, Action: 'kms:*', Resource: '*' },
      ...statements,
    ],
  };
}

const KMS_IDS = (ids: string[]) => ids.filter(id => id.startsWith('EncStd-KMS'));

describe('a compliant key', () => {
  test('L2 key with rotation and an alias has no KMS finding', () => {
    expect(idsOn(goodKey(newStack()))).toEqual([]);
  });

  test('L1 key with rotation, RETAIN and an alias has no KMS finding', () => {
    expect(idsOn(cfnKey(newStack()))).toEqual([]);
  });

  test('generic CfnResource of type AWS::KMS::Key is judged like a typed L1', () => {
    const stack = newStack();
    const key = new CfnResource(stack, 'Generic', { type: 'AWS::KMS::Key', properties: { EnableKeyRotation: false } });
    key.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CfnResource(stack, 'GenericAlias', { type: 'AWS::KMS::Alias', properties: { AliasName: 'alias/g', TargetKeyId: key.ref } });
    expect(idsOn(key)).toEqual(['EncStd-KMS1']);
  });
});

describe('EncStd-KMS1 rotation enabled', () => {
  test('fails on an L2 key without rotation', () => {
    expect(idsOn(goodKey(newStack(), 'Key', { enableKeyRotation: false }))).toEqual(['EncStd-KMS1']);
  });

  test('fails on an L1 key that leaves EnableKeyRotation out (KMS default: off)', () => {
    expect(idsOn(cfnKey(newStack(), { enableKeyRotation: undefined }))).toEqual(['EncStd-KMS1']);
  });

  test('fails when an escape hatch turns rotation off', () => {
    const key = goodKey(newStack());
    (key.node.defaultChild as CfnResource).addPropertyOverride('EnableKeyRotation', false);
    expect(idsOn(key)).toEqual(['EncStd-KMS1']);
  });

  test.each([
    ['RSA_2048', 'SIGN_VERIFY'],
    ['ECC_NIST_P256', 'SIGN_VERIFY'],
    ['HMAC_256', 'GENERATE_VERIFY_MAC'],
  ])('is N/A for a %s %s key (no automatic rotation possible)', (keySpec, keyUsage) => {
    expect(idsOn(cfnKey(newStack(), { enableKeyRotation: false, keySpec, keyUsage }))).toEqual([]);
  });

  test('is N/A for a key with imported key material', () => {
    expect(idsOn(cfnKey(newStack(), { enableKeyRotation: false, origin: 'EXTERNAL' }))).toEqual([]);
  });

  test('is N/A when rotation is a parameter', () => {
    const stack = newStack();
    const param = new CfnParameter(stack, 'Rotate', { type: 'String', allowedValues: ['true', 'false'] });
    expect(idsOn(cfnKey(stack, { enableKeyRotation: param.valueAsString as any }))).toEqual([]);
  });

  test('judges a replica by its primary key in the same stack', () => {
    const stack = newStack();
    const noRotation = cfnKey(stack, { enableKeyRotation: false, multiRegion: true }, 'Primary');
    const replica = replicaOf(stack, noRotation.attrArn);
    expect(idsOn(replica)).toEqual(['EncStd-KMS1']);
    const stack2 = newStack();
    expect(idsOn(replicaOf(stack2, cfnKey(stack2, { multiRegion: true }, 'Primary').attrArn))).toEqual([]);
  });

  test('is N/A for a replica whose primary is elsewhere', () => {
    const stack = newStack();
    expect(idsOn(replicaOf(stack, 'arn:aws:kms:us-east-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab'))).toEqual([]);
  });
});

/** A retained replica key with an alias and a compliant policy. */
function replicaOf(stack: Stack, primaryKeyArn: string, props: Partial<kms.CfnReplicaKeyProps> = {}): kms.CfnReplicaKey {
  const replica = new kms.CfnReplicaKey(stack, 'Replica', { primaryKeyArn, keyPolicy: policyWith(), ...props });
  replica.applyRemovalPolicy(RemovalPolicy.RETAIN);
  new kms.CfnAlias(stack, 'ReplicaAlias', { aliasName: 'alias/replica', targetKeyId: replica.ref });
  return replica;
}

describe('EncStd-KMS2 rotation period', () => {
  test('passes 365 days at the default maximum (365)', () => {
    expect(idsOn(goodKey(newStack(), 'Key', { rotationPeriod: Duration.days(365) }))).toEqual([]);
  });

  test('fails 400 days at the default maximum (365)', () => {
    expect(idsOn(goodKey(newStack(), 'Key', { rotationPeriod: Duration.days(400) }))).toEqual(['EncStd-KMS2']);
  });

  test('counts an unset period as KMS\'s 365 days against a lower maximum', () => {
    const key = goodKey(newStack());
    expect(idsOn(key, { maxRotationPeriod: Duration.days(180) })).toEqual(['EncStd-KMS2']);
    expect(idsOn(key, { maxRotationPeriod: Duration.days(365) })).toEqual([]);
  });

  test('honours a higher maximum', () => {
    expect(idsOn(goodKey(newStack(), 'Key', { rotationPeriod: Duration.days(730) }), { maxRotationPeriod: Duration.days(730) })).toEqual([]);
  });

  test('leaves keys without rotation to KMS1', () => {
    expect(idsOn(cfnKey(newStack(), { enableKeyRotation: false, rotationPeriodInDays: 2000 }))).toEqual(['EncStd-KMS1']);
  });

  test('is N/A when the period is a parameter', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' });
    expect(idsOn(cfnKey(stack, { rotationPeriodInDays: days.valueAsNumber }))).toEqual([]);
  });
});

describe('EncStd-KMS3 pending window', () => {
  test('passes an unset window (KMS default 30) at the default minimum (30)', () => {
    expect(idsOn(goodKey(newStack()))).toEqual([]);
  });

  test('fails 7 days at the default minimum (30)', () => {
    expect(idsOn(goodKey(newStack(), 'Key', { pendingWindow: Duration.days(7) }))).toEqual(['EncStd-KMS3']);
  });

  test('honours a lower minimum', () => {
    expect(idsOn(goodKey(newStack(), 'Key', { pendingWindow: Duration.days(7) }), { minPendingWindow: Duration.days(7) })).toEqual([]);
  });

  test('checks replica keys', () => {
    const stack = newStack();
    expect(KMS_IDS(idsOn(replicaOf(stack, 'arn:aws:kms:us-east-1:111111111111:key/mrk-1', { pendingWindowInDays: 10 })))).toEqual(['EncStd-KMS3']);
  });

  test('is N/A when the window is a parameter', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' });
    expect(idsOn(cfnKey(stack, { pendingWindowInDays: days.valueAsNumber }))).toEqual([]);
  });
});

describe('EncStd-KMS4 retained', () => {
  test('passes the L2 default (RETAIN) and RETAIN_ON_UPDATE_OR_DELETE', () => {
    expect(idsOn(goodKey(newStack()))).toEqual([]);
    expect(idsOn(goodKey(newStack(), 'Key', { removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE }))).toEqual([]);
  });

  test('fails RemovalPolicy.DESTROY', () => {
    expect(idsOn(goodKey(newStack(), 'Key', { removalPolicy: RemovalPolicy.DESTROY }))).toEqual(['EncStd-KMS4']);
  });

  test('fails an L1 key without deletion policies', () => {
    const stack = newStack();
    const key = new kms.CfnKey(stack, 'Raw', { enableKeyRotation: true });
    new kms.CfnAlias(stack, 'RawAlias', { aliasName: 'alias/raw', targetKeyId: key.attrArn });
    expect(idsOn(key)).toEqual(['EncStd-KMS4']);
  });

  test('fails an L1 key with DeletionPolicy Retain but UpdateReplacePolicy left at Delete', () => {
    const key = cfnKey(newStack());
    key.cfnOptions.updateReplacePolicy = undefined;
    expect(idsOn(key)).toEqual(['EncStd-KMS4']);
  });

  test('checks replica keys', () => {
    const stack = newStack();
    const replica = replicaOf(stack, 'arn:aws:kms:us-east-1:111111111111:key/mrk-1');
    replica.applyRemovalPolicy(RemovalPolicy.DESTROY);
    expect(KMS_IDS(idsOn(replica))).toEqual(['EncStd-KMS4']);
  });
});

describe('EncStd-KMS5 root delegation', () => {
  test('passes an L1 key without KeyPolicy (KMS applies its default policy)', () => {
    expect(idsOn(cfnKey(newStack()))).toEqual([]);
  });

  test('passes the root as a bare account ID and as an ARN with AWS::AccountId', () => {
    const stack = newStack();
    const bare = cfnKey(stack, { keyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: ENV.account }, Action: 'kms:*', Resource: '*' }] } }, 'Bare');
    const env = newStack({});
    const pseudo = cfnKey(env, {
      keyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: new iam.AccountRootPrincipal().arn }, Action: '*', Resource: '*' }] },
    }, 'Pseudo');
    expect(idsOn(bare)).toEqual([]);
    expect(idsOn(pseudo)).toEqual([]);
  });

  test('fails a policy that gives kms:* only to a role', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    const policy = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({ principals: [role], actions: ['kms:Decrypt'], resources: ['*'] })],
    });
    expect(idsOn(goodKey(stack, 'Key', { policy }))).toEqual(['EncStd-KMS5']);
  });

  test('fails a root statement weakened by a condition', () => {
    const policy = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ENV.account}:root` }, Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] };
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policy }))).toEqual(['EncStd-KMS5']);
  });

  test('fails a root of another account (and KMS8 reports the grant, KMS11 the missing CreateGrant Deny)', () => {
    const policy = { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'kms:*', Resource: '*' }] };
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policy }))).toEqual(['EncStd-KMS11', 'EncStd-KMS5', 'EncStd-KMS7', 'EncStd-KMS8']);
  });

  test('is N/A when the whole key policy is a parameter', () => {
    const stack = newStack();
    const param = new CfnParameter(stack, 'Policy', { type: 'String' });
    expect(idsOn(cfnKey(stack, { keyPolicy: param.valueAsString }))).toEqual([]);
  });
});

describe('EncStd-KMS6 no open principal', () => {
  const open = { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };

  test('fails an Allow to * without condition', () => {
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith(open) }))).toEqual(['EncStd-KMS6']);
  });

  test('fails an Allow to {AWS: "*"} and an Allow with NotPrincipal', () => {
    const stack = newStack();
    const star = cfnKey(stack, { keyPolicy: policyWith({ ...open, Principal: { AWS: ['*'] } }) }, 'A');
    const notPrincipal = { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/x' }, Action: 'kms:Decrypt', Resource: '*' };
    const allButOne = cfnKey(stack, { keyPolicy: policyWith(notPrincipal) }, 'B');
    expect(idsOn(star)).toEqual(['EncStd-KMS6']);
    expect(idsOn(allButOne)).toEqual(['EncStd-KMS6']);
  });

  test('passes an Allow to * restricted to the own account (the AWS managed key pattern)', () => {
    const viaService = { ...open, Condition: { StringEquals: { 'kms:CallerAccount': ENV.account, 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } } };
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith(viaService) }))).toEqual([]);
  });

  test('passes an Allow to * restricted to an allowed organization (KMS11 wants the CreateGrant Deny beside it)', () => {
    const org = { ...open, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } };
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith(org) }), { allowedOrganizationIds: ['o-abcdefghij'] })).toEqual(['EncStd-KMS11']);
  });

  test.each([
    ['a negated operator', { StringNotEquals: { 'aws:PrincipalAccount': ENV.account } }],
    ['an IfExists operator', { StringEqualsIfExists: { 'aws:PrincipalAccount': ENV.account } }],
    ['a wildcard-only value', { StringLike: { 'aws:PrincipalAccount': '*' } }],
    ['an unrelated condition', { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }],
  ])('fails an Allow to * restricted only by %s', (_name, condition) => {
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith({ ...open, Condition: condition }) }))).toEqual(['EncStd-KMS6']);
  });

  test('passes Deny statements with * principals (guard rails)', () => {
    const deny = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const stack = newStack();
    const key = goodKey(stack);
    key.addToResourcePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.StarPrincipal()], actions: ['kms:CreateGrant'], resources: ['*'] }));
    const l1 = cfnKey(stack, { keyPolicy: policyWith(deny) });
    expect(idsOn(key)).toEqual([]);
    expect(idsOn(l1)).toEqual([]);
  });

  test('is N/A when the organization is a parameter', () => {
    const stack = newStack();
    const org = new CfnParameter(stack, 'OrgId', { type: 'String' });
    const statement = { ...open, Condition: { StringEquals: { 'aws:PrincipalOrgID': org.valueAsString } } };
    expect(idsOn(cfnKey(stack, { keyPolicy: policyWith(statement) }))).toEqual([]);
  });
});

describe('EncStd-KMS7 no kms:* except to the root', () => {
  test('fails kms:* to a role of the account', () => {
    const stack = newStack();
    const key = goodKey(stack);
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    key.addToResourcePolicy(new iam.PolicyStatement({ principals: [role], actions: ['kms:*'], resources: ['*'] }));
    expect(idsOn(key)).toEqual(['EncStd-KMS7']);
  });

  test.each([
    ['* to a role', { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ENV.account}:role/admin` }, Action: '*', Resource: '*' }],
    ['NotAction to a role', { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ENV.account}:role/admin` }, NotAction: 'kms:Decrypt', Resource: '*' }],
    ['kms:* to a service', { Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'KMS:*', Resource: '*' }],
  ])('fails %s', (_name, statement) => {
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith(statement) }))).toEqual(['EncStd-KMS7']);
  });

  test('passes specific actions to a role, and kms:* to the root', () => {
    const stack = newStack();
    const key = goodKey(stack);
    key.grantEncryptDecrypt(new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
    key.grantAdmin(new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(idsOn(key)).toEqual([]);
  });

  test('is N/A when the principal holding kms:* is a parameter', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'AdminArn', { type: 'String' });
    const statement = { Effect: 'Allow', Principal: { AWS: arn.valueAsString }, Action: 'kms:*', Resource: '*' };
    expect(idsOn(cfnKey(stack, { keyPolicy: policyWith(statement) }))).toEqual([]);
  });
});

// Every key here is shared without the CreateGrant Deny, so KMS11 reports it too.
describe('EncStd-KMS8 cross-account access', () => {
  const decryptBy = (principal: string) => ({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' });

  test('fails a role of another account, passes it once listed by account or by ARN', () => {
    const key = cfnKey(newStack(), { keyPolicy: policyWith(decryptBy('arn:aws:iam::222222222222:role/reader')) });
    expect(idsOn(key)).toEqual(['EncStd-KMS11', 'EncStd-KMS8']);
    expect(idsOn(key, { allowedCrossAccountPrincipals: ['222222222222'] })).toEqual(['EncStd-KMS11']);
    expect(idsOn(key, { allowedCrossAccountPrincipals: ['arn:aws:iam::222222222222:role/reader'] })).toEqual(['EncStd-KMS11']);
    expect(idsOn(key, { allowedCrossAccountPrincipals: ['arn:aws:iam::222222222222:role/other'] })).toEqual(['EncStd-KMS11', 'EncStd-KMS8']);
  });

  test('fails an L2 grant to an AccountPrincipal of another account', () => {
    const stack = newStack();
    const key = goodKey(stack);
    key.grantDecrypt(new iam.AccountPrincipal('333333333333'));
    expect(idsOn(key)).toEqual(['EncStd-KMS11', 'EncStd-KMS8']);
    expect(idsOn(key, { allowedCrossAccountPrincipals: ['333333333333'] })).toEqual(['EncStd-KMS11']);
  });

  test('passes roles of the own account, services, and an own literal account in a stack with env', () => {
    const stack = newStack();
    const key = goodKey(stack);
    key.grantDecrypt(new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    key.grantEncrypt(new iam.ServicePrincipal('logs.amazonaws.com'));
    key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ArnPrincipal(`arn:aws:iam::${ENV.account}:role/x`)], actions: ['kms:Decrypt'], resources: ['*'] }));
    expect(idsOn(key)).toEqual([]);
  });

  test('counts a literal account as another account in an environment-agnostic stack', () => {
    const key = cfnKey(newStack({}), {
      keyPolicy: {
        Statement: [
          { Effect: 'Allow', Principal: { AWS: new iam.AccountRootPrincipal().arn }, Action: 'kms:*', Resource: '*' },
          decryptBy(`arn:aws:iam::${ENV.account}:role/x`),
        ],
      },
    });
    expect(idsOn(key)).toEqual(['EncStd-KMS11', 'EncStd-KMS8']);
  });

  test('fails account and organization conditions that name unlisted accounts or organizations', () => {
    const stack = newStack();
    const byAccount = { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '444444444444' } } };
    const byOrgPath = { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-abcdefghij/r-ab12/*' } } };
    const account = cfnKey(stack, { keyPolicy: policyWith(byAccount) }, 'A');
    const orgPath = cfnKey(stack, { keyPolicy: policyWith(byOrgPath) }, 'B');
    expect(idsOn(account)).toEqual(['EncStd-KMS11', 'EncStd-KMS8']);
    expect(idsOn(account, { allowedCrossAccountPrincipals: ['444444444444'] })).toEqual(['EncStd-KMS11']);
    expect(idsOn(orgPath)).toEqual(['EncStd-KMS11', 'EncStd-KMS8']);
    expect(idsOn(orgPath, { allowedOrganizationIds: ['o-abcdefghij'] })).toEqual(['EncStd-KMS11']);
  });

  test('is N/A when the foreign principal is a parameter', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'ReaderArn', { type: 'String' });
    expect(idsOn(cfnKey(stack, { keyPolicy: policyWith(decryptBy(arn.valueAsString)) }))).toEqual([]);
  });
});

describe('EncStd-KMS11 CreateGrant Deny on keys shared with other accounts', () => {
  const decryptBy222 = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'kms:Decrypt', Resource: '*' };
  const guard = (condition: object, action: string | string[] = 'kms:CreateGrant') => ({ Effect: 'Deny', Principal: '*', Action: action, Resource: '*', Condition: condition });
  const allowed = { allowedCrossAccountPrincipals: ['222222222222'] };

  test('fails a key shared with another account without the Deny', () => {
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith(decryptBy222) }), allowed)).toEqual(['EncStd-KMS11']);
  });

  test.each<[string, object]>([
    ['BoolIfExists', { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } }],
    ['Bool', { Bool: { 'kms:GrantIsForAWSResource': 'false' } }],
    ['BoolIfExists, AWS services exempt (CT.KMS.PR.3 as this library writes it)', { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } }],
  ])('passes the same key with the Deny written with %s', (_d, condition) => {
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith(decryptBy222, guard(condition)) }), allowed)).toEqual([]);
  });

  test.each<[string, object]>([
    ['narrowed to one principal', guard({ BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' }, ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/x' } })],
    ['applying only to grants FOR AWS resources', guard({ Bool: { 'kms:GrantIsForAWSResource': 'true' } })],
    ['on another action', guard({ BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } }, 'kms:RevokeGrant')],
    ['to one principal, not to *', { ...guard({ BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } }), Principal: { AWS: 'arn:aws:iam::111111111111:role/x' } }],
  ])('fails a Deny %s', (_d, statement) => {
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith(decryptBy222, statement) }), allowed)).toEqual(['EncStd-KMS11']);
  });

  test('fails an L2 key granted to another account', () => {
    const stack = newStack();
    const key = goodKey(stack);
    key.grantDecrypt(new iam.AccountPrincipal('222222222222'));
    expect(idsOn(key, allowed)).toEqual(['EncStd-KMS11']);
  });

  test('fails a key opened to an organization', () => {
    const org = { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } };
    expect(idsOn(cfnKey(newStack(), { keyPolicy: policyWith(org) }), { allowedOrganizationIds: ['o-abcdefghij'] })).toEqual(['EncStd-KMS11']);
  });

  test('is N/A for a key of one account, with or without the Deny', () => {
    const stack = newStack();
    const key = goodKey(stack);
    key.grantDecrypt(new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    expect(idsOn(key)).toEqual([]);
    expect(kmsCrossAccountGrants(cfnOf(key))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('is N/A when the only other principal is a parameter', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'ReaderArn', { type: 'String' });
    const key = cfnKey(stack, { keyPolicy: policyWith({ Effect: 'Allow', Principal: { AWS: arn.valueAsString }, Action: 'kms:Decrypt', Resource: '*' }) });
    expect(kmsCrossAccountGrants(key)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('EncStd-KMS9 alias', () => {
  test('fails a key without alias', () => {
    expect(idsOn(new kms.Key(newStack(), 'Key', { enableKeyRotation: true }))).toEqual(['EncStd-KMS9']);
  });

  test('passes kms.Alias targeting the key, by Ref or by ARN', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new kms.Alias(stack, 'Alias', { aliasName: 'alias/app', targetKey: key });
    const l1 = new kms.CfnKey(stack, 'L1', { enableKeyRotation: true });
    l1.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new kms.CfnAlias(stack, 'L1Alias', { aliasName: 'alias/l1', targetKeyId: l1.attrArn });
    expect(idsOn(key)).toEqual([]);
    expect(idsOn(l1)).toEqual([]);
  });

  test('does not count an alias of another key', () => {
    const stack = newStack();
    goodKey(stack, 'Aliased');
    expect(idsOn(new kms.Key(stack, 'Bare', { enableKeyRotation: true }))).toEqual(['EncStd-KMS9']);
  });

  test('is N/A when an alias of the stack targets a parameter', () => {
    const stack = newStack();
    const target = new CfnParameter(stack, 'Target', { type: 'String' });
    new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/x', targetKeyId: target.valueAsString });
    expect(idsOn(new kms.Key(stack, 'Key', { enableKeyRotation: true }))).toEqual([]);
  });
});

describe('EncStd-KMS10 multi-Region keys', () => {
  test('allows multi-Region keys by default', () => {
    expect(idsOn(goodKey(newStack(), 'Key', { multiRegion: true }))).toEqual([]);
  });

  test('fails multi-Region and replica keys when the standard forbids them', () => {
    const stack = newStack();
    const primary = goodKey(stack, 'Key', { multiRegion: true });
    const replica = replicaOf(stack, primary.keyArn);
    const single = goodKey(stack, 'Single');
    expect(idsOn(primary, { allowMultiRegionKeys: false })).toEqual(['EncStd-KMS10']);
    expect(idsOn(replica, { allowMultiRegionKeys: false })).toEqual(['EncStd-KMS10']);
    expect(idsOn(single, { allowMultiRegionKeys: false })).toEqual([]);
  });

  test('is N/A when MultiRegion is a parameter', () => {
    const stack = newStack();
    const multi = new CfnParameter(stack, 'Multi', { type: 'String' });
    expect(idsOn(cfnKey(stack, { multiRegion: multi.valueAsString as any }), { allowMultiRegionKeys: false })).toEqual([]);
  });
});

describe('replica keys', () => {
  test('a compliant replica has no finding', () => {
    const stack = newStack();
    expect(idsOn(replicaOf(stack, goodKey(stack, 'Primary', { multiRegion: true }).keyArn))).toEqual([]);
  });

  test('a replica is checked for alias and key policy like any key', () => {
    const stack = newStack();
    const replica = new kms.CfnReplicaKey(stack, 'Bare', {
      primaryKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/mrk-1',
      keyPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] },
    });
    replica.applyRemovalPolicy(RemovalPolicy.RETAIN);
    expect(idsOn(replica)).toEqual(['EncStd-KMS5', 'EncStd-KMS6', 'EncStd-KMS7', 'EncStd-KMS9']);
  });
});

describe('tokens give N/A, not COMPLIANT (verdicts exact)', () => {
  test.each<[string, (stack: Stack) => kms.CfnKey, (node: CfnResource) => NagRuleCompliance]>([
    ['KMS1 rotation as a parameter', s => cfnKey(s, { enableKeyRotation: new CfnParameter(s, 'P', { type: 'String' }).valueAsString as any }), kmsRotationEnabled],
    ['KMS2 period as a parameter', s => cfnKey(s, { rotationPeriodInDays: new CfnParameter(s, 'P', { type: 'Number' }).valueAsNumber }), kmsRotationPeriodAtMost(365)],
    ['KMS3 window as a parameter', s => cfnKey(s, { pendingWindowInDays: new CfnParameter(s, 'P', { type: 'Number' }).valueAsNumber }), kmsPendingWindowAtLeast(30)],
    ['KMS5 policy as a parameter', s => cfnKey(s, { keyPolicy: new CfnParameter(s, 'P', { type: 'String' }).valueAsString }), kmsRootDelegation],
    ['KMS10 MultiRegion as a parameter', s => cfnKey(s, { multiRegion: new CfnParameter(s, 'P', { type: 'String' }).valueAsString as any }), kmsMultiRegionAllowed(false)],
  ])('%s', (_name, build, rule) => {
    expect(rule(build(newStack()))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('every KMS rule is N/A on a resource that is not a key', () => {
    const bucket = new CfnResource(newStack(), 'Bucket', { type: 'AWS::S3::Bucket' });
    const rules = [
      kmsRotationEnabled, kmsRotationPeriodAtMost(365), kmsPendingWindowAtLeast(30), kmsRetained, kmsRootDelegation, kmsMultiRegionAllowed(false),
    ];
    for (const rule of rules) {
      expect(rule(bucket)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    }
  });
});
