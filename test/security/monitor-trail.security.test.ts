import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EncryptionMonitor, MonitorTrail } from '../../src/monitoring/encryption-monitor';
import { CfnTemplate, FAKE_ENV, keyArnFor, resolveIntrinsics, resolvedKeyPolicy } from '../helpers/resolve-template';
import { KmsDecision, KmsRequest, expectKms } from '../helpers/simulate';

// The trail key's policy, evaluated as KMS would, for the calls CloudTrail makes on behalf of
// the monitor's trail ("Configure AWS KMS key policies for CloudTrail", Required KMS key
// policy elements for trails: encrypt, decrypt with an S3 Bucket Key, describe). Every
// refusal has the allowed call beside it with the one fact changed that the refusal rests on.

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
const OTHER_ACCOUNT = '222222222222';

function synth(): { template: CfnTemplate; keyId: string; trailArn: string; logGroupArn: string } {
  const app = new App();
  const stack = new Stack(app, 'Security', { env: { account: FAKE_ENV.account, region: FAKE_ENV.region } });
  new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.createOncePerApp() });
  const template = Template.fromStack(stack).toJSON() as CfnTemplate;
  const resources = Object.entries(template.Resources ?? {});
  const keyId = resources.find(([, r]) => r.Type === 'AWS::KMS::Key' && JSON.stringify(r.Properties).includes('KmsPatternsAllowCloudTrailLogEncryption'))![0];
  const [trailId, trail] = resources.find(([, r]) => r.Type === 'AWS::CloudTrail::Trail')!;
  // The ARN CloudFormation gives the trail, from the name the template sets on it.
  const name = resolveIntrinsics(trail.Properties!.TrailName, template, `${trailId}.TrailName`);
  const [logGroupId, logGroup] = resources.find(([, r]) => r.Type === 'AWS::Logs::LogGroup'
    && JSON.stringify(r.Properties?.KmsKeyId ?? null).includes(keyId))!;
  const logGroupName = resolveIntrinsics(logGroup.Properties!.LogGroupName, template, `${logGroupId}.LogGroupName`);
  return {
    template,
    keyId,
    trailArn: `arn:${FAKE_ENV.partition}:cloudtrail:${FAKE_ENV.region}:${FAKE_ENV.account}:trail/${name}`,
    logGroupArn: `arn:${FAKE_ENV.partition}:logs:${FAKE_ENV.region}:${FAKE_ENV.account}:log-group:${logGroupName}`,
  };
}

describe('the monitor trail key, simulated', () => {
  const { template, keyId, trailArn, logGroupArn } = synth();
  const otherTrail = trailArn.replace(/trail\/.*$/, 'trail/SomeoneElsesTrail');
  const otherAccountTrail = trailArn.replace(FAKE_ENV.account, OTHER_ACCOUNT);
  const trailContext = { 'aws:cloudtrail:arn': trailArn };

  /** A call by CloudTrail on behalf of `sourceArn` (with its account as `aws:SourceAccount`). */
  function byCloudTrail(action: string, sourceArn: string, extra: Partial<KmsRequest> = {}): KmsRequest {
    return {
      keyPolicy: resolvedKeyPolicy(template, keyId),
      keyArn: keyArnFor(keyId),
      principalArn: CLOUDTRAIL,
      action,
      ...extra,
      extraContext: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': sourceArn.split(':')[4], ...extra.extraContext },
    };
  }

  test.each<[string, KmsRequest, KmsDecision]>([
    // What CloudTrail does for this trail: all three allowed.
    ['CloudTrail generates a data key for this trail\'s logs', byCloudTrail('kms:GenerateDataKey', trailArn, { encryptionContext: trailContext }), 'Allowed'],
    ['CloudTrail generates a data key without plaintext for this trail', byCloudTrail('kms:GenerateDataKeyWithoutPlaintext', trailArn, { encryptionContext: trailContext }), 'Allowed'],
    ['CloudTrail decrypts for this trail (S3 Bucket Key, on create and update)', byCloudTrail('kms:Decrypt', trailArn), 'Allowed'],
    ['CloudTrail describes the key for this trail', byCloudTrail('kms:DescribeKey', trailArn), 'Allowed'],
    // Another trail of the same account: aws:SourceArn refuses it.
    ['another trail of the account cannot generate data keys', byCloudTrail('kms:GenerateDataKey', otherTrail, { encryptionContext: { 'aws:cloudtrail:arn': otherTrail } }), 'ImplicitlyDenied'],
    ['another trail of the account cannot decrypt', byCloudTrail('kms:Decrypt', otherTrail), 'ImplicitlyDenied'],
    ['another trail of the account cannot describe the key', byCloudTrail('kms:DescribeKey', otherTrail), 'ImplicitlyDenied'],
    // A trail of another account (the confused deputy the condition exists for).
    ['another account\'s trail cannot generate data keys', byCloudTrail('kms:GenerateDataKey', otherAccountTrail, { encryptionContext: { 'aws:cloudtrail:arn': otherAccountTrail } }), 'ImplicitlyDenied'],
    ['another account\'s trail cannot decrypt', byCloudTrail('kms:Decrypt', otherAccountTrail), 'ImplicitlyDenied'],
    ['another account\'s trail cannot describe the key', byCloudTrail('kms:DescribeKey', otherAccountTrail), 'ImplicitlyDenied'],
    // The encryption context: this trail's request, but for logs of another account's trail.
    ['this trail cannot generate data keys under another account\'s trail context',
      byCloudTrail('kms:GenerateDataKey', trailArn, { encryptionContext: { 'aws:cloudtrail:arn': otherAccountTrail } }), 'ImplicitlyDenied'],
    ['this trail cannot generate data keys without CloudTrail\'s context', byCloudTrail('kms:GenerateDataKey', trailArn), 'ImplicitlyDenied'],
    // aws:SourceAccount on the encrypt statement: this trail's ARN presented from another account.
    ['this trail\'s ARN with another source account cannot generate data keys',
      byCloudTrail('kms:GenerateDataKey', trailArn, { encryptionContext: trailContext, extraContext: { 'aws:SourceAccount': OTHER_ACCOUNT } }), 'ImplicitlyDenied'],
    // CloudTrail's statements are for CloudTrail: no source at all is no trail.
    ['CloudTrail without a source trail cannot decrypt',
      { ...byCloudTrail('kms:Decrypt', trailArn), extraContext: {} }, 'ImplicitlyDenied'],
  ])('%s', async (_name, request, expected) => {
    await expectKms(request, expected);
  });

  test.each<[string, string]>([
    ['kms:Decrypt', 'decrypt'],
    ['kms:GenerateDataKey', 'generate data keys'],
    ['kms:DescribeKey', 'describe the key'],
  ])('a stranger (another service) presenting this trail as its source cannot %s', async (action, _what) => {
    const request = byCloudTrail(action, trailArn, action === 'kms:GenerateDataKey' ? { encryptionContext: trailContext } : {});
    await expectKms({ ...request, principalArn: 'sns.amazonaws.com' }, 'ImplicitlyDenied');
  });

  test('a role of another account cannot decrypt the trail\'s logs', async () => {
    await expectKms({
      keyPolicy: resolvedKeyPolicy(template, keyId),
      keyArn: keyArnFor(keyId),
      principalArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/Reader`,
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }],
      action: 'kms:Decrypt',
      encryptionContext: trailContext,
    }, 'ImplicitlyDenied');
  });

  // The trail's CloudWatch Logs group is encrypted with the same key: CloudWatch Logs may use
  // it for that log group only, bound by the context it sets ("Encrypt log data in CloudWatch
  // Logs using AWS Key Management Service": the context key kms:EncryptionContext:aws:logs:arn).
  test.each<[string, string, KmsDecision]>([
    ['CloudWatch Logs encrypts for the trail\'s log group', 'kms:GenerateDataKey', 'Allowed'],
    ['CloudWatch Logs decrypts for the trail\'s log group', 'kms:Decrypt', 'Allowed'],
  ])('%s', async (_name, action, expected) => {
    await expectKms({
      keyPolicy: resolvedKeyPolicy(template, keyId),
      keyArn: keyArnFor(keyId),
      principalArn: `logs.${FAKE_ENV.region}.amazonaws.com`,
      action,
      encryptionContext: { 'aws:logs:arn': logGroupArn },
    }, expected);
  });

  test.each<[string, Record<string, string> | undefined]>([
    ['for another log group of the account', { 'aws:logs:arn': `${logGroupArn}-other` }],
    ['for a log group of another account', { 'aws:logs:arn': logGroupArn.replace(FAKE_ENV.account, OTHER_ACCOUNT) }],
    ['without CloudWatch Logs\' context', undefined],
  ])('CloudWatch Logs cannot use the trail key %s', async (_name, encryptionContext) => {
    await expectKms({
      keyPolicy: resolvedKeyPolicy(template, keyId),
      keyArn: keyArnFor(keyId),
      principalArn: `logs.${FAKE_ENV.region}.amazonaws.com`,
      action: 'kms:GenerateDataKey',
      ...(encryptionContext ? { encryptionContext } : {}),
    }, 'ImplicitlyDenied');
  });
});
