import { Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { kmsStar, SimulatedAccount, accountBuiltBeforeAll } from './fixture';
import { ServiceExemption, SharedTenantKey, TenantKey } from '../../src';
import { KmsDecision, KmsRequest, expectKms } from '../helpers/simulate';

// Issue 17, item 1: a construct's `key` handed to aws-cdk-lib's own S3, SQS and Secrets
// Manager constructs, granted with their own grant* methods. The granted role decrypts
// through the service; a role that was not granted is refused by the key policy even
// with kms:* in IAM (the attack), beside the same request from the granted role (the control).

const BUCKET_OBJECT = 'arn:aws:s3:::acme-bucket/report.csv';
const QUEUE = 'arn:aws:sqs:us-east-1:111111111111:acme-queue';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:acme-AbCdEf';

function buildAccount(): SimulatedAccount {
  const account = new SimulatedAccount();
  const acme = new TenantKey(account.stack, 'Acme', {
    tenantId: 'acme',
    serviceExemptions: [ServiceExemption.s3(), ServiceExemption.sqs(), ServiceExemption.secretsManager()],
  });
  account.key('Acme', acme.key);
  account.role('Outsider', kmsStar()); // nobody's tenant principal, kms:* on every key

  const bucket = new s3.Bucket(account.stack, 'Bucket', { encryptionKey: acme.key });
  bucket.grantRead(account.role('BucketReader'));
  bucket.grantWrite(account.role('BucketWriter'));
  const queue = new sqs.Queue(account.stack, 'Queue', { encryptionMasterKey: acme.key });
  queue.grantConsumeMessages(account.role('QueueConsumer'));
  queue.grantSendMessages(account.role('QueueSender'));
  const secret = new secretsmanager.Secret(account.stack, 'Secret', { encryptionKey: acme.key });
  secret.grantRead(account.role('SecretReader'));

  const shared = new SharedTenantKey(account.stack, 'Shared', { alias: 'shared/tenants', serviceExemptions: [ServiceExemption.s3()] });
  account.key('Shared', shared.key);
  const sharedBucket = new s3.Bucket(account.stack, 'SharedBucket', { encryptionKey: shared.key });
  const sharedReader = account.role('SharedBucketReader');
  Tags.of(sharedReader).add('tenantId', 'acme');
  sharedBucket.grantRead(sharedReader);
  Tags.of(account.role('SharedOutsider')).add('tenantId', 'acme');
  return account;
}

describe('grants through `key` by aws-cdk-lib\'s own constructs, simulated', () => {
  const account = accountBuiltBeforeAll(buildAccount);
  const via = (service: string, context: Record<string, string>): Partial<KmsRequest> => ({ viaService: service, encryptionContext: context });
  const s3Ctx = via('s3', { 'aws:s3:arn': BUCKET_OBJECT });
  const sqsCtx = via('sqs', { 'aws:sqs:arn': QUEUE });
  const smCtx = via('secretsmanager', { SecretARN: SECRET, SecretVersionId: 'v1' });

  test.each<[string, string, string, Partial<KmsRequest>, KmsDecision]>([
    // s3.Bucket.grantRead / grantWrite
    ['bucket.grantRead: the reader decrypts objects through S3', 'BucketReader', 'kms:Decrypt', s3Ctx, 'Allowed'],
    ['bucket.grantRead: a role with kms:* but no grant is refused', 'Outsider', 'kms:Decrypt', s3Ctx, 'ExplicitlyDenied'],
    ['bucket.grantRead: the reader cannot decrypt directly, outside S3', 'BucketReader', 'kms:Decrypt', { encryptionContext: { 'aws:s3:arn': BUCKET_OBJECT } }, 'ExplicitlyDenied'],
    ['bucket.grantWrite: the writer generates data keys through S3', 'BucketWriter', 'kms:GenerateDataKey', s3Ctx, 'Allowed'],
    ['bucket.grantWrite: a role with kms:* but no grant is refused', 'Outsider', 'kms:GenerateDataKey', s3Ctx, 'ExplicitlyDenied'],
    // sqs.Queue.grantConsumeMessages / grantSendMessages
    ['queue.grantConsumeMessages: the consumer decrypts through SQS', 'QueueConsumer', 'kms:Decrypt', sqsCtx, 'Allowed'],
    ['queue.grantConsumeMessages: a role with kms:* but no grant is refused', 'Outsider', 'kms:Decrypt', sqsCtx, 'ExplicitlyDenied'],
    ['queue.grantSendMessages: the sender generates data keys through SQS', 'QueueSender', 'kms:GenerateDataKey', sqsCtx, 'Allowed'],
    ['queue.grantSendMessages: a role with kms:* but no grant is refused', 'Outsider', 'kms:GenerateDataKey', sqsCtx, 'ExplicitlyDenied'],
    // secretsmanager.Secret.grantRead (a grant to a kms.ViaServicePrincipal)
    ['secret.grantRead: the reader decrypts through Secrets Manager', 'SecretReader', 'kms:Decrypt', smCtx, 'Allowed'],
    ['secret.grantRead: a role with kms:* but no grant is refused', 'Outsider', 'kms:Decrypt', smCtx, 'ExplicitlyDenied'],
    // The grant is bound to Secrets Manager: the same role has no Allow through S3.
    ['secret.grantRead: the reader gets no Allow through another service', 'SecretReader', 'kms:Decrypt', s3Ctx, 'ImplicitlyDenied'],
  ])('%s', async (_name, role, action, extra, expected) => {
    await expectKms(account.request(role, 'Acme', action, extra), expected);
  });

  test.each<[string, string, Partial<KmsRequest>, KmsDecision]>([
    ['shared bucket.grantRead: the tagged reader decrypts through S3', 'SharedBucketReader', { ...s3Ctx, principalTags: { tenantId: 'acme' } }, 'Allowed'],
    ['shared bucket.grantRead: a tagged role without the grant has no Allow', 'SharedOutsider', { ...s3Ctx, principalTags: { tenantId: 'acme' } }, 'ImplicitlyDenied'],
  ])('%s', async (_name, role, extra, expected) => {
    await expectKms(account.request(role, 'Shared', 'kms:Decrypt', extra), expected);
  });
});
