import { ArnFormat, CfnResource, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { skipCheckov } from '../private/checkov';
import { Component, aliasPath, logGroupPath, statementId } from '../private/names';
import { createSecureKey } from '../private/secure-key';
import { Singleton } from '../private/singleton';
import { addStackDependency } from '../private/stack-dependency';

/**
 * "Naming requirements for CloudTrail resources, S3 buckets, and KMS keys", CloudTrail
 * resource naming requirements: 3-128 characters.
 */
export const MAX_TRAIL_NAME_LENGTH = 128;
/** Room left for the Region name: the longest today, `us-isof-south-1`, has 15 characters. */
const REGION_NAME_BUDGET = 20;

/**
 * The trail's name: the construct path's letters and digits joined by `-`, a hash of the
 * path, and the stack's Region. It is fixed so the trail's ARN can be written into the
 * trail key's policy without a reference to the trail (which refers to the key: a cycle),
 * stable for as long as the construct path is, and carries the Region because a
 * multi-Region trail's name is taken in every Region: the same stack deployed to two
 * Regions of one account would otherwise collide. It keeps CloudTrail's rules (letters,
 * digits and single dashes, starting and ending with a letter or digit, at most 128
 * characters, never an IP address) for any path.
 */
export function monitorTrailName(scope: IConstruct): string {
  const base = Names.uniqueResourceName(scope, {
    maxLength: MAX_TRAIL_NAME_LENGTH - 1 - REGION_NAME_BUDGET,
    separator: '-',
    allowedSpecialCharacters: '',
  })
    // Trimmed in the middle, the name can join two separators; CloudTrail refuses adjacent ones.
    .replace(/-{2,}/g, '-');
  return `${base}-${Stack.of(scope).region}`;
}

/** The trail's ARN, built from its name: what the trail key's policy names in `aws:SourceArn`. */
export function monitorTrailArn(scope: IConstruct, trailName: string): string {
  return Stack.of(scope).formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/** The monitor that created the app's trail, per account (`<unresolved>` for an environment-agnostic stack). */
const TRAIL_OWNERS = Singleton.perApp<Map<string, Construct>>();

/**
 * The app's trail for `monitor`'s account, created under it (`<monitor>/Trail`) when it is
 * the first monitor of the app to ask; otherwise undefined, and `monitor`'s stack deploys
 * after the trail's, so its rules see events from the start.
 */
export function trailOncePerApp(monitor: Construct, removalPolicy: RemovalPolicy): { trail: cloudtrail.Trail; logGroup: logs.ILogGroup } | undefined {
  const byAccount = TRAIL_OWNERS.obtain(monitor, () => new Map());
  const account = Stack.of(monitor).account;
  const accountKey = Token.isUnresolved(account) ? '<unresolved>' : account;
  const owner = byAccount.get(accountKey);
  if (owner) {
    if (Stack.of(owner) !== Stack.of(monitor)) {
      addStackDependency(Stack.of(monitor), Stack.of(owner), 'EncryptionMonitor: the app\'s trail lives in this stack');
    }
    return undefined;
  }
  byAccount.set(accountKey, monitor);
  return new MonitorTrailResources(monitor, 'Trail', { removalPolicy }).output;
}

/** The trail the app creates once: CMK-encrypted, versioned, access-logged, with a CMK-encrypted log group. */
export class MonitorTrailResources extends Construct {
  public readonly output: { trail: cloudtrail.Trail; logGroup: logs.ILogGroup };

  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    const stack = Stack.of(this);
    const bucketDefaults = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: props.removalPolicy,
    };
    const logGroupName = `${logGroupPath(Component.CLOUDTRAIL)}/${Names.uniqueId(this)}`;
    const made = createSecureKey(this, {
      aliasName: `${aliasPath(Component.CLOUDTRAIL)}/${Names.uniqueId(this)}`,
      aliasSource: { prop: 'id', value: scope.node.id },
      defaultDescription: `Encrypts the CloudTrail logs of EncryptionMonitor ${scope.node.path}`,
      removalPolicy: props.removalPolicy,
    });
    const trailName = monitorTrailName(this);
    made.policy.allowCloudTrailLogEncryption(monitorTrailArn(this, trailName));
    made.policy.allowLogGroupEncryption(stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logs can only be delivered to a bucket with SSE-S3 encryption.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      objectLockEnabled: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      ...bucketDefaults,
    });
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: made.key,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      // Trail logs are evidence: current versions stay; overwritten or deleted versions go after a year.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365) }],
      ...bucketDefaults,
    });
    // Server access logging through a bucket policy, not the log-delivery ACL that
    // `serverAccessLogsBucket` falls back to without the S3 feature flag (CT.S3.PR.5).
    const prefix = 'trail-bucket/';
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: accessLogs.bucketName, logFilePrefix: prefix };
    accessLogs.addToResourcePolicy(new iam.PolicyStatement({
      sid: statementId('AllowServerAccessLogDelivery'),
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects(`${prefix}*`)],
      conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    for (const b of [accessLogs, bucket]) {
      // Object-level events to EventBridge (CT.S3.PR.4), set on the L1: the L2 option deploys a Lambda to do it.
      (b.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      encryptionKey: made.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy,
    });
    const trail = new cloudtrail.Trail(this, 'Trail', {
      trailName,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      bucket,
      encryptionKey: made.key,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: logGroup,
    });
    // cdk's Trail also depends on its logs role, which its GetAtt of the role already
    // implies (cfn-lint W3005); keep only the dependencies that matter: the bucket policy
    // and the role's policy must exist before CloudTrail checks it can deliver.
    const logsRolePolicy = trail.node.tryFindChild('LogsRole')?.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnResource | undefined;
    const bucketPolicy = bucket.policy?.node.defaultChild as CfnResource | undefined;
    (trail.node.defaultChild as CfnResource).addOverride('DependsOn',
      [bucketPolicy, logsRolePolicy].filter((r): r is CfnResource => r !== undefined).map(r => r.logicalId));
    this.acknowledge(accessLogs, trail);
    this.output = { trail, logGroup };
  }

  private acknowledge(accessLogs: s3.Bucket, trail: cloudtrail.Trail): void {
    const accessLogReason = 'The S3 server access log destination of the trail bucket. S3 delivers access logs only to a '
      + 'bucket with SSE-S3 encryption, and logging the log bucket would log its own deliveries without end; it is versioned, '
      + 'blocks public access and denies requests without TLS.';
    Validations.of(accessLogs).acknowledge(
      { id: 'AwsSolutions-S1', reason: accessLogReason },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: accessLogReason },
      { id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: accessLogReason },
      { id: 'PCI.DSS.321-S3BucketLoggingEnabled', reason: accessLogReason },
      { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: accessLogReason },
      { id: 'HIPAA.Security-S3DefaultEncryptionKMS', reason: accessLogReason },
      { id: 'PCI.DSS.321-S3DefaultEncryptionKMS', reason: accessLogReason },
    );
    skipCheckov(accessLogs, 'CKV_AWS_18', accessLogReason);
    const replicationReason = 'Trail logs are already copied out of the account Region by design: the trail is multi-Region '
      + 'and CloudTrail keeps 90 days of event history in every Region; cross-Region replication of these buckets is the '
      + 'user\'s choice of a second Region, not something this construct can pick.';
    const logsRole = trail.node.tryFindChild('LogsRole')?.node.tryFindChild('DefaultPolicy');
    if (logsRole) {
      const reason = 'The role CloudTrail assumes to deliver to the log group, made by cdk Trail: its only statement allows '
        + 'logs:CreateLogStream and logs:PutLogEvents on this trail\'s log group. Inline, it cannot outlive the role or be attached elsewhere.';
      Validations.of(logsRole).acknowledge(
        { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason },
        { id: 'HIPAA.Security-IAMNoInlinePolicy', reason },
        { id: 'PCI.DSS.321-IAMNoInlinePolicy', reason },
      );
    }
    for (const bucket of [accessLogs, this.node.findChild('Bucket')]) {
      Validations.of(bucket).acknowledge(
        { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: replicationReason },
        { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: replicationReason },
        { id: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: replicationReason },
      );
    }
  }
}
