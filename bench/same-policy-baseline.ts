// The benchmark's "same-policy" baseline: plain kms.Key + kms.Alias whose key policy is a
// fleet tenant key's (verifyRotation and monitoring off, no grants) written by hand with
// aws-cdk-lib's iam.PolicyStatement. Its template is the fleet's byte for byte apart from
// logical IDs and `aws:cdk:path` metadata (checkSamePolicy proves it before the benchmark runs), so the fleet's ratio to
// it is what the library adds, and this baseline's ratio to plain keys is the template's cost.
import { DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

const CRYPTO = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];
const KEY_MANAGEMENT = [
  'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:UpdateKeyDescription',
  'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias', 'kms:RevokeGrant',
  'kms:ReplicateKey', 'kms:UpdatePrimaryRegion',
];

/** What every key of a stack shares, made once per stack as a careful hand would. */
export interface SamePolicyStack {
  readonly stack: Stack;
  readonly root: iam.AccountRootPrincipal;
  /** The bootstrap's CloudFormation execution role, as the fleet names its key manager. */
  readonly deployingRole: string;
}

export function samePolicyStack(stack: Stack): SamePolicyStack {
  const arn = (stack.synthesizer as DefaultStackSynthesizer).cloudFormationExecutionRoleArn;
  return { stack, root: new iam.AccountRootPrincipal(), deployingRole: Fn.sub(arn) };
}

/**
 * A tenant's key and alias. `fleetPath` is where the fleet puts the tenant's key
 * (`<fleet>/Shard<i>/Tenants/<tenantId>`): the fleet's default description names it.
 */
export function samePolicyKey(at: SamePolicyStack, tenantId: string, fleetPath: string): void {
  const star = new iam.StarPrincipal();
  const policy = new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'KmsPatternsAllowAccountRootDelegation', principals: [at.root], actions: ['kms:*'], resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'KmsPatternsDenyCreateGrantExceptForAwsResources',
        effect: iam.Effect.DENY,
        principals: [star],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
      new iam.PolicyStatement({
        sid: 'KmsPatternsDenyKeyManagementExceptToManagers',
        effect: iam.Effect.DENY,
        principals: [star],
        actions: KEY_MANAGEMENT,
        resources: ['*'],
        conditions: {
          ArnNotLike: { 'aws:PrincipalArn': [at.deployingRole, at.root.arn] },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
      // No grant yet: nobody is the tenant's principal, so the Deny has no condition.
      new iam.PolicyStatement({
        sid: 'KmsPatternsDenyNonTenantPrincipals', effect: iam.Effect.DENY, principals: [star], actions: CRYPTO, resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'KmsPatternsDenyOutsideTenantEncryptionContext',
        effect: iam.Effect.DENY,
        principals: [star],
        actions: CRYPTO,
        resources: ['*'],
        conditions: { StringNotEquals: { 'kms:EncryptionContext:tenantId': tenantId } },
      }),
    ],
  });
  const key = new kms.Key(at.stack, tenantId, {
    description: `Customer-managed key of tenant ${tenantId} (${fleetPath})`,
    enableKeyRotation: true,
    rotationPeriod: Duration.days(365),
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
    policy,
  });
  Tags.of(key).add('tenant', tenantId);
  new kms.Alias(at.stack, `${tenantId}Alias`, { aliasName: `alias/tenant/${tenantId}`, targetKey: key });
}

/** A resource without its `aws:cdk:path` metadata, which names its construct (the fleet's are deeper). */
function withoutPath(resource: any): any {
  const { Metadata: _path, ...rest } = resource ?? {};
  return rest;
}

interface Template { readonly Resources?: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }> }

/**
 * Fails unless every tenant's key in `fleet` (the fleet's templates) equals its key in
 * `baseline` (the same-policy baseline's), properties and policies, byte for byte, and
 * so does its alias once the key's logical ID is set aside. Only the `aws:cdk:path`
 * metadata differs, the construct paths.
 */
export function checkSamePolicy(fleet: Template[], baseline: Template[]): void {
  const byTenant = (templates: Template[]): Map<string, { key: string; alias: string }> => {
    const keys = new Map<string, { id: string; text: string }>();
    const aliases = new Map<string, any>();
    for (const t of templates) {
      for (const [id, r] of Object.entries(t.Resources ?? {})) {
        if (r.Type === 'AWS::KMS::Key') {
          const tenant = r.Properties.Tags.find((tag: any) => tag.Key === 'tenant').Value;
          keys.set(tenant, { id, text: JSON.stringify(withoutPath(r)) });
        } else if (r.Type === 'AWS::KMS::Alias') {
          aliases.set(r.Properties.TargetKeyId['Fn::GetAtt'][0], r);
        }
      }
    }
    return new Map([...keys].map(([tenant, k]) => [tenant, {
      key: k.text,
      alias: JSON.stringify(withoutPath(aliases.get(k.id))).split(JSON.stringify(k.id)).join('"<key>"'),
    }]));
  };
  const [ours, theirs] = [byTenant(fleet), byTenant(baseline)];
  if (ours.size === 0 || ours.size !== theirs.size) {
    throw new Error(`same-policy baseline: ${theirs.size} keys against the fleet's ${ours.size}`);
  }
  for (const [tenant, mine] of ours) {
    const other = theirs.get(tenant);
    if (other?.key !== mine.key || other.alias !== mine.alias) {
      throw new Error(`same-policy baseline: tenant ${tenant}'s key or alias differs from the fleet's:\n`
        + `fleet:    ${mine.key}\n          ${mine.alias}\nbaseline: ${other?.key}\n          ${other?.alias}`);
    }
  }
}
