import { App, Duration, Lazy, NestedStack, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MultiRegionKeySet, MultiRegionKeySetProps } from '../src';
import { IKEY_GRANTS } from './helpers/key-grants';
import { logicalIdsUnder, ownKeyLogicalId, ownKeyResource, ownKeyTemplate } from './helpers/own-key';
import { DailyRotationCheck } from '../src/rotation-verification/daily-rotation-check';
import { RotationVerificationProvider } from '../src/rotation-verification/provider';

const ACCOUNT = '111111111111';
const PRIMARY_ENV = { account: ACCOUNT, region: 'us-east-1' };
const REPLICA_REGIONS = ['eu-west-1', 'eu-central-1'];
const SIDS = ['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsAllowKeyAdministrationOnly', 'KmsPatternsDenyCreateGrantExceptForAwsResources', 'KmsPatternsDenyKeyManagementExceptToManagers'];

interface Built {
  readonly app: App;
  readonly primary: Stack;
  readonly set: MultiRegionKeySet;
  readonly admin: iam.Role;
}

function build(props: Partial<MultiRegionKeySetProps> = {}): Built {
  const app = new App();
  const primary = new Stack(app, 'Primary', { env: PRIMARY_ENV });
  const admin = new iam.Role(primary, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal() });
  const set = new MultiRegionKeySet(primary, 'Keys', { replicaRegions: REPLICA_REGIONS, alias: 'data', admins: [admin], ...props });
  return { app, primary, set, admin };
}

function onlyResource(template: Template, type: string): { logicalId: string; resource: any } {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return { logicalId: found[0][0], resource: found[0][1] };
}

/**
 * The set's primary key in the primary stack's template, by its logical ID: the primary stack
 * also holds the rotation verification's log key and the monitor's alarm-topic key (both on by
 * default), which assertions about the primary key must not match.
 */
function primaryKeyIn(template: Template, set: MultiRegionKeySet): { logicalId: string; resource: any } {
  return { logicalId: ownKeyLogicalId(set), resource: ownKeyResource(template, set) };
}

describe('the shape of every key construct, for the primary key', () => {
  test('key is the primary key; keyArn, keyId, alias and aliasName are the primary\'s; monitor is the primary stack\'s', () => {
    const { primary, set } = build();
    expect(set.key).toBe(set.primaryKey);
    expect(primary.resolve(set.keyArn)).toEqual(primary.resolve(set.primaryKey.keyArn));
    expect(primary.resolve(set.keyId)).toEqual(primary.resolve(set.primaryKey.keyId));
    expect(set.aliasName).toBe('alias/data');
    expect(Stack.of(set.alias)).toBe(primary);
    expect(set.monitor).toBe(set.monitorIn('us-east-1'));
    expect(set.monitor).not.toBe(set.monitorIn('eu-west-1'));
  });
});

describe('MultiRegionKeySet, defaults', () => {
  const { primary, set, admin } = build();
  const primaryTemplate = Template.fromStack(primary);
  const primaryKey = primaryKeyIn(primaryTemplate, set);

  // Rotation, pending window, retention and the description's form: test/key-constructs.test.ts, as for every key construct.
  test('the primary key is multi-Region', () => {
    ownKeyTemplate(primaryTemplate, set).hasResourceProperties('AWS::KMS::Key', Match.objectLike({
      MultiRegion: true,
      Description: 'Multi-Region primary key in us-east-1 (Primary/Keys)',
    }));
  });

  test('the primary key has the safe policy: root delegation, admins who cannot use it, the CreateGrant guard rail', () => {
    const statements: any[] = primaryKey.resource.Properties.KeyPolicy.Statement;
    expect(statements.map(s => s.Sid)).toEqual(SIDS);
    expect(statements[1].Principal).toEqual({ AWS: primary.resolve(admin.roleArn) });
    expect(statements[1].Action).not.toEqual(expect.arrayContaining(['kms:Decrypt']));
  });

  test('the primary key is managed by the admin, every Region\'s deploying role (ReplicateKey is authorized by the primary\'s policy) and the root', () => {
    const deny = (primaryKey.resource.Properties.KeyPolicy.Statement as any[]).find(s => s.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers');
    const execRole = (region: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${region}` });
    expect(deny.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
      primary.resolve(admin.roleArn),
      execRole('us-east-1'),
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] },
      ...REPLICA_REGIONS.map(execRole),
    ]);
  });

  test('the primary alias is alias/data, on the primary key', () => {
    primaryTemplate.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/data',
      TargetKeyId: { 'Fn::GetAtt': [primaryKey.logicalId, 'Arn'] },
    });
  });

  test('the primary stack publishes the primary key ARN as an output, for the replica stacks', () => {
    const outputs = primaryTemplate.findOutputs('*', { Value: { 'Fn::GetAtt': [primaryKey.logicalId, 'Arn'] } });
    expect(Object.keys(outputs)).toHaveLength(1);
  });

  test('regions lists the primary Region first, then the replicas in the order given', () => {
    expect(set.primaryRegion).toBe('us-east-1');
    expect(set.replicaRegions).toEqual(REPLICA_REGIONS);
    expect(set.regions).toEqual(['us-east-1', ...REPLICA_REGIONS]);
    expect(set.aliasName).toBe('alias/data');
  });

  describe.each(REPLICA_REGIONS)('the replica in %s', (region) => {
    const stack = set.replicaStack(region);
    const template = Template.fromStack(stack);
    const replica = onlyResource(template, 'AWS::KMS::ReplicaKey');

    test('lives in a stack of its Region, in the primary\'s account, named after the primary stack and the set', () => {
      expect(stack.region).toBe(region);
      expect(stack.account).toBe(ACCOUNT);
      expect(stack.stackName).toBe(`Primary-Keys-${region}`);
      expect(stack.node.scope).toBe(primary.node.scope);
    });

    test('replicates the primary key, whose ARN it reads from the primary stack\'s output at deployment', () => {
      const outputName = Object.keys(primaryTemplate.findOutputs('*', { Value: { 'Fn::GetAtt': [primaryKey.logicalId, 'Arn'] } }))[0];
      expect(replica.resource.Properties.PrimaryKeyArn).toEqual({
        'Fn::GetStackOutput': { StackName: 'Primary', Region: 'us-east-1', OutputName: outputName },
      });
    });

    test('has the primary\'s pending window and removal policy, and no rotation property (the primary\'s applies)', () => {
      template.hasResource('AWS::KMS::ReplicaKey', {
        Properties: Match.objectLike({
          PendingWindowInDays: 30,
          Description: `Replica in ${region} of the multi-Region key Primary/Keys (primary in us-east-1)`,
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(Object.keys(replica.resource.Properties).sort()).toEqual(['Description', 'KeyPolicy', 'PendingWindowInDays', 'PrimaryKeyArn']);
    });

    test('has the same key policy statements as the primary, the root resolved in its own stack', () => {
      const statements: any[] = replica.resource.Properties.KeyPolicy.Statement;
      const primaryStatements: any[] = primaryKey.resource.Properties.KeyPolicy.Statement;
      expect(statements.map(s => s.Sid)).toEqual(SIDS);
      // Everything but the administrator's ARN, which crosses Regions, and the managers
      // (each key's own deploying role; see below) is literally the same.
      const withoutPrincipal = (s: any) => ({
        ...s,
        Principal: s.Sid === 'KmsPatternsAllowKeyAdministrationOnly' ? '<admin>' : s.Principal,
        Condition: s.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers' ? '<managers>' : s.Condition,
      });
      expect(statements.map(withoutPrincipal)).toEqual(primaryStatements.map(withoutPrincipal));
      expect(statements[0].Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] } });
      expect(statements[1].Principal.AWS['Fn::GetStackOutput']).toMatchObject({ StackName: 'Primary', Region: 'us-east-1' });
    });

    test('is managed by the admin, its own Region\'s deploying role and the root', () => {
      const deny = (replica.resource.Properties.KeyPolicy.Statement as any[]).find(s => s.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers');
      const managers: any[] = deny.Condition.ArnNotLike['aws:PrincipalArn'];
      expect(managers).toHaveLength(3);
      expect(managers[0]['Fn::GetStackOutput']).toMatchObject({ StackName: 'Primary', Region: 'us-east-1' });
      expect(managers.slice(1)).toEqual([
        { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${region}` },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] },
      ]);
    });

    test('holds the CT.KMS.PR.3 CreateGrant Deny that Control Tower checks only on AWS::KMS::Key', () => {
      template.hasResourceProperties('AWS::KMS::ReplicaKey', {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Sid: 'KmsPatternsDenyCreateGrantExceptForAwsResources',
            Effect: 'Deny',
            Principal: '*',
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          }]),
        },
      });
    });

    test('has the same alias in its Region', () => {
      template.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: 'alias/data',
        TargetKeyId: { 'Fn::GetAtt': [replica.logicalId, 'Arn'] },
      });
    });

    test('uses no custom resource, Lambda function or SSM parameter to cross Regions', () => {
      const crossing = (t: Template, except: string[] = []) => Object.entries(t.toJSON().Resources as Record<string, { Type: string }>)
        .filter(([id, r]) => !except.includes(id)
          && (r.Type.startsWith('Custom::') || r.Type.startsWith('AWS::Lambda::') || r.Type.startsWith('AWS::SSM::')))
        .map(([id, r]) => `${id} ${r.Type}`);
      expect(crossing(template)).toEqual([]);
      // The primary stack's only ones verify the primary key's rotation (on by default), in its own Region:
      // the set's verification, the stack's provider and its daily check (which runs on the provider's function).
      const provider = primary.node.findChild(RotationVerificationProvider.ID);
      const dailyCheck = primary.node.findChild(DailyRotationCheck.ID);
      const verification = [...logicalIdsUnder(set.rotationVerification!), ...logicalIdsUnder(provider), ...logicalIdsUnder(dailyCheck)];
      expect(crossing(primaryTemplate, verification)).toEqual([]);
      expect(logicalIdsUnder(set.rotationVerification!)).toEqual(Object.keys(primaryTemplate.findResources('Custom::KmsPatternsRotationVerification')));
    });

    test('replicaKey is an IKey of the replica in its stack', () => {
      const key = set.replicaKey(region);
      expect(Stack.of(key)).toBe(stack);
      expect(key.env.region).toBe(region);
      expect(stack.resolve(key.keyArn)).toEqual({ 'Fn::GetAtt': [replica.logicalId, 'Arn'] });
      expect(stack.resolve(key.keyId)).toEqual({ 'Fn::GetAtt': [replica.logicalId, 'KeyId'] });
      expect(stack.resolve(key.keyRef)).toEqual({ keyArn: stack.resolve(key.keyArn), keyId: stack.resolve(key.keyId) });
    });
  });

  test('deploy order: each replica stack depends on the primary stack, and the primary on nothing', () => {
    for (const region of REPLICA_REGIONS) {
      expect(set.replicaStack(region).dependencies).toEqual([primary]);
    }
    expect(primary.dependencies).toEqual([]);
  });
});

describe('deploy order in the cloud assembly', () => {
  test('cdk deploy --all deploys the primary stack before the replica stacks', () => {
    const { app, primary, set } = build();
    const workload = new iam.Role(primary, 'Workload', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    set.grantEncryptDecrypt(workload);
    const assembly = app.synth();

    const dependsOn = (stackName: string) => assembly.getStackByName(stackName).dependencies
      .map(d => d.id).filter(id => !id.endsWith('.assets')).sort();
    expect(dependsOn('Primary')).toEqual([]);
    expect(dependsOn('Primary-Keys-eu-west-1')).toEqual(['Primary']);
    expect(dependsOn('Primary-Keys-eu-central-1')).toEqual(['Primary']);
    expect(set.replicaStack('eu-west-1').artifactId).toBe('Primary-Keys-eu-west-1');
  });
});

describe('overrides', () => {
  test('pendingWindow, removalPolicy and description apply to the primary and every replica', () => {
    const { primary, set } = build({ pendingWindow: Duration.days(7), removalPolicy: RemovalPolicy.DESTROY, description: 'Order data' });
    // The primary stack's template reduced to the set's key: it also holds the verification's and the monitor's keys.
    const templates: Array<[Template, string]> = [[ownKeyTemplate(Template.fromStack(primary), set), 'AWS::KMS::Key'],
      ...REPLICA_REGIONS.map((r): [Template, string] => [Template.fromStack(set.replicaStack(r)), 'AWS::KMS::ReplicaKey'])];
    for (const [template, type] of templates) {
      template.hasResource(type, {
        Properties: Match.objectLike({ PendingWindowInDays: 7, Description: 'Order data' }),
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
    }
  });

  test('rotationPeriod is set on the primary only; KMS rotates the replicas with it', () => {
    const { primary, set } = build({ rotationPeriod: Duration.days(90) });
    ownKeyTemplate(Template.fromStack(primary), set).hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, RotationPeriodInDays: 90 });
    for (const region of REPLICA_REGIONS) {
      Template.fromStack(set.replicaStack(region)).hasResourceProperties('AWS::KMS::ReplicaKey', {
        RotationPeriodInDays: Match.absent(),
        EnableKeyRotation: Match.absent(),
      });
    }
  });

  test('restrictGrantsToAwsServices: false drops the CreateGrant Deny in every Region', () => {
    const { primary, set } = build({ restrictGrantsToAwsServices: false });
    const sids = (stack: Stack, type: string) => Object.values(Template.fromStack(stack).findResources(type))
      .flatMap(r => r.Properties.KeyPolicy.Statement.map((s: any) => s.Sid));
    // The set's own key: the primary stack also holds the verification's and the monitor's keys.
    expect(ownKeyResource(Template.fromStack(primary), set).Properties.KeyPolicy.Statement.map((s: any) => s.Sid))
      .toEqual(['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsAllowKeyAdministrationOnly', 'KmsPatternsDenyKeyManagementExceptToManagers']);
    for (const region of REPLICA_REGIONS) {
      expect(sids(set.replicaStack(region), 'AWS::KMS::ReplicaKey')).toEqual(['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsAllowKeyAdministrationOnly', 'KmsPatternsDenyKeyManagementExceptToManagers']);
    }
  });

  test('without admins, every key has root delegation and the guard rail only', () => {
    const app = new App();
    const primary = new Stack(app, 'Primary', { env: PRIMARY_ENV });
    const set = new MultiRegionKeySet(primary, 'Keys', { replicaRegions: ['eu-west-1'] });
    const replicaStatements = Template.fromStack(set.replicaStack('eu-west-1')).toJSON().Resources;
    const sids = Object.values(replicaStatements as Record<string, any>).filter(r => r.Type === 'AWS::KMS::ReplicaKey')
      .flatMap(r => r.Properties.KeyPolicy.Statement.map((s: any) => s.Sid));
    expect(sids).toEqual(['KmsPatternsAllowAccountRootDelegation', 'KmsPatternsDenyCreateGrantExceptForAwsResources', 'KmsPatternsDenyKeyManagementExceptToManagers']);
  });

  test('the default alias is alias/multi-region/<unique name>, the same in every Region', () => {
    const app = new App();
    const primary = new Stack(app, 'Primary', { env: PRIMARY_ENV });
    const set = new MultiRegionKeySet(primary, 'Keys', { replicaRegions: ['eu-west-1'] });
    expect(set.aliasName).toMatch(/^alias\/multi-region\/Primary-Keys-[A-F0-9]{8}$/);
    for (const stack of [primary, set.replicaStack('eu-west-1')]) {
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', { AliasName: set.aliasName });
    }
  });

  test('an alias with alias/ is kept as given', () => {
    const { set } = build({ alias: 'alias/apps/orders' });
    expect(set.aliasName).toBe('alias/apps/orders');
    Template.fromStack(set.replicaStack('eu-west-1')).hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/apps/orders' });
  });

  test('replica stacks inherit the primary stack\'s termination protection', () => {
    const app = new App();
    const primary = new Stack(app, 'Primary', { env: PRIMARY_ENV, terminationProtection: true });
    const set = new MultiRegionKeySet(primary, 'Keys', { replicaRegions: ['eu-west-1'] });
    expect(set.replicaStack('eu-west-1').terminationProtection).toBe(true);
  });

  test('a set below other constructs names its replica stacks after its path in the primary stack', () => {
    const app = new App();
    const primary = new Stack(app, 'Primary', { env: PRIMARY_ENV, stackName: 'prod-keys' });
    const set = new MultiRegionKeySet(new iam.Role(primary, 'Data_Tier', { assumedBy: new iam.AccountRootPrincipal() }), 'Keys', {
      replicaRegions: ['eu-west-1'],
    });
    expect(set.replicaStack('eu-west-1').stackName).toBe('prod-keys-DataTier-Keys-eu-west-1');
    expect(set.replicaStack('eu-west-1').node.id).toBe('Primary-DataTier-Keys-eu-west-1');
  });

  // "CreateStack" (AWS CloudFormation API Reference): StackName at most 128 characters,
  // a letter first, then letters, digits and hyphens.
  test('a replica stack name that would pass 128 characters is cut to fit, with a hash that keeps it stable and distinct', () => {
    const names = () => {
      const app = new App();
      const primary = new Stack(app, 'Primary', { env: PRIMARY_ENV, stackName: `P${'x'.repeat(127)}` });
      const set = new MultiRegionKeySet(primary, 'Keys', { replicaRegions: ['eu-west-1', 'ap-southeast-2'] });
      return set.replicaRegions.map(r => set.replicaStack(r).stackName);
    };
    const [eu, ap] = names();

    for (const name of [eu, ap]) {
      expect(name.length).toBeLessThanOrEqual(128);
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
    }
    expect(eu).toMatch(/^Px+-[0-9a-f]{8}-eu-west-1$/);
    expect(ap).toMatch(/-ap-southeast-2$/);
    expect(names()).toEqual([eu, ap]);
  });
});

describe('grants through the set', () => {
  const arnIn = (region: string, keyId: unknown) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:${region}:${ACCOUNT}:key/`, keyId]],
  });

  test.each([
    ['grantDecrypt', ['kms:Decrypt', 'kms:ReEncryptFrom']],
    ['grantEncrypt', ['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext']],
    ['grantEncryptDecrypt', ['kms:Encrypt', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Decrypt', 'kms:ReEncryptFrom']],
  ] as const)('%s on a role of the primary stack: every Region\'s ARN, built from the primary key ID', (method, actions) => {
    const { primary, set } = build();
    const role = new iam.Role(primary, 'Workload', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = set[method](role);
    expect(grant.success).toBe(true);

    const template = Template.fromStack(primary);
    const keyId = { Ref: primaryKeyIn(template, set).logicalId };
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: actions,
          Resource: ['us-east-1', ...REPLICA_REGIONS].map(r => arnIn(r, keyId)),
        }],
      },
    });
    // No reference to a replica stack: that would make a cycle with the replicas' dependency.
    expect(primary.dependencies).toEqual([]);
  });

  test('a role in a replica stack gets every Region\'s ARN from its own replica\'s key ID, without crossing Regions', () => {
    const { primary, set } = build();
    const stack = set.replicaStack('eu-west-1');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    set.grantDecrypt(role);

    const template = Template.fromStack(stack);
    const keyId = { 'Fn::GetAtt': [onlyResource(template, 'AWS::KMS::ReplicaKey').logicalId, 'KeyId'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['kms:Decrypt', 'kms:ReEncryptFrom'], Resource: ['us-east-1', ...REPLICA_REGIONS].map(r => arnIn(r, keyId)) }] },
    });
    expect(stack.dependencies).toEqual([primary]);
  });

  test('a role in another stack of a replica Region references that Region\'s replica stack, not the primary', () => {
    const { app, primary, set } = build();
    const workloads = new Stack(app, 'Workloads', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    const role = new iam.Role(workloads, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    set.grantDecrypt(role);
    app.synth();

    expect(workloads.dependencies).toEqual([set.replicaStack('eu-central-1')]);
    expect(primary.dependencies).toEqual([]);
  });

  test('a principal that is no construct gets no statement, and the grant says so', () => {
    const { set } = build();
    const grant = set.grantDecrypt(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/elsewhere`));
    expect(grant.success).toBe(false);
  });
});

describe('replicaKey as an IKey in its Region', () => {
  test('a queue in the replica stack can use it as its key', () => {
    const { set } = build();
    const stack = set.replicaStack('eu-west-1');
    new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: set.replicaKey('eu-west-1'), enforceSSL: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [onlyResource(template, 'AWS::KMS::ReplicaKey').logicalId, 'Arn'] },
    });
  });

  test.each(IKEY_GRANTS)('%s grants on that Region\'s key only, through IAM', (method, actions) => {
    const { set } = build();
    const stack = set.replicaStack('eu-west-1');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(set.replicaKey('eu-west-1')[method](role).success).toBe(true);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: actions, Resource: { 'Fn::GetAtt': [onlyResource(template, 'AWS::KMS::ReplicaKey').logicalId, 'Arn'] } }] },
    });
  });

  test('addToResourcePolicy adds nothing and says so; the key policy is the builder\'s', () => {
    const { set } = build();
    const key = set.replicaKey('eu-west-1');
    const statement = new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.ServicePrincipal('logs.amazonaws.com')] });
    expect(key.addToResourcePolicy(statement)).toEqual({ statementAdded: false });
    expect(() => key.addToResourcePolicy(statement, false)).toThrow(
      'Primary-Keys-eu-west-1/Keys/Key: cannot add a statement to the key policy of a replica key; '
      + 'its policy is made by the library\'s key-policy builder, identically in every Region');
    const sids = Template.fromStack(set.replicaStack('eu-west-1')).toJSON().Resources;
    expect(JSON.stringify(sids)).not.toContain('logs.amazonaws.com');
  });

  test('addAlias adds an alias in the replica\'s Region', () => {
    const { set } = build();
    set.replicaKey('eu-west-1').addAlias('alias/dr/orders');
    Template.fromStack(set.replicaStack('eu-west-1')).resourcePropertiesCountIs('AWS::KMS::Alias', { AliasName: 'alias/dr/orders' }, 1);
  });

  test.each([
    ['replicaKey', 'us-east-1'],
    ['replicaKey', 'ap-south-1'],
    ['replicaStack', 'ap-south-1'],
  ] as const)('%s fails when the Region is not a replica Region (%s)', (method, region) => {
    const { set } = build();
    expect(() => set[method](region)).toThrow(
      `Primary/Keys: \`region\` must be one of the replica Regions ["eu-west-1","eu-central-1"] (the primary key, in us-east-1, is \`primaryKey\`), got "${region}"`);
  });
});

describe('validation', () => {
  type Case = [string, (app: App) => void, string];
  const inPrimary = (props: Partial<MultiRegionKeySetProps>) => (app: App) => {
    new MultiRegionKeySet(new Stack(app, 'Primary', { env: PRIMARY_ENV }), 'Keys', { replicaRegions: REPLICA_REGIONS, ...props });
  };

  test.each<Case>([
    ['the primary stack has no Region', (app) => new MultiRegionKeySet(new Stack(app, 'Primary'), 'Keys', { replicaRegions: REPLICA_REGIONS }),
      'Primary/Keys: `env.region` of the primary stack "Primary" must be a concrete Region such as "us-east-1": replicas are placed by Region, '
      + 'and cross-Region references need stacks with an explicit environment, got {"Ref":"AWS::Region"}'],
    ['the primary stack has no account', (app) => new MultiRegionKeySet(new Stack(app, 'Primary', { env: { region: 'us-east-1' } }), 'Keys', { replicaRegions: REPLICA_REGIONS }),
      'Primary/Keys: `env.account` of the primary stack "Primary" must be a concrete account ID: the replica stacks are created in the primary\'s account, '
      + 'the only one a replica can be in, and need an explicit environment, got {"Ref":"AWS::AccountId"}'],
    ['the primary stack is a nested stack', (app) => {
      const nested = new NestedStack(new Stack(app, 'Parent', { env: PRIMARY_ENV }), 'Nested');
      new MultiRegionKeySet(nested, 'Keys', { replicaRegions: REPLICA_REGIONS });
    }, 'Parent/Nested/Keys: `scope` must be in a top-level stack, not a nested stack: the replica stacks are created next to it, got "Parent/Nested"'],
    ['replicaRegions is empty', inPrimary({ replicaRegions: [] }),
      'Primary/Keys: `replicaRegions` must name at least one Region other than the primary\'s ("us-east-1"), got []'],
    ['replicaRegions is a list token', inPrimary({ replicaRegions: Token.asList({ Ref: 'Regions' }) }),
      'Primary/Keys: `replicaRegions` must be a list of Region names, not a list token, got {"Ref":"Regions"}'],
    ['a replica Region is a token', inPrimary({ replicaRegions: ['eu-west-1', Lazy.string({ produce: () => 'eu-central-1' })] }),
      'Primary/Keys: `replicaRegions[1]` must be a Region name, not a token: each replica gets a stack of its Region at synthesis, got "eu-central-1"'],
    ['a replica Region is the primary\'s', inPrimary({ replicaRegions: ['eu-west-1', 'us-east-1'] }),
      'Primary/Keys: `replicaRegions[1]` must not be the primary key\'s Region ("us-east-1"): a multi-Region key has one key per Region, got "us-east-1"'],
    ['a replica Region appears twice', inPrimary({ replicaRegions: ['eu-west-1', 'eu-central-1', 'eu-west-1'] }),
      'Primary/Keys: `replicaRegions` must not contain duplicates ("eu-west-1" appears more than once), got ["eu-west-1","eu-central-1","eu-west-1"]'],
    ['a replica Region is in capitals', inPrimary({ replicaRegions: ['EU-WEST-1'] }),
      'Primary/Keys: `replicaRegions[0]` must be a Region name such as "eu-west-1", got "EU-WEST-1"'],
    ['a replica Region has no number', inPrimary({ replicaRegions: ['eu-west'] }),
      'Primary/Keys: `replicaRegions[0]` must be a Region name such as "eu-west-1", got "eu-west"'],
    ['a replica Region is an availability zone', inPrimary({ replicaRegions: ['eu-west-1a'] }),
      'Primary/Keys: `replicaRegions[0]` must be a Region name such as "eu-west-1", got "eu-west-1a"'],
    ['a replica Region is in another partition', inPrimary({ replicaRegions: ['cn-north-1'] }),
      'Primary/Keys: `replicaRegions[0]` must be in the primary\'s partition "aws" (it is in "aws-cn"): multi-Region keys do not cross partitions, got "cn-north-1"'],
    ['pendingWindow is under 7 days', inPrimary({ pendingWindow: Duration.days(3) }),
      'Primary/Keys: `pendingWindow` must be a whole number of days between 7 and 30, got "3 days"'],
    ['rotationPeriod is over 2560 days', inPrimary({ rotationPeriod: Duration.days(3000) }),
      'Primary/Keys: `rotationPeriod` must be a whole number of days between 90 and 2560, got "3000 days"'],
    ['alias is in the reserved alias/aws/ space', inPrimary({ alias: 'alias/aws/data' }),
      'Primary/Keys: `alias` must not make an alias under "alias/aws/", which is reserved for AWS managed keys, got "alias/aws/data"'],
  ])('fails when %s', (_name, construct, message) => {
    expect(() => construct(new App())).toThrow(message);
  });

});
