import { Annotations, Duration, Lazy, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_ALIAS_LENGTH } from '../private/bounds';
import { Component, aliasPath, statementId } from '../private/names';
import { createSecureKey } from '../private/secure-key';

/**
 * Where the monitor's rules and alarms deliver, and who may deliver there. One key, one
 * topic, one queue for what must not page, one dead-letter queue: a fixed set, however
 * many keys.
 */

/** The service principals that publish to the monitor's topic and queues. */
export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';
export const EVENTS_PRINCIPAL = 'events.amazonaws.com';

/**
 * How long the non-paging queue keeps an event: it is a sink that lets a rule have a
 * documented target, not a record (CloudTrail keeps every event 90 days).
 */
export const EVENTS_QUEUE_RETENTION = Duration.days(1);
/** The dead-letter queue keeps what failed to reach the topic for the longest SQS allows. */
export const DEAD_LETTER_RETENTION = Duration.days(14);
/**
 * Receives before a message of the non-paging queue moves to the dead-letter queue: SQS's
 * maximum, so only a consumer stuck on one message moves it (CT.SQS.PR.1 wants a DLQ).
 */
export const EVENTS_QUEUE_MAX_RECEIVE_COUNT = 1000;

const MONITOR_ALIAS_PREFIX = `${aliasPath(Component.ENCRYPTION_MONITOR)}/`;

/**
 * The key of the monitor's topic and queues, its policy letting CloudWatch and EventBridge
 * use it. Its path stays `<monitor>/AlarmTopicKey`, as before the queues existed: a key that
 * moved would be a new key, and the old one retained.
 */
export function createDeliveryKey(monitor: Construct, removalPolicy?: RemovalPolicy): kms.IKey {
  const keyScope = new Construct(monitor, 'AlarmTopicKey');
  const made = createSecureKey(keyScope, {
    // uniqueResourceName equals uniqueId for paths that fit, and shortens longer ones to
    // keep the alias within KMS's 256 characters.
    aliasName: `${MONITOR_ALIAS_PREFIX}${Names.uniqueResourceName(monitor, { maxLength: MAX_ALIAS_LENGTH - MONITOR_ALIAS_PREFIX.length })}`,
    aliasSource: { prop: 'id', value: monitor.node.id },
    defaultDescription: `Encrypts the alarm topic and queues of EncryptionMonitor ${monitor.node.path}`,
    removalPolicy,
  });
  made.policy.allowServicesToPublishEncryptedMessages([CLOUDWATCH_PRINCIPAL, EVENTS_PRINCIPAL]);
  return made.key;
}

/** The monitor's own topic, encrypted with `key`, TLS only, that the account's alarms may publish to. */
export function createAlarmTopic(monitor: Construct, key: kms.IKey): sns.Topic {
  const topic = new sns.Topic(monitor, 'AlarmTopic', {
    masterKey: key,
    enforceSSL: true,
    displayName: 'EncryptionMonitor alarms',
  });
  allowCloudWatchAlarms(topic);
  return topic;
}

/** Who the monitor's topic notifies (the monitor's props of the same names). */
export interface TopicSubscribers {
  readonly alarmEmails?: string[];
  readonly slackChannels?: chatbot.SlackChannelConfiguration[];
  readonly teamsChannels?: chatbot.CfnMicrosoftTeamsChannelConfiguration[];
}

/** Subscribes each email address (validated by the monitor) and adds the topic to each Chatbot channel. */
export function subscribe(topic: sns.ITopic, subscribers: TopicSubscribers): void {
  for (const email of subscribers.alarmEmails ?? []) {
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  for (const channel of subscribers.slackChannels ?? []) {
    channel.addNotificationTopic(topic);
  }
  for (const channel of subscribers.teamsChannels ?? []) {
    channel.snsTopicArns = [...(channel.snsTopicArns ?? []), topic.topicArn];
  }
}

/**
 * An alarm nobody receives is a finding: say so at synth, as information (a warning fails
 * `cdk synth --strict`), when the monitor made `topic` (`ownTopic`) and nothing subscribes.
 * Returns no validation error.
 */
export function noteMissingSubscriber(monitor: Construct, topic: sns.ITopic, ownTopic: boolean, subscribers: TopicSubscribers): string[] {
  // A subscription may live under its endpoint's scope (SqsSubscription), even in another stack.
  const topicArn = topic.topicArn;
  const subscribed = monitor.node.root.node.findAll().some(c => c instanceof sns.CfnSubscription && c.topicArn === topicArn)
    || (subscribers.slackChannels ?? []).length > 0 || (subscribers.teamsChannels ?? []).length > 0;
  if (ownTopic && topic instanceof sns.Topic && !subscribed) {
    Annotations.of(monitor).addInfo(`${monitor.node.path}: the alarm topic has no subscriber, so its alarms and events notify no one: `
      + 'pass `alarmEmails`, `slackChannels` or `teamsChannels`, subscribe to `alarmTopic`, or pass an `alarmTopic` of your own.');
  }
  return [];
}

/** The queues the monitor's rules deliver to. */
export interface MonitorQueues {
  /** Events that must not page: counts (refused calls) and routine deploys. */
  readonly eventsQueue: sqs.Queue;
  /** Events EventBridge could not deliver to any target. */
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * The two queues, encrypted with `key` (whose policy lets EventBridge use it), TLS only:
 * the dead-letter queue lets every rule of the monitor (`allRuleArns`) send to it, the
 * events queue only the rules that target it (`queueRuleArns`); both read at synthesis.
 */
export function createMonitorQueues(scope: Construct, key: kms.IKey, allRuleArns: () => string[], queueRuleArns: () => string[]): MonitorQueues {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
    // A dead-letter queue for EventBridge and for the events queue (CT.SQS.PR.1).
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
  });
  const eventsQueue = new sqs.Queue(scope, 'EventsQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: EVENTS_QUEUE_RETENTION,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: EVENTS_QUEUE_MAX_RECEIVE_COUNT },
  });
  deadLetterQueue.addToResourcePolicy(allowEventBridgeFromRules(['sqs:SendMessage'], deadLetterQueue.queueArn, allRuleArns));
  eventsQueue.addToResourcePolicy(allowEventBridgeFromRules(['sqs:SendMessage'], eventsQueue.queueArn, queueRuleArns));
  return { eventsQueue, deadLetterQueue };
}

/**
 * Allows `cloudwatch.amazonaws.com` to publish from this account's alarms in this Region
 * (ArnLike `aws:SourceArn` `arn:<partition>:cloudwatch:<region>:<account>:alarm:*`, the
 * CloudWatch example of the Amazon SNS Developer Guide, "Example cases for Amazon SNS
 * access control"). A topic policy replaces SNS's default policy: without this statement
 * every alarm action fails.
 */
export function allowCloudWatchAlarms(topic: sns.Topic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: statementId('AllowCloudWatchAlarmsOfThisAccount'),
    principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: { ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` } },
  }));
}

/** Allows `events.amazonaws.com` to publish to `topic` from the rules in `ruleArns` only (read at synthesis). */
export function allowEventBridgeRules(topic: sns.Topic, ruleArns: () => string[]): void {
  topic.addToResourcePolicy(allowEventBridgeFromRules(['sns:Publish'], topic.topicArn, ruleArns));
}

function allowEventBridgeFromRules(actions: string[], resource: string, ruleArns: () => string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: statementId('AllowMonitorRules'),
    principals: [new iam.ServicePrincipal(EVENTS_PRINCIPAL)],
    actions,
    resources: [resource],
    conditions: { ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => ruleArns() }) } },
  });
}

/**
 * A rule target. Targets that publish to SNS carry no `RoleArn`: EventBridge's documentation
 * warns that delivery to an SNS topic may fail with a role, especially to a KMS-encrypted
 * topic ("Amazon EventBridge targets": Amazon SNS). The topic policy allows the rule instead.
 */
export function ruleTarget(id: string, arn: string, deadLetterQueue: sqs.IQueue,
  inputTransformer?: events.CfnRule.InputTransformerProperty): events.CfnRule.TargetProperty {
  return { id, arn, deadLetterConfig: { arn: deadLetterQueue.queueArn }, ...(inputTransformer ? { inputTransformer } : {}) };
}
