import * as events from 'aws-cdk-lib/aws-events';

/**
 * The messages the monitor's one-off events send to the alarm topic, in AWS Chatbot's
 * custom notification format ("Custom notifications using Amazon Q Developer in chat
 * applications": `version` "1.0", `source` "custom", `content` with `textType`, `title`,
 * `description`, `nextSteps`, `keywords`; `metadata` with `summary`, `eventType`,
 * `relatedResources`). Chatbot drops free text; this JSON renders in Slack and Teams, and
 * an email subscriber reads the same fields. See docs/decisions/0010-monitor-notifications.md.
 */

/** What kind of resource a one-off event is about, which decides where its name is read. */
export enum NotifiedResource {
  /** A KMS key: CloudTrail names it in `resources[0].ARN`, whatever the caller passed. */
  KEY = 'KEY',
  /** A KMS alias: `requestParameters.aliasName` (UpdateAlias's resources list the new key, not the old). */
  ALIAS = 'ALIAS',
  /** A Secrets Manager secret: its rotation outcome names it in `additionalEventData.SecretId`. */
  SECRET = 'SECRET',
}

/** Where each kind of resource is named in its CloudTrail event. */
const RESOURCE_PATH: Record<NotifiedResource, string> = {
  [NotifiedResource.KEY]: '$.detail.resources[0].ARN',
  [NotifiedResource.ALIAS]: '$.detail.requestParameters.aliasName',
  [NotifiedResource.SECRET]: '$.detail.additionalEventData.SecretId',
};

/** The fields every notification reads from the event (EventBridge input paths). */
const COMMON_PATHS = {
  event: '$.detail.eventName',
  eventId: '$.detail.eventID',
  time: '$.time',
  region: '$.region',
  account: '$.account',
};

/** What a notification says: its title and what to do next. */
export interface NotificationText {
  /** One line, e.g. "KMS key lifecycle change". */
  readonly title: string;
  /** What to check or do, most urgent first. */
  readonly nextSteps: string[];
}

/**
 * The input transformer for a rule whose events are about `resource`. Every message names
 * the resource, the event, who made it (`userIdentity.arn`; Secrets Manager itself for
 * rotation outcomes, which have no caller), the time, Region and account, and links to the
 * event in the CloudTrail console.
 */
export function chatbotNotification(resource: NotifiedResource, text: NotificationText): events.CfnRule.InputTransformerProperty {
  const withCaller = resource !== NotifiedResource.SECRET;
  const inputPathsMap: Record<string, string> = {
    resource: RESOURCE_PATH[resource],
    ...COMMON_PATHS,
    ...(withCaller ? { caller: '$.detail.userIdentity.arn' } : {}),
  };
  const by = withCaller ? '<caller>' : 'Secrets Manager (rotation)';
  const link = 'https://console.aws.amazon.com/cloudtrailv2/home?region=<region>#/events/<eventId>';
  const message = {
    version: '1.0',
    source: 'custom',
    id: '<eventId>',
    content: {
      textType: 'client-markdown',
      title: `${text.title}: <event> on <resource>`,
      description: `*Resource:* <resource>\n*Event:* <event>\n*By:* ${by}\n*When:* <time>\n*Where:* account <account>, <region>\n*CloudTrail:* ${link}`,
      nextSteps: [...text.nextSteps, `Open the event in CloudTrail: ${link}`],
      keywords: ['EncryptionMonitor', '<event>'],
    },
    metadata: {
      summary: `<event> on <resource> by ${by}`,
      eventType: '<event>',
      relatedResources: ['<resource>'],
    },
  };
  return { inputPathsMap, inputTemplate: JSON.stringify(message) };
}
