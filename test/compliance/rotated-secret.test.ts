// Compliance of what RotatedSecret synthesizes (with its RotationVerification), for each
// configuration that changes it: cdk-nag (the four packs), the AWS Control Tower
// proactive controls (cfn-guard) and cfn-lint.
//
// The secret's own resources (key, alias, secret, schedule, resource policy) have no
// findings and nothing acknowledged. The verification's provider (Lambda functions, roles,
// the Provider framework's waiter) acknowledges its inherent findings inside the library,
// one rule on one construct with a specific reason; the exact list is pinned below, so a
// new finding or a widened acknowledgement fails here.
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RotatedSecret } from '../../src/rotated-secret';
import { RotationVerification } from '../../src/rotation-verification/rotation-verification';
import { controlTowerFailures, controlTowerRuleFiles } from '../helpers/cfn-guard';
import { cfnLint } from '../helpers/cfn-lint';
import { DB_CONNECTION } from '../helpers/db-connection';
import { nagFindings } from '../helpers/nag';
import { PROVIDER, acknowledgementsIn, expectedProviderAcks, splitProviderAcks } from '../helpers/provider';

const ENV = { account: '111111111111', region: 'us-east-1' };

/**
 * Control Tower controls the provider does not meet by default, on its resources only: its
 * functions run outside a VPC (CT.LAMBDA.PR.3), which a library cannot invent; give the
 * verification a VPC and it passes too (the `in a VPC` configuration). Every other control
 * passes: the provider's log group is encrypted with its own customer-managed key
 * (CT.CLOUDWATCH.PR.3), and the framework's waiter logs (CT.STEPFUNCTIONS.PR.1) and is
 * traced with X-Ray (CT.STEPFUNCTIONS.PR.2).
 */
const PROVIDER_CONTROLS = ['CT.LAMBDA.PR.3'];

type Configuration = (stack: Stack) => Construct;

const CONFIGURATIONS: Record<string, Configuration> = {
  'hosted rotation, defaults': s => new RotatedSecret(s, 'Secret', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION }),
  'rotation Lambda, every option': s => new RotatedSecret(s, 'Secret', {
    rotationLambda: lambda.Function.fromFunctionAttributes(s, 'Rotator', {
      functionArn: 'arn:aws:lambda:us-east-1:111111111111:function:rotator',
      role: iam.Role.fromRoleArn(s, 'RotatorRole', 'arn:aws:iam::111111111111:role/rotator', { mutable: false }),
    }),
    rotationInterval: Duration.hours(12),
    rotateImmediatelyOnUpdate: false,
    secretName: 'app/api-token',
    description: 'API token',
    generateSecretString: { passwordLength: 48 },
  }),
  'a given key': s => new RotatedSecret(s, 'Secret', {
    // A key of another stack or app, by ARN: not in this template, so its own compliance is not judged here.
    encryptionKey: kms.Key.fromKeyArn(s, 'GivenKey', 'arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000'),
    hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser(),
    generateSecretString: DB_CONNECTION,
  }),
  'three secrets, one provider': (s) => {
    const first = new RotatedSecret(s, 'Secret', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    new RotatedSecret(s, 'Second', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    new RotatedSecret(s, 'Third', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
    return first;
  },
  'in a VPC': s => {
    // An imported VPC: its own resources are not this library's to judge.
    RotationVerification.useNetwork(s, {
      vpc: ec2.Vpc.fromVpcAttributes(s, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      }),
    });
    return new RotatedSecret(s, 'Secret', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION });
  },
};
const IN_VPC = new Set(['in a VPC']);

describe.each(Object.entries(CONFIGURATIONS))('%s', (name, configuration) => {
  const inVpc = IN_VPC.has(name);
  let stack: Stack;
  let construct: Construct;
  let template: Record<string, any>;
  beforeAll(() => {
    stack = new Stack(new App(), 'Stack', { env: ENV });
    construct = configuration(stack);
    template = Template.fromStack(stack).toJSON();
  });

  test('cdk-nag: the whole stack has no unacknowledged findings in the four packs', () => {
    expect(nagFindings(stack).map(f => `${f.ruleId} ${f.resourcePath}`).sort()).toEqual([]);
  });

  test('cdk-nag: nothing is acknowledged outside the provider, and there exactly the inherent findings', () => {
    const acks = acknowledgementsIn(stack);
    const { provider, others } = splitProviderAcks(acks, stack.node.path);
    expect(others).toEqual([]);
    expect(provider).toEqual(expectedProviderAcks(inVpc));
    for (const a of acks) {
      expect({ id: a.id, reasonLength: a.reason.length >= 100 }).toEqual({ id: a.id, reasonLength: true });
    }
  });

  test('cdk-nag: the construct\'s own resources have no findings, none acknowledged', () => {
    const types = construct.node.findAll().filter(CfnResource.isCfnResource).map(r => r.cfnResourceType);
    expect(types).toEqual(expect.arrayContaining(['AWS::SecretsManager::Secret', 'AWS::SecretsManager::RotationSchedule']));
    expect(nagFindings(construct)).toEqual([]);
  });

  test('Control Tower: every KMS and Secrets Manager control passes', () => {
    const ids = [...controlTowerRuleFiles().keys()].filter(id => id.startsWith('CT.KMS.') || id.startsWith('CT.SECRETSMANAGER.'));
    expect(ids.length).toBeGreaterThan(2);
    expect(controlTowerFailures(template, ids)).toEqual([]);
  });

  test(inVpc ? 'Control Tower: every control passes, the provider\'s included'
    : 'Control Tower: every control passes except CT.LAMBDA.PR.3 (no VPC), on the provider\'s resources only', () => {
    const failures = controlTowerFailures(template);
    expect(failures.map(f => f.ruleId)).toEqual(inVpc ? [] : PROVIDER_CONTROLS);
    for (const f of failures) {
      expect(f.resources.filter(r => !r.startsWith(PROVIDER))).toEqual([]);
    }
  });

  test('Control Tower: the provider meets the log group CMK, waiter logging and waiter tracing controls', () => {
    // Positive control: the rules do run over the provider's log group and state machine.
    expect(Object.values<any>(template.Resources).map(r => r.Type))
      .toEqual(expect.arrayContaining(['AWS::Logs::LogGroup', 'AWS::StepFunctions::StateMachine', 'AWS::Lambda::Function']));
    expect(controlTowerFailures(template, ['CT.CLOUDWATCH.PR.3', 'CT.STEPFUNCTIONS.PR.1', 'CT.STEPFUNCTIONS.PR.2'])).toEqual([]);
  });

  test('Control Tower: negative control, the same controls fail without the key, logging and tracing', () => {
    const stripped = JSON.parse(JSON.stringify(template));
    for (const r of Object.values<any>(stripped.Resources)) {
      if (r.Type === 'AWS::Logs::LogGroup') delete r.Properties.KmsKeyId;
      if (r.Type === 'AWS::StepFunctions::StateMachine') {
        delete r.Properties.LoggingConfiguration;
        delete r.Properties.TracingConfiguration;
      }
    }
    expect(controlTowerFailures(stripped, ['CT.CLOUDWATCH.PR.3', 'CT.STEPFUNCTIONS.PR.1', 'CT.STEPFUNCTIONS.PR.2']).map(f => f.ruleId))
      .toEqual(['CT.CLOUDWATCH.PR.3', 'CT.STEPFUNCTIONS.PR.1', 'CT.STEPFUNCTIONS.PR.2']);
  });

  test('cfn-lint: no errors and no warnings (the provider\'s functions depend on their role\'s policy only: no W3005)', () => {
    const result = cfnLint(template);
    expect({ errors: result.errors, warnings: result.warnings }).toEqual({ errors: [], warnings: [] });
  });
});
