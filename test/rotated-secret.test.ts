import { App, CliCredentialsStackSynthesizer, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KeyManagement } from '../src/key-management';
import * as validate from '../src/private/validate';
import { RotatedSecret, RotatedSecretProps } from '../src/rotated-secret';
import { DB_CONNECTION } from './helpers/db-connection';
import { logicalIdOf, logicalIdsUnder, ownKeyResource, ownKeyTemplate } from './helpers/own-key';
import { DailyRotationCheck } from '../src/rotation-verification/daily-rotation-check';
import { RotationVerificationProvider } from '../src/rotation-verification/provider';
import { RotationVerification } from '../src/rotation-verification/rotation-verification';

const ENV = { account: '111111111111', region: 'us-east-1' };

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

function rotationFn(s: Stack): lambda.Function {
  return new lambda.Function(s, 'Rotator', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

function build(props: Partial<RotatedSecretProps> = {}): { s: Stack; secret: RotatedSecret; t: Template } {
  const s = stack();
  const secret = new RotatedSecret(s, 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION, ...props });
  return { s, secret, t: Template.fromStack(s) };
}

function logicalId(s: Stack, c: { node: { defaultChild?: any } }): string {
  return s.resolve(c.node.defaultChild.logicalId);
}

/**
 * The stack's keys besides the secret's: the rotation verification's log key and the monitor's
 * alarm-topic key (verification and monitoring are on by default).
 */
function otherKeys(s: Stack, secret: RotatedSecret): string[] {
  return [...logicalIdsUnder(s.node.findChild(RotationVerificationProvider.ID), 'AWS::KMS::Key'), ...logicalIdsUnder(secret.monitor!, 'AWS::KMS::Key')];
}

/** The alias of the secret's key (not the verification's log group key). */
function secretAlias(t: Template): string {
  const names = Object.values(t.findResources('AWS::KMS::Alias')).map(a => a.Properties.AliasName).filter(n => typeof n === 'string' && n.startsWith('alias/rotated-secret/'));
  expect(names).toHaveLength(1);
  return names[0];
}

describe('defaults', () => {
  test('the secret is encrypted with a new customer-managed key, never aws/secretsmanager', () => {
    const { s, secret, t } = build();
    // The secret's key, the rotation verification's log group key and the monitor's alarm-topic key.
    expect(Object.keys(t.findResources('AWS::KMS::Key')).sort()).toEqual([logicalId(s, secret.encryptionKey as kms.Key), ...otherKeys(s, secret)].sort());
    expect(otherKeys(s, secret)).toHaveLength(2);
    t.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: { 'Fn::GetAtt': [logicalId(s, secret.encryptionKey as kms.Key), 'Arn'] } });
    expect(JSON.stringify(t.toJSON())).not.toContain('aws/secretsmanager');
  });

  test('secret and key are retained', () => {
    const { t } = build();
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('rotation every 30 days through the hosted rotation, with the key passed to it', () => {
    const { s, secret, t } = build();
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalId(s, secret.secret as secretsmanager.Secret) },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      HostedRotationLambda: Match.objectLike({
        RotationType: 'PostgreSQLSingleUser',
        KmsKeyArn: { 'Fn::GetAtt': [logicalId(s, secret.encryptionKey as kms.Key), 'Arn'] },
      }),
    });
  });

  test('the hosted rotation function finds its database in the secret: the template\'s host and username, the engine, a generated password', () => {
    const { t } = build();
    const generate = t.toJSON().Resources[Object.keys(t.findResources('AWS::SecretsManager::Secret'))[0]].Properties.GenerateSecretString;
    expect(JSON.parse(generate.SecretStringTemplate)).toEqual({ engine: 'postgres', ...JSON.parse(DB_CONNECTION.secretStringTemplate!) });
    expect(generate.GenerateStringKey).toBe('password');
  });

  test('a rotation verification that depends on the schedule and checks the secret and the key', () => {
    const { s, secret, t } = build();
    const verification = t.findResources('Custom::KmsPatternsRotationVerification');
    expect(Object.keys(verification)).toHaveLength(1);
    const resource = Object.values(verification)[0];
    expect(resource.DependsOn).toContain(logicalId(s, secret.rotationSchedule));
    expect(resource.Properties.Secrets).toEqual([{
      SecretId: { Ref: logicalId(s, secret.secret as secretsmanager.Secret) }, MaxRotationIntervalHours: 720, GraceHours: 24, TestRotation: false,
    }]);
    expect(resource.Properties.Keys).toEqual([{ KeyId: { 'Fn::GetAtt': [logicalId(s, secret.encryptionKey as kms.Key), 'Arn'] }, MaxRotationPeriodDays: 365 }]);
    expect(resource.Properties.Strict).toBe(false);
  });
});

describe('overrides', () => {
  test('a given key is used, no key is created, and it is not verified', () => {
    const s = stack();
    const key = new kms.Key(s, 'MyKey', { enableKeyRotation: true });
    const secret = new RotatedSecret(s, 'Db', { encryptionKey: key, hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser(), generateSecretString: DB_CONNECTION });
    const t = Template.fromStack(s);
    // Yours, the rotation verification's log group key and the monitor's alarm-topic key: none for the secret.
    expect(secret.node.tryFindChild('Key')).toBeUndefined();
    expect(Object.keys(t.findResources('AWS::KMS::Key')).sort()).toEqual([logicalId(s, key), ...otherKeys(s, secret)].sort());
    expect(otherKeys(s, secret)).toHaveLength(2);
    t.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: { 'Fn::GetAtt': [logicalId(s, key), 'Arn'] } });
    t.hasResourceProperties('Custom::KmsPatternsRotationVerification', { Keys: [] });
  });

  test('interval, name, description, generator, rotateImmediatelyOnUpdate and removal policy pass through', () => {
    const { secret, t } = build({
      rotationInterval: Duration.hours(6),
      secretName: 'app/db+primary@eu.1',
      description: 'The database password',
      generateSecretString: { ...DB_CONNECTION, passwordLength: 40 },
      rotateImmediatelyOnUpdate: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    t.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Name: 'app/db+primary@eu.1', Description: 'The database password', GenerateSecretString: Match.objectLike({ PasswordLength: 40 }) }),
    });
    ownKeyTemplate(t, secret).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(6 hours)' }, RotateImmediatelyOnUpdate: false });
    t.hasResourceProperties('Custom::KmsPatternsRotationVerification', { Secrets: [Match.objectLike({ MaxRotationIntervalHours: 6 })] });
  });

  test('the stack\'s verification network (useNetwork) passes through to every function of its provider', () => {
    const s = stack();
    const vpc = ec2.Vpc.fromVpcAttributes(s, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-a', 'subnet-b'],
    });
    const sg = ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-0123456789abcdef0');
    RotationVerification.useNetwork(s, { vpc, vpcSubnets: { subnets: [vpc.privateSubnets[1]] }, securityGroups: [sg] });
    new RotatedSecret(s, 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    const functions = Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-b'], SecurityGroupIds: ['sg-0123456789abcdef0'] });
    }
  });

  test('verifyRotation: false adds no verification; the monitor\'s daily rotation check still checks the secret, on the provider it makes', () => {
    const { s, secret, t } = build({ verifyRotation: false });
    expect(secret.rotationVerification).toBeUndefined();
    t.resourceCountIs('Custom::KmsPatternsRotationVerification', 0);
    // monitorSecret registers the secret with the stack's DailyRotationCheck, which runs on the provider's function.
    const provider = s.node.tryFindChild(RotationVerificationProvider.ID) as RotationVerificationProvider | undefined;
    expect(provider).toBeInstanceOf(RotationVerificationProvider);
    expect(Object.keys(t.findResources('AWS::Lambda::Function')).sort()).toEqual(logicalIdsUnder(provider!, 'AWS::Lambda::Function').sort());
    const daily = s.node.findChild(DailyRotationCheck.ID) as DailyRotationCheck;
    const targets = t.toJSON().Resources[logicalIdOf(daily.rule)].Properties.Targets;
    expect(targets.map((target: any) => target.Arn)).toEqual([{ 'Fn::GetAtt': [logicalIdOf(provider!.onEventHandler), 'Arn'] }]);
    expect(JSON.stringify(targets[0].Input)).toContain(JSON.stringify({ Ref: logicalId(s, secret.secret as secretsmanager.Secret) }));
  });

  test('verifyRotation: false with monitoring: false adds no verification, no daily check and no provider', () => {
    const { s, secret, t } = build({ verifyRotation: false, monitoring: false });
    expect(secret.rotationVerification).toBeUndefined();
    expect(s.node.tryFindChild(DailyRotationCheck.ID)).toBeUndefined();
    expect(s.node.tryFindChild(RotationVerificationProvider.ID)).toBeUndefined();
    t.resourceCountIs('Custom::KmsPatternsRotationVerification', 0);
    t.resourceCountIs('AWS::Lambda::Function', 0);
    t.resourceCountIs('AWS::Events::Rule', 0);
  });

  test('a path with characters aliases refuse makes a valid alias with a hash of the path', () => {
    const s = stack();
    new RotatedSecret(s, 'db.primary@eu', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    const alias = secretAlias(Template.fromStack(s));
    expect(alias).toMatch(/^alias\/rotated-secret\/Stack\/db-primary-eu-[0-9a-f]{8}$/);
  });

  test('a very long path makes an alias within KMS\'s 256 characters', () => {
    const s = stack();
    new RotatedSecret(s, 'x'.repeat(300), { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    const alias = secretAlias(Template.fromStack(s));
    expect(alias.length).toBeLessThanOrEqual(256);
  });
});

describe('rotation Lambda', () => {
  test('the function may use the key only through Secrets Manager (key policy), and read and write the secret', () => {
    const s = stack();
    const fn = rotationFn(s);
    const secret = new RotatedSecret(s, 'Db', { rotationLambda: fn });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationLambdaARN: { 'Fn::GetAtt': [logicalId(s, fn), 'Arn'] } });
    expect(keyStatementsFor(t, s, secret, logicalId(s, fn.role as iam.Role))).toEqual([{
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::GetAtt': [logicalId(s, fn.role as iam.Role), 'Arn'] } },
      Resource: '*',
    }]);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(s, fn.role as iam.Role) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['secretsmanager:PutSecretValue']) })]) },
    });
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'secretsmanager.amazonaws.com' });
  });

  test('an imported function with its role gets the key and the secret granted', () => {
    const s = stack();
    const role = iam.Role.fromRoleArn(s, 'R', 'arn:aws:iam::111111111111:role/rotator');
    const fn = lambda.Function.fromFunctionAttributes(s, 'F', { functionArn: 'arn:aws:lambda:us-east-1:111111111111:function:rotator', role });
    const secret = new RotatedSecret(s, 'Db', { rotationLambda: fn });
    const t = Template.fromStack(s);
    const statements = keyStatementsFor(t, s, secret, 'rotator');
    expect(statements).toHaveLength(1);
    expect(statements[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } });
    const policy = Object.values(t.findResources('AWS::IAM::Policy')).find(p => JSON.stringify(p.Properties.Roles) === '["rotator"]');
    expect(JSON.stringify(policy)).toContain('secretsmanager:PutSecretValue');
  });

  test('an imported function without a role gets a warning', () => {
    const s = stack();
    const fn = lambda.Function.fromFunctionArn(s, 'F', 'arn:aws:lambda:us-east-1:111111111111:function:rotator');
    new RotatedSecret(s, 'Db', { rotationLambda: fn });
    Annotations.fromStack(s).hasWarning('/Stack/Db', Match.stringLikeRegexp('The rotation Lambda was imported without its role'));
  });
});

describe('grantRead', () => {
  test('GetSecretValue and DescribeSecret on the secret, kms:Decrypt only through Secrets Manager', () => {
    const s = stack();
    const secret = new RotatedSecret(s, 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    const reader = new iam.Role(s, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(secret.grantRead(reader).success).toBe(true);
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(s, reader) }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: logicalId(s, secret.secret as secretsmanager.Secret) } },
        ],
      },
    });
    expect(keyStatementsFor(t, s, secret, logicalId(s, reader))).toEqual([{
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::GetAtt': [logicalId(s, reader), 'Arn'] } },
      Resource: '*',
    }]);
  });
});

/** Key-policy statements of the secret's key whose principal mentions `principal`. */
function keyStatementsFor(t: Template, s: Stack, secret: RotatedSecret, principal: string): any[] {
  const key = t.toJSON().Resources[logicalId(s, secret.encryptionKey as kms.Key)];
  return key.Properties.KeyPolicy.Statement.filter((st: any) => JSON.stringify(st.Principal ?? {}).includes(principal));
}

describe('validation', () => {
  const hosted = secretsmanager.HostedRotation.postgreSqlSingleUser();

  test('rotationInterval is validated once, where it is given, and still reaches the verification, the daily check and the monitor', () => {
    const spy = jest.spyOn(validate, 'validateSecretRotationInterval');
    try {
      const { t } = build({ rotationInterval: Duration.hours(6) });
      // The verification is called with no interval of its own (a no-op); only a given value is checked.
      const checked = spy.mock.calls.filter(([, , value]) => value !== undefined).map(([scope, prop]) => `${scope.node.path} ${prop}`);
      expect(checked).toEqual(['Stack/Db rotationInterval']);
      t.hasResourceProperties('Custom::KmsPatternsRotationVerification', { Secrets: [Match.objectLike({ MaxRotationIntervalHours: 6 })] });
      const inputs = Object.values(t.findResources('AWS::Events::Rule')).flatMap(r => r.Properties.Targets ?? []).map(x => JSON.stringify(x.Input));
      expect(inputs.some(i => i.includes('MaxHours') && i.includes(':6,'))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  test.each<[string, (s: Stack) => Partial<RotatedSecretProps>, string]>([
    ['both rotation sources are given', s => ({ rotationLambda: rotationFn(s), hostedRotation: hosted, generateSecretString: DB_CONNECTION }),
      'Stack/Db: `rotationLambda` and `hostedRotation` are both given: give exactly one, your rotation function or a hosted one'],
    ['no rotation source is given', () => ({}),
      'Stack/Db: neither `rotationLambda` nor `hostedRotation` is given: a RotatedSecret always rotates, so give exactly one, '
      + 'your rotation function or a hosted one (e.g. `secretsmanager.HostedRotation.postgreSqlSingleUser()`)'],
    ['rotationInterval is under 4 hours', () => ({ hostedRotation: hosted, generateSecretString: DB_CONNECTION, rotationInterval: Duration.hours(3) }),
      'Stack/Db: `rotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "3 hours"'],
    ['rotationInterval is over 1000 days', () => ({ hostedRotation: hosted, generateSecretString: DB_CONNECTION, rotationInterval: Duration.days(1001) }),
      'Stack/Db: `rotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "1001 days"'],
    ['rotationInterval is not whole hours', () => ({ hostedRotation: hosted, generateSecretString: DB_CONNECTION, rotationInterval: Duration.minutes(270) }),
      'Stack/Db: `rotationInterval` must be a whole number of hours between 4 hours and 1000 days, got "4 hours 30 minutes"'],
    ['secretName has a space', () => ({ hostedRotation: hosted, generateSecretString: DB_CONNECTION, secretName: 'my secret' }),
      'Stack/Db: `secretName` must be 1-512 letters, digits or "/_+=.@-", got "my secret"'],
    ['secretName is empty', () => ({ hostedRotation: hosted, generateSecretString: DB_CONNECTION, secretName: '' }),
      'Stack/Db: `secretName` must be 1-512 letters, digits or "/_+=.@-", got ""'],
    ['description is too long', () => ({ hostedRotation: hosted, generateSecretString: DB_CONNECTION, description: 'd'.repeat(2049) }),
      'Stack/Db: `description` must be at most 2048 characters (it has 2049), got "dddddddddddddddddddd…"'],
    ['hostedRotation is given without a secretStringTemplate naming the database', () => ({ hostedRotation: hosted }),
      'Stack/Db: `generateSecretString` must give, with `hostedRotation`, a `secretStringTemplate` naming the database, with "host", "username"'],
    ['the hosted rotation\'s template lacks the username', () => ({ hostedRotation: hosted, generateSecretString: { secretStringTemplate: JSON.stringify({ host: 'db.example.internal' }) } }),
      'Stack/Db: `generateSecretString.secretStringTemplate` lacks "username"'],
  ])('fails when %s', (_name, props, message) => {
    const s = stack();
    expect(() => new RotatedSecret(s, 'Db', props(s))).toThrow(message);
  });

  test('a secret name that is a token is accepted', () => {
    const s = stack();
    expect(() => new RotatedSecret(s, 'Db', { hostedRotation: hosted, generateSecretString: DB_CONNECTION, secretName: s.stackName })).not.toThrow();
  });
});

describe('key management', () => {
  const EXEC_ROLE = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${ENV.account}:role/cdk-hnb659fds-cfn-exec-role-${ENV.account}-${ENV.region}` };
  const ROOT = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ENV.account}:root`]] };
  const managersOf = (t: Template, secret: RotatedSecret): unknown => (ownKeyResource(t, secret).Properties.KeyPolicy.Statement as any[])
    .find(st => st.Sid === 'KmsPatternsDenyKeyManagementExceptToManagers')?.Condition.ArnNotLike['aws:PrincipalArn'];
  const cliStack = () => new Stack(new App(), 'Stack', { env: ENV, synthesizer: new CliCredentialsStackSynthesizer() });

  test('the secret\'s key denies key management to all but its managers: the synthesizer\'s deploying role and the account root', () => {
    const { secret, t } = build();
    expect(managersOf(t, secret)).toEqual([EXEC_ROLE, ROOT]);
  });

  test('a synthesizer that names no deploying role fails synth, asking for deploymentRole', () => {
    expect(() => new RotatedSecret(cliStack(), 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION }))
      .toThrow(/^Stack\/Db: `deploymentRole` must be given: the stack's synthesizer \(CliCredentialsStackSynthesizer\) does not say which role deploys it/);
  });

  test('with such a synthesizer, the stack\'s deploymentRole (KeyManagement.setStackDefaults) is the manager instead', () => {
    const s = cliStack();
    const deployer = 'arn:aws:iam::111111111111:role/deployer';
    KeyManagement.setStackDefaults(s, { deploymentRole: iam.Role.fromRoleArn(s, 'Deployer', deployer) });
    const secret = new RotatedSecret(s, 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    expect(managersOf(Template.fromStack(s), secret)).toEqual([deployer, 'arn:aws:iam::111111111111:role/*/deployer', ROOT]);
  });

  test('with such a synthesizer, restrictKeyManagement: false for the stack leaves the secret\'s key without the Deny', () => {
    const s = cliStack();
    KeyManagement.setStackDefaults(s, { restrictKeyManagement: false });
    const secret = new RotatedSecret(s, 'Db', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    expect(managersOf(Template.fromStack(s), secret)).toBeUndefined();
  });
});
