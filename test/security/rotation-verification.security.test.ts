import { createHash } from 'crypto';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { kmsStar } from './fixture';
import { CrossAccountDecryptKey, MultiRegionKeySet, RotatedSecret, SharedTenantKey, TenantKey } from '../../src';
import { DailyRotationCheck } from '../../src/rotation-verification/daily-rotation-check';
import { RotationVerificationProvider } from '../../src/rotation-verification/provider';
import { DB_CONNECTION } from '../helpers/db-connection';
import { RegionalTemplate, localizeTemplate, regionalKeyArnFor, regionalTemplates, resolvedRegionalKeyPolicy } from '../helpers/multi-region';
import { CfnTemplate, FAKE_ENV, keyArnFor, principalArnFor, resolveIntrinsics, resolvedIdentityPolicies } from '../helpers/resolve-template';
import { KmsDecision, KmsRequest, expectKms } from '../helpers/simulate';

// What the default rotation verification needs, and gets, evaluated as AWS would evaluate
// the synthesized key policy (or secret resource policy) together with the managed policies
// the template attaches to the provider's role: every key construct verifies its key by
// default, so the verifier must be able to read the key's rotation status through the
// key's (deny-heavy) policy, and must be able to do nothing else with it. Every denial
// has a control beside it: the same request with the one fact changed that decides it.

const ENV = { account: FAKE_ENV.account, region: FAKE_ENV.region };
const CONSUMER = '222222222222';
const IAM_MANAGED_POLICY_LIMIT = 6144;

const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

function logicalIdOf(c: IConstruct): string {
  const cfn = (c.node.defaultChild ?? c) as CfnElement;
  return Stack.of(cfn).resolve(cfn.logicalId);
}

/** Deterministic stand-ins for what CloudFormation generates, so failures are reproducible. */
function randomish(seed: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...createHash('sha256').update(seed).digest()].slice(0, length).map(b => alphabet[b % alphabet.length]).join('');
}

function uuidFor(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A secret's full ARN as deployed: CloudFormation names it `<logical id>-<12 random>`, Secrets Manager adds `-<6 random>`. */
function secretArnFor(logicalId: string): string {
  return `arn:${FAKE_ENV.partition}:secretsmanager:${FAKE_ENV.region}:${FAKE_ENV.account}:secret:`
    + `${logicalId}-${randomish(`${logicalId}/name`, 12)}-${randomish(`${logicalId}/suffix`, 6)}`;
}

/**
 * The template as deployed, for the two attributes resolve-template.ts does not know
 * (and, rightly, refuses to guess): the provider's log group ARN and a secret's `Ref`.
 * Both get the full-length value AWS would return, so policy sizes are realistic. The
 * log group is named `/aws/vendedlogs/cdk-kms-patterns/rotation-verification/<stack name>/
 * <stack UUID>/<key ID>` (see RotationVerificationProvider). Every other intrinsic is
 * left to resolve-template.ts, which throws on what it cannot resolve.
 */
function deployed(template: CfnTemplate, stackName: string): CfnTemplate {
  const values = new Map<string, string>();
  const resources = template.Resources ?? {};
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::Logs::LogGroup') {
      const name = `/aws/vendedlogs/cdk-kms-patterns/rotation-verification/${stackName}/${uuidFor(stackName)}/${uuidFor(id)}`;
      values.set(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }), `arn:${FAKE_ENV.partition}:logs:${FAKE_ENV.region}:${FAKE_ENV.account}:log-group:${name}:*`);
    }
    if (r.Type === 'AWS::SecretsManager::Secret') {
      values.set(JSON.stringify({ Ref: id }), secretArnFor(id));
    }
  }
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(substitute);
    }
    if (!value || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Fn::GetAtt')) {
      const hit = values.get(JSON.stringify(value));
      if (hit !== undefined) {
        return hit;
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  };
  return { ...template, Resources: substitute(resources) as CfnTemplate['Resources'] };
}

/** The stack's verification provider role, and requests it makes, from one synthesized app. */
class Verifier {
  public readonly provider: RotationVerificationProvider;
  /** The home stack's template, localized (Region, cross-stack outputs) and with deployed values. */
  public readonly template: CfnTemplate;
  public readonly roleId: string;
  private readonly all: RegionalTemplate[];
  private readonly home: RegionalTemplate;

  /** Synthesizes `stack`'s app: build everything first. */
  constructor(stack: Stack) {
    const provider = stack.node.tryFindChild(RotationVerificationProvider.ID);
    if (!(provider instanceof RotationVerificationProvider)) {
      throw new Error(`stack ${stack.stackName} has no rotation verification provider`);
    }
    this.provider = provider;
    this.roleId = logicalIdOf(provider.node.findChild('Role'));
    this.all = regionalTemplates(stack.node.root as App);
    this.home = this.all.find(t => t.stackName === stack.stackName)!;
    this.template = deployed(localizeTemplate(this.home, this.all), stack.stackName);
  }

  public get principalArn(): string {
    return principalArnFor(this.template, this.roleId);
  }

  /** Every identity policy the template gives the provider role: inline, AWS::IAM::Policy and AWS::IAM::ManagedPolicy. */
  public get identityPolicies(): unknown[] {
    return resolvedIdentityPolicies(this.template, this.roleId);
  }

  /** `action` on `key` by the provider role, with its key policy and the role's policies (or `identityPolicies`). */
  public keyRequest(key: kms.IKey, action: string, identityPolicies = this.identityPolicies): KmsRequest {
    const keyId = logicalIdOf(key);
    return {
      keyPolicy: resolvedRegionalKeyPolicy(this.home, this.all, keyId),
      keyArn: regionalKeyArnFor(this.home, this.all, keyId),
      principalArn: this.principalArn,
      identityPolicies,
      action,
    };
  }

  /**
   * `action` on `secret` by the provider role, with the secret's resource policy when the
   * template has one. simulate.ts's wrapper is neutral about the service (it names its
   * fields after KMS, and adds KMS-only context keys only where the action takes them;
   * an unknown context key still throws), so it evaluates a Secrets Manager call the same way.
   */
  public secretRequest(secret: secretsmanager.ISecret, action: string): KmsRequest {
    const arn = secretArnFor(logicalIdOf(secret));
    const resourcePolicies = Object.entries(this.template.Resources ?? {})
      .filter(([, r]) => r.Type === 'AWS::SecretsManager::ResourcePolicy')
      .filter(([id, r]) => resolveIntrinsics(r.Properties?.SecretId, this.template, `${id}.SecretId`) === arn)
      .map(([id, r]) => resolveIntrinsics(r.Properties?.ResourcePolicy, this.template, `${id}.ResourcePolicy`));
    if (resourcePolicies.length > 1) {
      throw new Error(`${arn} has ${resourcePolicies.length} resource policies; a secret has one`);
    }
    return { keyPolicy: resourcePolicies[0], keyArn: arn, principalArn: this.principalArn, identityPolicies: this.identityPolicies, action };
  }

  /** The key ARNs the role's managed policies allow `kms:GetKeyRotationStatus` on, per policy. */
  public rotationStatusArnsByPolicy(): Map<string, string[]> {
    return new Map(this.attachedManagedPolicies().map(([id, doc]) => [id, rotationStatusArns(doc)]));
  }

  /** Logical ID and resolved document of every AWS::IAM::ManagedPolicy the template attaches to the role. */
  public attachedManagedPolicies(): Array<[string, unknown]> {
    return Object.entries(this.template.Resources ?? {})
      .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy')
      .filter(([, r]) => ((r.Properties?.Roles ?? []) as unknown[]).some(role => JSON.stringify(role) === JSON.stringify({ Ref: this.roleId })))
      .map(([id, r]) => [id, resolveIntrinsics(r.Properties?.PolicyDocument, this.template, `${id}.PolicyDocument`)]);
  }
}

function rotationStatusArns(doc: unknown): string[] {
  const statements = (doc as { Statement: Array<{ Effect: string; Action: unknown; Resource: unknown }> }).Statement;
  return statements
    .filter(s => s.Effect === 'Allow' && [s.Action].flat().includes('kms:GetKeyRotationStatus'))
    .flatMap(s => [s.Resource].flat() as string[]);
}

function envStack(app = new App(), id = 'Verified', props: { stackName?: string } = {}): Stack {
  return new Stack(app, id, { env: ENV, ...props });
}

interface Built {
  readonly stack: Stack;
  readonly key: kms.IKey;
  readonly secret?: secretsmanager.ISecret;
}

/** Each key construct with default props (so with its default verification), alone in its stack. */
const CONSTRUCTS: Array<[string, () => Built]> = [
  ['TenantKey', () => {
    const stack = envStack();
    const tenantKey = new TenantKey(stack, 'Key', { tenantId: 'tenant-a' });
    tenantKey.grantEncryptDecrypt(new iam.Role(stack, 'TenantRole', { roleName: 'TenantRole', assumedBy: new iam.AccountRootPrincipal() }));
    return { stack, key: tenantKey.key };
  }],
  ['SharedTenantKey', () => {
    const stack = envStack();
    return { stack, key: new SharedTenantKey(stack, 'Key', { alias: 'shared/tenants' }).key };
  }],
  ['CrossAccountDecryptKey', () => {
    const stack = envStack();
    return { stack, key: new CrossAccountDecryptKey(stack, 'Key', { consumerAccountIds: [CONSUMER] }).key };
  }],
  ['MultiRegionKeySet (primary)', () => {
    const stack = envStack();
    return { stack, key: new MultiRegionKeySet(stack, 'Keys', { replicaRegions: ['eu-west-1'] }).primaryKey };
  }],
  ['RotatedSecret (the key it creates)', () => {
    const stack = envStack();
    const rotated = new RotatedSecret(stack, 'Secret', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    return { stack, key: rotated.encryptionKey, secret: rotated.secret };
  }],
];

/**
 * What the verifier must never do with a key it verifies, and what the key's policy makes
 * of the request. `Explicit` where the key policy itself denies the role (the tenant Denies
 * catch a principal that is not the tenant's or has no tenant tag, with or without an IAM
 * Allow); otherwise only the role's narrow identity policy refuses it (`Implicit`).
 */
const FORBIDDEN: Record<string, Record<string, KmsDecision>> = {
  'TenantKey': { 'kms:Decrypt': 'ExplicitlyDenied', 'kms:Encrypt': 'ExplicitlyDenied', 'kms:GenerateDataKey': 'ExplicitlyDenied' },
  'SharedTenantKey': { 'kms:Decrypt': 'ExplicitlyDenied', 'kms:Encrypt': 'ExplicitlyDenied', 'kms:GenerateDataKey': 'ExplicitlyDenied' },
  'CrossAccountDecryptKey': {},
  'MultiRegionKeySet (primary)': {},
  'RotatedSecret (the key it creates)': {},
};
/** Every key's policy denies key management to all but its managers, which the provider role is not. */
const KEY_MANAGEMENT_DENIED: Record<string, KmsDecision> = { 'kms:PutKeyPolicy': 'ExplicitlyDenied', 'kms:ScheduleKeyDeletion': 'ExplicitlyDenied' };
const LEAST_PRIVILEGE_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'];

describe.each(CONSTRUCTS)('the default rotation verification of a %s, simulated', (name, build) => {
  const built = build();
  const verifier = new Verifier(built.stack);
  const req = (action: string, identityPolicies?: unknown[]) => verifier.keyRequest(built.key, action, identityPolicies);

  test('the provider role may read the key\'s rotation status (key policy and its managed policies together)', async () => {
    await expectKms(req('kms:GetKeyRotationStatus'), 'Allowed');
  });

  test('control: without its managed policies the role may not (the Allow is the verification\'s, not the key policy\'s)', async () => {
    await expectKms(req('kms:GetKeyRotationStatus', []), 'ImplicitlyDenied');
  });

  test('the role\'s identity policies are exactly the provider\'s managed policies (no inline or AWS managed policy)', () => {
    const role = verifier.template.Resources![verifier.roleId].Properties!;
    expect(role.Policies).toBeUndefined();
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(verifier.attachedManagedPolicies().map(([id]) => id)).toEqual(verifier.provider.policies.map(logicalIdOf));
    expect(verifier.identityPolicies).toHaveLength(verifier.provider.policies.length);
  });

  test('the role may read the rotation status of this key only', () => {
    expect([...verifier.rotationStatusArnsByPolicy().values()].flat()).toEqual([req('kms:GetKeyRotationStatus').keyArn]);
  });

  test.each(LEAST_PRIVILEGE_ACTIONS)('the role may not %s on the key', async (action) => {
    await expectKms(req(action), FORBIDDEN[name][action] ?? KEY_MANAGEMENT_DENIED[action] ?? 'ImplicitlyDenied');
  });

  test.each(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'])(
    'given kms:* in IAM, the role still may not %s: the key-management Deny exempts only the key\'s managers',
    async (action) => {
      await expectKms(req(action, [...verifier.identityPolicies, policy(kmsStar().toStatementJson())]), 'ExplicitlyDenied');
    });

  if (built.secret) {
    const secret = built.secret;
    const secretReq = (action: string) => verifier.secretRequest(secret, action);

    test('the secret\'s resource policy is part of the simulation', () => {
      expect(secretReq('secretsmanager:DescribeSecret').keyPolicy).toBeDefined();
    });

    test('the role may describe the secret (its rotation configuration)', async () => {
      await expectKms(secretReq('secretsmanager:DescribeSecret'), 'Allowed');
    });

    test.each<[string, KmsDecision]>([
      ['secretsmanager:GetSecretValue', 'ImplicitlyDenied'],
      ['secretsmanager:PutSecretValue', 'ImplicitlyDenied'],
      // testRotation is off by default, so no RotateSecret either.
      ['secretsmanager:RotateSecret', 'ImplicitlyDenied'],
      ['secretsmanager:DeleteSecret', 'ExplicitlyDenied'], // the secret's resource policy denies it to the whole account
    ])('the role may not %s', async (action, expected) => {
      await expectKms(secretReq(action), expected);
    });
  }
});

describe('the verification is scoped to exactly the verified keys and secrets', () => {
  const stack = envStack();
  const verified = new TenantKey(stack, 'Verified', { tenantId: 'tenant-a' });
  const unverified = new TenantKey(stack, 'Unverified', { tenantId: 'tenant-b', verifyRotation: false });
  const verifiedSecret = new RotatedSecret(stack, 'VerifiedSecret', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
  // Monitored, not verified at deploy: the monitor's daily rotation check reads it every day.
  const unverifiedSecret = new RotatedSecret(stack, 'UnverifiedSecret', {
    hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION, verifyRotation: false,
  });
  const unwatchedSecret = new RotatedSecret(stack, 'UnwatchedSecret', {
    hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(),
    generateSecretString: DB_CONNECTION,
    verifyRotation: false,
    monitoring: false,
  });
  const verifier = new Verifier(stack);

  test.each<[string, () => KmsRequest, KmsDecision]>([
    ['the verified TenantKey\'s rotation status is readable', () => verifier.keyRequest(verified.key, 'kms:GetKeyRotationStatus'), 'Allowed'],
    ['the unverified TenantKey\'s (verifyRotation: false) is not', () => verifier.keyRequest(unverified.key, 'kms:GetKeyRotationStatus'), 'ImplicitlyDenied'],
    ['the verified secret may be described', () => verifier.secretRequest(verifiedSecret.secret, 'secretsmanager:DescribeSecret'), 'Allowed'],
    ['the monitored secret (verifyRotation: false) may be described, by the daily check',
      () => verifier.secretRequest(unverifiedSecret.secret, 'secretsmanager:DescribeSecret'), 'Allowed'],
    ['the secret neither verified nor monitored may not', () => verifier.secretRequest(unwatchedSecret.secret, 'secretsmanager:DescribeSecret'), 'ImplicitlyDenied'],
    ['the key of the unverified secret is not readable either', () => verifier.keyRequest(unverifiedSecret.encryptionKey, 'kms:GetKeyRotationStatus'), 'ImplicitlyDenied'],
    ['nor the key of the unwatched secret', () => verifier.keyRequest(unwatchedSecret.encryptionKey, 'kms:GetKeyRotationStatus'), 'ImplicitlyDenied'],
  ])('%s', async (_name, request, expected) => {
    await expectKms(request(), expected);
  });

  test('the managed policies name exactly the two verified keys', () => {
    const expected = [verified.key, verifiedSecret.encryptionKey].map(k => keyArnFor(logicalIdOf(k)));
    expect([...verifier.rotationStatusArnsByPolicy().values()].flat().sort()).toEqual(expected.sort());
  });
});

describe('150 verified TenantKeys in one stack', () => {
  const KEYS = 150;
  // The longest stack name CloudFormation allows: it is in the log group ARN of the first policy.
  const stackName = 'RotationVerificationAtScale'.padEnd(128, 'x');
  const stack = envStack(new App(), 'Scale', { stackName });
  const keys = Array.from({ length: KEYS }, (_, i) => new TenantKey(stack, `Key${i}`, { tenantId: `tenant-${i}`, monitoring: false }).key);
  const verifier = new Verifier(stack);
  const policies = verifier.attachedManagedPolicies();
  const keyArns = keys.map(k => keyArnFor(logicalIdOf(k)));

  test('the provider\'s permissions are split over several managed policies, all attached to its role', () => {
    expect(policies.length).toBeGreaterThan(1);
    const providerPolicies = verifier.provider.policies.map(logicalIdOf);
    expect(policies.map(([id]) => id)).toEqual(providerPolicies);
    // And nothing else gives the role its permissions.
    expect(verifier.identityPolicies).toHaveLength(providerPolicies.length);
  });

  test('control: the verified key ARNs would not fit one managed policy', () => {
    const arnsLength = keyArns.map(a => JSON.stringify(a).length + 1).reduce((a, b) => a + b, 0);
    expect(arnsLength).toBeGreaterThan(IAM_MANAGED_POLICY_LIMIT);
  });

  test('every managed policy, once deployed, is under IAM\'s 6,144-character limit', () => {
    const lengths = policies.map(([id, doc]) => {
      const text = JSON.stringify(doc);
      expect(text).not.toMatch(/\s/); // IAM does not count whitespace, and there is none to discount
      expect(text).not.toMatch(/Fn::|"Ref"/); // fully resolved: the length is the deployed one
      return [id, text.length] as const;
    });
    expect(lengths.filter(([, length]) => length > IAM_MANAGED_POLICY_LIMIT)).toEqual([]);
  });

  test('every verified key ARN is in exactly one policy, and no other key ARN is in any', () => {
    const byPolicy = verifier.rotationStatusArnsByPolicy();
    const all = [...byPolicy.values()].flat();
    expect(all.length).toBe(KEYS);
    expect(new Set(all).size).toBe(KEYS);
    expect(new Set(all)).toEqual(new Set(keyArns));
    expect([...byPolicy.values()].every(arns => arns.length > 0)).toBe(true);
  });

  test('the role may read the rotation status of every verified key, in whichever policy it is', async () => {
    for (const key of keys) {
      await expectKms(verifier.keyRequest(key, 'kms:GetKeyRotationStatus'), 'Allowed');
    }
  });

  test('control: with only its first managed policy the role may not read the last key\'s rotation status', async () => {
    const first = [policies[0][1]];
    await expectKms(verifier.keyRequest(keys[0], 'kms:GetKeyRotationStatus', first), 'Allowed');
    await expectKms(verifier.keyRequest(keys[KEYS - 1], 'kms:GetKeyRotationStatus', first), 'ImplicitlyDenied');
  });
});

describe('the daily rotation check, simulated', () => {
  const stack = envStack();
  const verified = new TenantKey(stack, 'Verified', { tenantId: 'tenant-a' });
  const verifier = new Verifier(stack);
  const check = DailyRotationCheck.of(stack);
  const functionArn = `arn:${FAKE_ENV.partition}:lambda:${FAKE_ENV.region}:${FAKE_ENV.account}:function:daily-checker`;
  const ruleArn = `arn:${FAKE_ENV.partition}:events:${FAKE_ENV.region}:${FAKE_ENV.account}:rule/daily-check`;

  /**
   * `cloudwatch:PutMetricData` into `namespace` by the provider role. The action has no
   * resource (`*`), which simulate.ts refuses for KMS requests, so iam-simulate is asked
   * directly; as there, a context key it did not evaluate fails the test.
   */
  const putMetricData = async (namespace: string): Promise<string> => {
    const result = await runSimulation({
      request: {
        principal: verifier.principalArn,
        action: 'cloudwatch:PutMetricData',
        resource: { resource: '*', accountId: FAKE_ENV.account },
        contextVariables: { 'cloudwatch:namespace': namespace, 'aws:PrincipalArn': verifier.principalArn, 'aws:PrincipalAccount': FAKE_ENV.account },
      },
      identityPolicies: verifier.identityPolicies.map((document, i) => ({ name: `identity-${i + 1}`, policy: document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') {
      throw new Error(JSON.stringify(result.errors));
    }
    // A wildcard simulation lists one run per matching statement: none when nothing allows it.
    const runs = result.resultType === 'single' ? [result.result] : result.results;
    expect(runs.flatMap(r => r.ignoredContextKeys ?? [])).toEqual([]);
    return result.overallResult;
  };

  // "Using condition keys to limit access to CloudWatch namespaces" (Amazon CloudWatch User Guide).
  test.each<[string, string, KmsDecision]>([
    ['its own namespace', DailyRotationCheck.NAMESPACE, 'Allowed'],
    ['another namespace (forging another application\'s metrics)', 'Billing/Forged', 'ImplicitlyDenied'],
    ['an AWS namespace', 'AWS/KMS', 'ImplicitlyDenied'],
  ])('publishing metrics into %s (%s): %s', async (_name, namespace, expected) => {
    expect(await putMetricData(namespace)).toBe(expected);
  });

  /**
   * The function's resource policy as Lambda renders the stack's one AWS::Lambda::Permission
   * for EventBridge ("Using resource-based policies for Lambda": principal, SourceArn and
   * SourceAccount become the statement's Principal and conditions).
   */
  const invokePolicy = () => {
    const permission = Object.values(verifier.template.Resources ?? {}).find(r => r.Type === 'AWS::Lambda::Permission')!;
    expect(permission.Properties).toEqual(expect.objectContaining({
      Principal: 'events.amazonaws.com', Action: 'lambda:InvokeFunction', SourceAccount: FAKE_ENV.account,
    }));
    expect(verifier.template.Resources![stack.resolve(check.rule.logicalId)].Type).toBe('AWS::Events::Rule');
    return {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: functionArn,
        Condition: { StringEquals: { 'AWS:SourceAccount': permission.Properties!.SourceAccount }, ArnLike: { 'AWS:SourceArn': ruleArn } },
      }],
    };
  };
  const OTHER_ACCOUNT: string = '999999999999';
  const invoke = (sourceArn: string, sourceAccount: string = FAKE_ENV.account): KmsRequest => ({
    keyPolicy: invokePolicy(),
    keyArn: functionArn,
    principalArn: 'events.amazonaws.com',
    action: 'lambda:InvokeFunction',
    extraContext: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': sourceAccount },
  });
  test.each<[string, () => KmsRequest, KmsDecision]>([
    ['EventBridge, for the daily check\'s rule', () => invoke(ruleArn), 'Allowed'],
    ['EventBridge, for another rule (anyone who can make a rule)', () => invoke(`${ruleArn}-other`), 'ImplicitlyDenied'],
    ['EventBridge, for a rule of that name in another account', () => invoke(ruleArn.replace(FAKE_ENV.account, OTHER_ACCOUNT), OTHER_ACCOUNT), 'ImplicitlyDenied'],
  ])('invoking the checker as %s: %#', async (_name, request, expected) => {
    await expectKms(request(), expected);
  });

  test('the daily check reads what the deploy-time verification reads: the same role, the same key', async () => {
    await expectKms(verifier.keyRequest(verified.key, 'kms:GetKeyRotationStatus'), 'Allowed');
    const targets = verifier.template.Resources![stack.resolve(check.rule.logicalId)].Properties!.Targets as Array<{ Arn: unknown }>;
    expect(targets.map(t => t.Arn)).toEqual([{ 'Fn::GetAtt': [logicalIdOf(verifier.provider.onEventHandler), 'Arn'] }]);
  });
});
