// Who may publish to the monitor's alarm topic, evaluated on the synthesized topic policy.
// A topic policy replaces SNS's default policy, so each publisher the monitor relies on
// needs an Allow of its own: CloudWatch for this account's alarms (the Amazon SNS
// Developer Guide's example for CloudWatch alarms: ArnLike aws:SourceArn
// arn:<partition>:cloudwatch:<region>:<account>:alarm:*) and EventBridge for the monitor's
// own rules. Every denial has its control beside it: the same request with one fact changed.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EncryptionMonitor, MonitorTrail } from '../../src/monitoring/encryption-monitor';
import { CfnTemplate, FAKE_ENV, resolveIntrinsics } from '../helpers/resolve-template';
import { Caller, Decision, simulateResource } from '../helpers/simulate-resource-policy';

const ACCOUNT = FAKE_ENV.account;
const REGION = FAKE_ENV.region;
const OTHER_ACCOUNT = '999999999999';
const ALARM = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:EncryptionMonitor-DeniedDecrypts`;

const template = (() => {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
  new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing() })
    .monitorKey(kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`), 'alias/tenant/acme');
  return Template.fromStack(stack).toJSON() as { Resources: Record<string, any> };
})();
const topicId = Object.keys(template.Resources).find(id => template.Resources[id].Type === 'AWS::SNS::Topic')!;
const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:${topicId}`;
/** A rule's ARN once deployed (the shared resolver knows keys and IAM identities only). */
const ruleArnOf = (logicalId: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${logicalId}`;
/** The topic policy, with the topic's Ref and the rules' ARNs resolved. */
const topicPolicy = (() => {
  const [id, policy] = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::SNS::TopicPolicy')!;
  const concrete = JSON.parse(JSON.stringify(policy.Properties.PolicyDocument), (_k, v) => {
    if (v && typeof v === 'object' && v.Ref === topicId) return topicArn;
    const getAtt = v && typeof v === 'object' ? v['Fn::GetAtt'] : undefined;
    return getAtt && template.Resources[getAtt[0]]?.Type === 'AWS::Events::Rule' ? ruleArnOf(getAtt[0]) : v;
  });
  return resolveIntrinsics(concrete, template as CfnTemplate, id);
})();
const ruleArn = (name: string) => ruleArnOf(Object.keys(template.Resources).find(r => new RegExp(`^Monitor${name}Rule[0-9A-F]{8}$`).test(r))!);

const publish = (caller: Caller, context: Record<string, string> = {}, identityPolicies?: unknown[]): Promise<Decision> =>
  simulateResource({ resourcePolicy: topicPolicy, resourceArn: topicArn, caller, action: 'sns:Publish', context, identityPolicies });
const publishAnything = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] }];

describe('CloudWatch: this account\'s alarms in this Region only', () => {
  test('an alarm of this account publishes', async () => {
    expect(await publish({ service: 'cloudwatch.amazonaws.com' }, { 'aws:SourceArn': ALARM })).toBe('Allowed');
  });

  test.each([
    ['an alarm of another account', `arn:aws:cloudwatch:${REGION}:${OTHER_ACCOUNT}:alarm:x`],
    ['an alarm of this account in another Region', `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:x`],
    ['a CloudWatch resource that is not an alarm', `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:dashboard/x`],
  ])('%s does not', async (_name, sourceArn) => {
    expect(await publish({ service: 'cloudwatch.amazonaws.com' }, { 'aws:SourceArn': sourceArn })).toBe('ImplicitlyDenied');
  });
});

describe('EventBridge: the monitor\'s paging rules only', () => {
  test.each(['KeyLifecycle', 'AliasChanges'])('the %s rule publishes', async (name) => {
    expect(await publish({ service: 'events.amazonaws.com' }, { 'aws:SourceArn': ruleArn(name) })).toBe('Allowed');
  });

  test.each([
    ['a rule that delivers to the queue, not the topic', () => ruleArn('DeniedDecrypts')],
    ['another rule of this account', () => `arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses-rule`],
    ['a rule of another account', () => `arn:aws:events:${REGION}:${OTHER_ACCOUNT}:rule/x`],
  ])('%s does not', async (_name, sourceArn) => {
    expect(await publish({ service: 'events.amazonaws.com' }, { 'aws:SourceArn': sourceArn() })).toBe('ImplicitlyDenied');
  });
});

describe('nobody else publishes', () => {
  test('anonymous', async () => {
    expect(await publish('anonymous')).toBe('ImplicitlyDenied');
  });

  test('a role of another account, whatever its own IAM policy allows', async () => {
    expect(await publish({ arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/attacker` }, {}, publishAnything)).toBe('ImplicitlyDenied');
  });

  test('control: a role of this account with sns:Publish in IAM publishes (the policy adds no account-wide Deny)', async () => {
    expect(await publish({ arn: `arn:aws:iam::${ACCOUNT}:role/operator` }, {}, publishAnything)).toBe('Allowed');
  });
});

describe('TLS only', () => {
  test('an allowed publisher without TLS is refused', async () => {
    expect(await publish({ service: 'cloudwatch.amazonaws.com' }, { 'aws:SourceArn': ALARM, 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
    expect(await publish({ service: 'events.amazonaws.com' }, { 'aws:SourceArn': ruleArn('KeyLifecycle'), 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
  });
});
