// EncStd-S1, S2, DDB1, SQS1, SNS1, CWL1, EBS1, RDS1, EFS1, KDS1 on data stores made
// with plain aws-cdk-lib. A compliant resource uses a key of the same stack.
import { Aws, CfnCondition, CfnParameter, Fn, Size, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance } from 'cdk-nag';
import { sqsCustomerManagedKey } from '../../../src/nag/rules/sqs-cmk';
import { idsOn, newStack } from '../enc-std';

function keyOf(stack: Stack): kms.Key {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  key.addAlias('alias/data');
  return key;
}

/** A parameter standing for a key ARN: known only at deploy time. */
function keyParameter(stack: Stack): string {
  return new CfnParameter(stack, 'KeyArn', { type: 'String' }).valueAsString;
}

describe('EncStd-S1 S3 bucket with a customer managed key', () => {
  test('passes SSE-KMS with a key of the stack', () => {
    const stack = newStack();
    expect(idsOn(new s3.Bucket(stack, 'B', { encryption: s3.BucketEncryption.KMS, encryptionKey: keyOf(stack), bucketKeyEnabled: true }))).toEqual([]);
  });

  test('passes DSSE-KMS with a key (bucket keys do not apply)', () => {
    const stack = newStack();
    expect(idsOn(new s3.Bucket(stack, 'B', { encryption: s3.BucketEncryption.DSSE, encryptionKey: keyOf(stack) }))).toEqual([]);
  });

  test.each([
    ['no encryption setting (SSE-S3)', {}, ['EncStd-S1']],
    ['S3_MANAGED', { encryption: s3.BucketEncryption.S3_MANAGED }, ['EncStd-S1']],
    // SSE-KMS all the same, so the missing bucket key is reported too.
    ['KMS_MANAGED (aws/s3)', { encryption: s3.BucketEncryption.KMS_MANAGED }, ['EncStd-S1', 'EncStd-S2']],
  ])('fails %s', (_name, props, expected) => {
    expect(idsOn(new s3.Bucket(newStack(), 'B', props))).toEqual(expected);
  });

  test('fails an L1 bucket naming alias/aws/s3', () => {
    const bucket = new s3.CfnBucket(newStack(), 'B', {
      bucketEncryption: { serverSideEncryptionConfiguration: [{ bucketKeyEnabled: true, serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'alias/aws/s3' } }] },
    });
    expect(idsOn(bucket)).toEqual(['EncStd-S1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    const bucket = new s3.CfnBucket(stack, 'B', {
      bucketEncryption: { serverSideEncryptionConfiguration: [{ bucketKeyEnabled: true, serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyParameter(stack) } }] },
    });
    expect(idsOn(bucket)).toEqual([]);
  });
});

describe('EncStd-S2 S3 Bucket Keys', () => {
  test('fails SSE-KMS without a bucket key', () => {
    const stack = newStack();
    expect(idsOn(new s3.Bucket(stack, 'B', { encryption: s3.BucketEncryption.KMS, encryptionKey: keyOf(stack) }))).toEqual(['EncStd-S2']);
  });

  test('passes SSE-KMS with a bucket key, and leaves non-KMS buckets to S1', () => {
    const stack = newStack();
    const withKey = new s3.Bucket(stack, 'B', { encryption: s3.BucketEncryption.KMS, encryptionKey: keyOf(stack), bucketKeyEnabled: true });
    const sseS3 = new s3.Bucket(stack, 'C', { encryption: s3.BucketEncryption.S3_MANAGED });
    expect(idsOn(withKey)).toEqual([]);
    expect(idsOn(sseS3)).toEqual(['EncStd-S1']);
  });

  test('is N/A when BucketKeyEnabled is a parameter', () => {
    const stack = newStack();
    const enabled = new CfnParameter(stack, 'BucketKey', { type: 'String' });
    const bucket = new s3.CfnBucket(stack, 'B', {
      bucketEncryption: { serverSideEncryptionConfiguration: [{ bucketKeyEnabled: enabled.valueAsString as any, serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyOf(stack).keyArn } }] },
    });
    expect(idsOn(bucket)).toEqual([]);
  });
});

describe('EncStd-DDB1 DynamoDB', () => {
  const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };

  test('passes a table and a TableV2 with a customer managed key', () => {
    const stack = newStack();
    const key = keyOf(stack);
    const table = new dynamodb.Table(stack, 'T', { partitionKey, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });
    const v2 = new dynamodb.TableV2(stack, 'V2', { partitionKey, encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) });
    expect(idsOn(table)).toEqual([]);
    expect(idsOn(v2)).toEqual([]);
  });

  test.each([
    ['the default (AWS owned key)', {}],
    ['AWS_MANAGED (aws/dynamodb)', { encryption: dynamodb.TableEncryption.AWS_MANAGED }],
  ])('fails a table with %s', (_name, props) => {
    expect(idsOn(new dynamodb.Table(newStack(), 'T', { partitionKey, ...props }))).toEqual(['EncStd-DDB1']);
  });

  test('fails a TableV2 with the AWS managed key', () => {
    expect(idsOn(new dynamodb.TableV2(newStack(), 'T', { partitionKey, encryption: dynamodb.TableEncryptionV2.awsManagedKey() }))).toEqual(['EncStd-DDB1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    const table = new dynamodb.CfnTable(stack, 'T', {
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
      sseSpecification: { sseEnabled: true, sseType: 'KMS', kmsMasterKeyId: keyParameter(stack) },
    });
    expect(idsOn(table)).toEqual([]);
  });
});

describe('EncStd-SQS1 SQS', () => {
  test('passes a queue with a customer managed key', () => {
    const stack = newStack();
    expect(idsOn(new sqs.Queue(stack, 'Q', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: keyOf(stack) }))).toEqual([]);
  });

  test.each([
    ['the default', {}],
    ['SSE-SQS', { encryption: sqs.QueueEncryption.SQS_MANAGED }],
    ['alias/aws/sqs', { encryption: sqs.QueueEncryption.KMS_MANAGED }],
    ['no encryption', { encryption: sqs.QueueEncryption.UNENCRYPTED }],
  ])('fails %s', (_name, props) => {
    expect(idsOn(new sqs.Queue(newStack(), 'Q', props))).toEqual(['EncStd-SQS1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    expect(idsOn(new sqs.CfnQueue(stack, 'Q', { kmsMasterKeyId: keyParameter(stack) }))).toEqual([]);
  });
});

describe('EncStd-SNS1 SNS', () => {
  test('passes a topic with a customer managed key, also through a customer alias of the stack', () => {
    const stack = newStack();
    const key = keyOf(stack);
    const alias = new kms.Alias(stack, 'TopicAlias', { aliasName: 'alias/topics', targetKey: key });
    const direct = new sns.Topic(stack, 'T', { masterKey: key });
    const viaAlias = new sns.CfnTopic(stack, 'U', { kmsMasterKeyId: alias.aliasName });
    expect(idsOn(direct)).toEqual([]);
    expect(idsOn(viaAlias)).toEqual([]);
  });

  test('fails an unencrypted topic and alias/aws/sns', () => {
    const stack = newStack();
    const plain = new sns.Topic(stack, 'T');
    const managed = new sns.Topic(stack, 'U', { masterKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns') });
    expect(idsOn(plain)).toEqual(['EncStd-SNS1']);
    expect(idsOn(managed)).toEqual(['EncStd-SNS1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    expect(idsOn(new sns.CfnTopic(stack, 'T', { kmsMasterKeyId: keyParameter(stack) }))).toEqual([]);
  });
});

describe('EncStd-CWL1 CloudWatch Logs', () => {
  test('passes a log group with a customer managed key', () => {
    const stack = newStack();
    expect(idsOn(new logs.LogGroup(stack, 'L', { encryptionKey: keyOf(stack) }))).toEqual([]);
  });

  test('fails a log group without a key', () => {
    expect(idsOn(new logs.LogGroup(newStack(), 'L'))).toEqual(['EncStd-CWL1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    expect(idsOn(new logs.CfnLogGroup(stack, 'L', { kmsKeyId: keyParameter(stack) }))).toEqual([]);
  });
});

describe('EncStd-EBS1 EBS volumes', () => {
  const base = { availabilityZone: 'eu-west-1a', size: 8 };

  test('passes an encrypted volume with a customer managed key', () => {
    const stack = newStack();
    expect(idsOn(new ec2.Volume(stack, 'V', { availabilityZone: 'eu-west-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: keyOf(stack) }))).toEqual([]);
  });

  test('fails an unencrypted volume and one under aws/ebs', () => {
    const stack = newStack();
    const plain = new ec2.CfnVolume(stack, 'V', { ...base });
    const managed = new ec2.CfnVolume(stack, 'W', { ...base, encrypted: true });
    expect(idsOn(plain)).toEqual(['EncStd-EBS1']);
    expect(idsOn(managed)).toEqual(['EncStd-EBS1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    expect(idsOn(new ec2.CfnVolume(stack, 'V', { ...base, encrypted: true, kmsKeyId: keyParameter(stack) }))).toEqual([]);
  });
});

describe('EncStd-RDS1 RDS', () => {
  test('passes an L2 instance with a storage encryption key', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const db = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncryptionKey: keyOf(stack),
    });
    expect(idsOn(db)).toEqual([]);
  });

  test('fails an unencrypted instance, and a cluster under aws/rds', () => {
    const stack = newStack();
    const instance = new rds.CfnDBInstance(stack, 'I', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20' });
    const cluster = new rds.CfnDBCluster(stack, 'C', { engine: 'aurora-postgresql', storageEncrypted: true });
    expect(idsOn(instance)).toEqual(['EncStd-RDS1']);
    expect(idsOn(cluster)).toEqual(['EncStd-RDS1']);
  });

  test('passes a cluster with a key, and leaves its instances (inheriting) N/A', () => {
    const stack = newStack();
    const cluster = new rds.CfnDBCluster(stack, 'C', { engine: 'aurora-postgresql', storageEncrypted: true, kmsKeyId: keyOf(stack).keyArn });
    const member = new rds.CfnDBInstance(stack, 'M', { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref });
    expect(idsOn(cluster)).toEqual([]);
    expect(idsOn(member)).toEqual([]);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    expect(idsOn(new rds.CfnDBCluster(stack, 'C', { engine: 'aurora-postgresql', storageEncrypted: true, kmsKeyId: keyParameter(stack) }))).toEqual([]);
  });
});

describe('EncStd-EFS1 EFS', () => {
  test('passes an L2 file system with a customer managed key', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    expect(idsOn(new efs.FileSystem(stack, 'F', { vpc, encrypted: true, kmsKey: keyOf(stack) }))).toEqual([]);
  });

  test('fails the L2 default (aws/elasticfilesystem) and an unencrypted L1', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const managed = new efs.FileSystem(stack, 'F', { vpc });
    const plain = new efs.CfnFileSystem(stack, 'G', {});
    expect(idsOn(managed)).toEqual(['EncStd-EFS1']);
    expect(idsOn(plain)).toEqual(['EncStd-EFS1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    expect(idsOn(new efs.CfnFileSystem(stack, 'F', { encrypted: true, kmsKeyId: keyParameter(stack) }))).toEqual([]);
  });
});

describe('EncStd-KDS1 Kinesis', () => {
  test('passes a stream with a customer managed key', () => {
    const stack = newStack();
    expect(idsOn(new kinesis.Stream(stack, 'S', { encryption: kinesis.StreamEncryption.KMS, encryptionKey: keyOf(stack) }))).toEqual([]);
  });

  test.each([
    ['the L2 default', {}],
    ['MANAGED (alias/aws/kinesis)', { encryption: kinesis.StreamEncryption.MANAGED }],
    ['UNENCRYPTED', { encryption: kinesis.StreamEncryption.UNENCRYPTED }],
  ])('fails %s', (_name, props) => {
    expect(idsOn(new kinesis.Stream(newStack(), 'S', props))).toEqual(['EncStd-KDS1']);
  });

  test('fails an environment-agnostic default stream (Fn::If on unsupported Regions)', () => {
    expect(idsOn(new kinesis.Stream(newStack({}), 'S'))).toEqual(['EncStd-KDS1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    expect(idsOn(new kinesis.CfnStream(stack, 'S', { shardCount: 1, streamEncryption: { encryptionType: 'KMS', keyId: keyParameter(stack) } }))).toEqual([]);
  });
});

describe('how a key reference is classified (shown on the SQS1 rule, verdicts exact)', () => {
  /** The key set through an escape hatch, so raw intrinsics are allowed too. */
  function queueWithKey(stack: Stack, id: string, kmsMasterKeyId: unknown): sqs.CfnQueue {
    const queue = new sqs.CfnQueue(stack, id);
    queue.addPropertyOverride('KmsMasterKeyId', kmsMasterKeyId);
    return queue;
  }

  test('Fn::Sub and Fn::Join over a key of the stack, or over pseudo parameters, name a customer managed key', () => {
    const stack = newStack();
    const key = keyOf(stack);
    const keyLogicalId = stack.resolve((key.node.defaultChild as kms.CfnKey).logicalId);
    const queues = [
      queueWithKey(stack, 'SubVariable', Fn.sub('${KeyArn}', { KeyArn: key.keyArn })),
      queueWithKey(stack, 'SubInline', { 'Fn::Sub': `\${${keyLogicalId}.Arn}` }),
      queueWithKey(stack, 'Literal', Fn.sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab')),
      queueWithKey(stack, 'Join', Fn.join('', ['arn:aws:kms:eu-west-1:111111111111:key/', key.keyId])),
    ];
    for (const queue of queues) {
      expect([queue.node.id, sqsCustomerManagedKey(queue)]).toEqual([queue.node.id, NagRuleCompliance.COMPLIANT]);
    }
  });

  test('an AWS managed alias is found inside Fn::Sub, and through an alias resource of the stack', () => {
    const stack = newStack();
    const sub = queueWithKey(stack, 'Sub', Fn.sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/sqs'));
    const managedAlias = new kms.CfnAlias(stack, 'ManagedAlias', { aliasName: 'alias/aws/sqs', targetKeyId: keyOf(stack).keyId });
    const viaAlias = queueWithKey(stack, 'ViaAlias', managedAlias.ref);
    expect(sqsCustomerManagedKey(sub)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(sqsCustomerManagedKey(viaAlias)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(idsOn(sub)).toEqual(['EncStd-SQS1']);
  });

  test('a condition counts as its worst branch', () => {
    const stack = newStack();
    const isProd = new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const key = keyOf(stack);
    const either = queueWithKey(stack, 'Either', Fn.conditionIf(isProd.logicalId, key.keyArn, Aws.NO_VALUE));
    const both = queueWithKey(stack, 'Both', Fn.conditionIf(isProd.logicalId, key.keyArn, key.keyId));
    expect(sqsCustomerManagedKey(either)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(sqsCustomerManagedKey(both)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a parameter, an import, a non-key attribute and an alias named by a parameter are N/A', () => {
    const stack = newStack();
    const notAKey = new sqs.CfnQueue(stack, 'NotAKey');
    const aliasName = new CfnParameter(stack, 'AliasName', { type: 'String' });
    const paramAlias = new kms.CfnAlias(stack, 'ParamAlias', { aliasName: aliasName.valueAsString, targetKeyId: keyOf(stack).keyId });
    const queues = [
      queueWithKey(stack, 'Param', keyParameter(stack)),
      queueWithKey(stack, 'Import', Fn.importValue('SharedKeyArn')),
      queueWithKey(stack, 'Attr', notAKey.attrArn),
      queueWithKey(stack, 'ParamAliasRef', paramAlias.ref),
      queueWithKey(stack, 'SubParam', Fn.sub('${Prefix}/key', { Prefix: aliasName.valueAsString })),
    ];
    for (const queue of queues) {
      expect([queue.node.id, sqsCustomerManagedKey(queue)]).toEqual([queue.node.id, NagRuleCompliance.NOT_APPLICABLE]);
    }
    expect(sqsCustomerManagedKey(notAKey)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('resources of other types are N/A', () => {
    expect(sqsCustomerManagedKey(new sns.CfnTopic(newStack(), 'T'))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});
