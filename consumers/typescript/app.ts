// The TypeScript consumer app of scripts/consumers: what a user writes after
// `npm install cdk-kms-patterns`. The Python, Java and Go apps beside it build the same
// stack, so their templates must equal this one.
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EncryptionStandardsChecks, RandomTokenRotation, RotatedSecret, SharedTenantKey, TenantKey } from 'cdk-kms-patterns';

const app = new App({ analyticsReporting: false });
const stack = new Stack(app, 'KmsPatternsConsumer');

const role = new iam.Role(stack, 'AcmeService', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
new TenantKey(stack, 'Acme', { tenantId: 'acme' }).grantEncryptDecrypt(role);

new SharedTenantKey(stack, 'Shared', { alias: 'shared/tenants' });

const rotation = new RandomTokenRotation(stack, 'TokenRotation', { tokenLength: 40 });
new RotatedSecret(stack, 'ApiToken', {
  rotationLambda: rotation.function,
  rotationInterval: Duration.days(30),
});

// The library's cdk-nag pack as a validation plugin: any finding fails the synth.
Validations.of(app).addPlugins(new EncryptionStandardsChecks(app));
app.synth();
