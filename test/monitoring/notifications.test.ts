// The one-off notifications, rendered as EventBridge's input transformer would render them
// from sample CloudTrail events, and checked against AWS Chatbot's custom notification
// schema ("Custom notifications using Amazon Q Developer in chat applications": Event
// schema; `version` must be "1.0", `source` must be "custom").
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { EncryptionMonitor, MonitorTrail } from '../../src/monitoring/encryption-monitor';
import { NotifiedResource, chatbotNotification } from '../../src/monitoring/notifications';

const ACCOUNT = '111111111111';
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`;
const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/admin/alice`;
const EVENT_ID = 'e5b1a1c2-0000-4000-8000-000000000000';

/** What EventBridge does with an InputTransformer: each `<name>` in the template becomes the value at its path. */
function transform(transformer: { InputPathsMap: Record<string, string>; InputTemplate: string }, sample: unknown): any {
  const read = (path: string): string => {
    const value = path.replace(/^\$\./, '').split(/\.|\[(\d+)\]/).filter(Boolean)
      .reduce<any>((at, part) => at?.[/^\d+$/.test(part) ? Number(part) : part], sample);
    if (typeof value !== 'string') {
      throw new Error(`${path} is not a string in the sample event: ${JSON.stringify(value)}`);
    }
    return value;
  };
  const rendered = transformer.InputTemplate.replace(/<(\w+)>/g, (whole, name) =>
    name in transformer.InputPathsMap ? read(transformer.InputPathsMap[name]) : whole);
  return JSON.parse(rendered);
}

function event(detail: Record<string, unknown>): Record<string, unknown> {
  return { 'version': '0', 'id': 'x', 'detail-type': 'AWS API Call via CloudTrail', 'account': ACCOUNT, 'time': '2026-01-01T12:00:00Z', 'region': 'eu-west-1', 'resources': [], detail };
}

function transformers(): Record<string, any> {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const monitor = new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() });
  monitor.monitorKey(kms.Key.fromKeyArn(stack, 'Key', KEY), 'alias/tenant/acme');
  monitor.monitorSecret(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET));
  const rules = Template.fromStack(stack).findResources('AWS::Events::Rule');
  return Object.fromEntries(Object.entries<any>(rules)
    .filter(([, r]) => r.Properties.Targets[0].InputTransformer)
    .map(([id, r]) => [/^Monitor(\w+?)Rule/.exec(id)![1], r.Properties.Targets[0].InputTransformer]));
}

const samples: Record<string, [Record<string, unknown>, string, string]> = {
  KeyLifecycle: [event({ eventName: 'ScheduleKeyDeletion', eventID: EVENT_ID, userIdentity: { arn: CALLER }, resources: [{ ARN: KEY }] }), KEY, CALLER],
  AliasChanges: [event({ eventName: 'UpdateAlias', eventID: EVENT_ID, userIdentity: { arn: CALLER }, requestParameters: { aliasName: 'alias/tenant/acme' } }), 'alias/tenant/acme', CALLER],
  RotationFailures: [event({ eventName: 'RotationFailed', eventID: EVENT_ID, userIdentity: { invokedBy: 'secretsmanager.amazonaws.com' }, additionalEventData: { SecretId: SECRET } }), SECRET, 'Secrets Manager'],
};

describe('every one-off rule sends a Chatbot custom notification', () => {
  const all = transformers();

  test('the paging rules are the ones with a transformer', () => {
    expect(Object.keys(all).sort()).toEqual(['AliasChanges', 'KeyLifecycle', 'RotationFailures']);
  });

  test.each(Object.keys(samples))('%s: the schema Chatbot requires, naming resource, event, caller, time, Region, account and a console link', (name) => {
    const [sample, resource, caller] = samples[name];
    const message = transform(all[name], sample);
    const eventName = (sample.detail as any).eventName;

    expect(message).toEqual({
      version: '1.0',
      source: 'custom',
      id: EVENT_ID,
      content: {
        textType: 'client-markdown',
        title: expect.stringContaining(`${eventName} on ${resource}`),
        description: expect.any(String),
        nextSteps: expect.arrayContaining([`Open the event in CloudTrail: https://console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/${EVENT_ID}`]),
        keywords: ['EncryptionMonitor', eventName],
      },
      metadata: { summary: expect.stringContaining(caller), eventType: eventName, relatedResources: [resource] },
    });
    for (const fact of [resource, eventName, caller, '2026-01-01T12:00:00Z', 'eu-west-1', `account ${ACCOUNT}`, EVENT_ID]) {
      expect(message.content.description).toContain(fact);
    }
  });

  test('every placeholder of every template is an input path (none left for EventBridge to send verbatim)', () => {
    for (const transformer of Object.values(all)) {
      const placeholders = [...transformer.InputTemplate.matchAll(/<(\w+)>/g)].map((m: RegExpMatchArray) => m[1]);
      expect(placeholders.filter((p: string) => !(p in transformer.InputPathsMap))).toEqual([]);
    }
  });
});

test('a secret\'s notification reads no caller: rotation outcomes have no userIdentity.arn', () => {
  expect(chatbotNotification(NotifiedResource.SECRET, { title: 't', nextSteps: [] }).inputPathsMap).not.toHaveProperty('caller');
  expect(chatbotNotification(NotifiedResource.KEY, { title: 't', nextSteps: [] }).inputPathsMap).toHaveProperty('caller', '$.detail.userIdentity.arn');
});
