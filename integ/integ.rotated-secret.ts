// Integration test: a RotatedSecret with a working rotation function deploys, its
// RotationVerification passes (the stack would not create otherwise), a second,
// strict verification rotates it once more during the deployment, and Secrets Manager
// reports the secret as rotating, with the function, under the customer-managed key.
//
// Offline (no AWS account): `npx projen integ` compares a fresh synthesis with the
// snapshot in integ.rotated-secret.ts.snapshot/; `npx projen integ:update` rewrites it.
// Against an account: `AWS_REGION=us-east-1 npx integ-runner --directory integ
// --language typescript --app "tsx {filePath}" --parallel-regions us-east-1`.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { integApp } from './integ-app';
import { RotatedSecret, RotationVerification } from '../src';

const app = integApp();
const stack = new Stack(app, 'KmsPatternsRotatedSecretInteg');

// A rotation function for an opaque token: createSecret stores a random value as
// AWSPENDING, finishSecret moves AWSCURRENT to it (no external system to set or test).
const rotator = new lambda.Function(stack, 'TokenRotator', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  timeout: Duration.seconds(30),
  code: lambda.Code.fromInline(`
const sm = require('@aws-sdk/client-secrets-manager');
const client = new sm.SecretsManagerClient({});
exports.handler = async ({ SecretId, ClientRequestToken, Step }) => {
  const described = await client.send(new sm.DescribeSecretCommand({ SecretId }));
  const stages = described.VersionIdsToStages || {};
  if (Step === 'createSecret') {
    try {
      await client.send(new sm.GetSecretValueCommand({ SecretId, VersionId: ClientRequestToken, VersionStage: 'AWSPENDING' }));
    } catch (e) {
      const { RandomPassword } = await client.send(new sm.GetRandomPasswordCommand({ ExcludePunctuation: true }));
      await client.send(new sm.PutSecretValueCommand({ SecretId, ClientRequestToken, SecretString: RandomPassword, VersionStages: ['AWSPENDING'] }));
    }
  } else if (Step === 'finishSecret') {
    if ((stages[ClientRequestToken] || []).includes('AWSCURRENT')) return;
    const current = Object.keys(stages).find(v => stages[v].includes('AWSCURRENT'));
    await client.send(new sm.UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: ClientRequestToken, RemoveFromVersionId: current }));
  }
};
`),
});

const token = new RotatedSecret(stack, 'ApiToken', {
  rotationLambda: rotator,
  rotationInterval: Duration.days(7),
  description: 'cdk-kms-patterns integ test token',
  // Holds nothing: destroyed with the stack (the library default is RETAIN).
  removalPolicy: RemovalPolicy.DESTROY,
});

// A strict check that rotates the secret once more and waits for AWSCURRENT to move.
const tested = new RotationVerification(stack, 'TestRotation', { strict: true, maxSecretRotationInterval: Duration.days(7) });
tested.addSecret(token.secret, { testRotation: true, rotationLambda: rotator });
tested.node.addDependency(token.rotationSchedule, token.rotationVerification!);

const integ = new IntegTest(app, 'RotatedSecretInteg', { testCases: [stack] });

integ.assertions
  .awsApiCall('SecretsManager', 'DescribeSecret', { SecretId: token.secretArn })
  .expect(ExpectedResult.objectLike({
    RotationEnabled: true,
    RotationLambdaARN: rotator.functionArn,
    KmsKeyId: token.encryptionKey.keyArn,
  }));
integ.assertions
  .awsApiCall('KMS', 'GetKeyRotationStatus', { KeyId: token.encryptionKey.keyId })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }));

app.synth();
