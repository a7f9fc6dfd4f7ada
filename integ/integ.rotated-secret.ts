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
import { integApp } from './integ-app';
import { RandomTokenRotation, RotatedSecret, RotationVerification } from '../src';

const app = integApp();
const stack = new Stack(app, 'KmsPatternsRotatedSecretInteg');

// The library's rotation function for an opaque token: each rotation stores a random value
// as AWSPENDING, checks it and moves AWSCURRENT to it (no external system to set).
const rotation = new RandomTokenRotation(stack, 'TokenRotation', { removalPolicy: RemovalPolicy.DESTROY });

const token = new RotatedSecret(stack, 'ApiToken', {
  rotationLambda: rotation.function,
  rotationInterval: Duration.days(7),
  description: 'cdk-kms-patterns integ test token',
  // Holds nothing: destroyed with the stack (the library default is RETAIN).
  removalPolicy: RemovalPolicy.DESTROY,
});

// A strict check that rotates the secret once more and waits for AWSCURRENT to move.
const tested = new RotationVerification(stack, 'TestRotation', { strict: true, maxSecretRotationInterval: Duration.days(7) });
tested.addSecret(token.secret, { testRotation: true, rotationLambda: rotation.function });
tested.node.addDependency(token.rotationSchedule, token.rotationVerification!);

const integ = new IntegTest(app, 'RotatedSecretInteg', { testCases: [stack] });

integ.assertions
  .awsApiCall('SecretsManager', 'DescribeSecret', { SecretId: token.secretArn })
  .expect(ExpectedResult.objectLike({
    RotationEnabled: true,
    RotationLambdaARN: rotation.function.functionArn,
    KmsKeyId: token.encryptionKey.keyArn,
  }));
integ.assertions
  .awsApiCall('KMS', 'GetKeyRotationStatus', { KeyId: token.encryptionKey.keyId })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }));

app.synth();
