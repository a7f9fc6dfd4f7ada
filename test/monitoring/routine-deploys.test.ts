// Which KMS key and alias changes page, and which are routine deploys sent to the
// non-paging queue, shown on the synthesized patterns with AWS's own matcher (event-ruler).
// A call is routine only when CloudFormation made it (`userIdentity.invokedBy`) AND as a
// known deploying role (`userIdentity.sessionContext.sessionIssuer.arn`): `invokedBy` alone
// is set for any stack, including one run by someone without a deployment role.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EncryptionMonitor, MonitorTrail } from '../../src/monitoring/encryption-monitor';
import { matchEvents } from '../helpers/event-ruler';
import { FAKE_ENV, resolveIntrinsics } from '../helpers/resolve-template';

const ACCOUNT = FAKE_ENV.account;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
const ALIAS = 'alias/tenant/acme';
/** The bootstrap's CloudFormation execution role, which the DefaultStackSynthesizer names. */
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`;
/** A pipeline's role the user names in `deployingRoleArns`. */
const PIPELINE_ROLE = `arn:aws:iam::${ACCOUNT}:role/pipeline-deploy`;
const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/someone-with-cloudformation`;

type Identity = Record<string, unknown>;
const person: Identity = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/alice`,
  sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/admin` } },
};
const cloudFormationAs = (roleArn: string): Identity => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleArn.split('/').pop()}/AWSCloudFormation`,
  invokedBy: 'cloudformation.amazonaws.com',
  sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn } },
});
/** CloudFormation run with an IAM user's own credentials: no session, so no sessionIssuer. */
const cloudFormationAsUser: Identity = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/bob`, invokedBy: 'cloudformation.amazonaws.com' };

/** A KMS management call as EventBridge delivers it from CloudTrail. */
function kmsCall(eventName: string, userIdentity: Identity, requestParameters: Record<string, unknown>,
  resources: string[]): Record<string, unknown> {
  return {
    'version': '0',
    'id': `${eventName}-event`,
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.kms',
    'account': ACCOUNT,
    'time': '2026-01-01T00:00:00Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': {
      eventVersion: '1.10',
      userIdentity: { accountId: ACCOUNT, ...userIdentity },
      eventTime: '2026-01-01T00:00:00Z',
      eventSource: 'kms.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      requestParameters,
      responseElements: null,
      resources: resources.map(arn => ({ accountId: ACCOUNT, type: arn.includes(':alias/') ? 'AWS::KMS::Alias' : 'AWS::KMS::Key', ARN: arn })),
      eventID: 'e5b1a1c2-0000-4000-8000-000000000000',
      eventType: 'AwsApiCall',
      managementEvent: true,
      readOnly: false,
      eventCategory: 'Management',
    },
  };
}
const putKeyPolicy = (who: Identity) => kmsCall('PutKeyPolicy', who, { keyId: KEY, policyName: 'default' }, [KEY]);
const aliasArn = `arn:aws:kms:us-east-1:${ACCOUNT}:${ALIAS}`;

/** The key rules' patterns of a monitor of KEY with ALIAS, intrinsics resolved, by rule name. */
function keyRulePatterns(deployingRoleArns?: string[]): Record<string, unknown> {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.existing(), deployingRoleArns })
    .monitorKey(kms.Key.fromKeyArn(stack, 'Key', KEY), ALIAS);
  const template = Template.fromStack(stack).toJSON();
  const rules = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
  return Object.fromEntries(rules
    .map(([id, r]) => [/^Monitor(\w+?)Rule[0-9A-F]{8}$/.exec(id)![1], resolveIntrinsics(r.Properties.EventPattern, template, id)])
    .filter(([name]) => ['KeyLifecycle', 'AliasChanges', 'RoutineDeploys'].includes(name as string)));
}

describe('PutKeyPolicy: pages unless CloudFormation made it as a deploying role', () => {
  test.each<[string, Identity, string[]]>([
    ['a person (invokedBy absent)', person, ['KeyLifecycle']],
    ['CloudFormation as the execution role', cloudFormationAs(EXEC_ROLE), ['RoutineDeploys']],
    ['CloudFormation with no sessionIssuer (an IAM user\'s credentials)', cloudFormationAsUser, ['KeyLifecycle']],
    ['CloudFormation as another role', cloudFormationAs(OTHER_ROLE), ['KeyLifecycle']],
    ['CloudFormation as a role named in deployingRoleArns, without that prop', cloudFormationAs(PIPELINE_ROLE), ['KeyLifecycle']],
    ['the execution role, invoked by another service', { ...cloudFormationAs(EXEC_ROLE), invokedBy: 'lambda.amazonaws.com' }, ['KeyLifecycle']],
  ])('%s', (_name, who, expected) => {
    expect(matchEvents(keyRulePatterns(), { call: putKeyPolicy(who) }).call).toEqual(expected);
  });

  test('a role named in deployingRoleArns is routine too, and the execution role still is', () => {
    const patterns = keyRulePatterns([PIPELINE_ROLE]);

    expect(matchEvents(patterns, {
      pipeline: putKeyPolicy(cloudFormationAs(PIPELINE_ROLE)),
      exec: putKeyPolicy(cloudFormationAs(EXEC_ROLE)),
      other: putKeyPolicy(cloudFormationAs(OTHER_ROLE)),
    })).toEqual({ pipeline: ['RoutineDeploys'], exec: ['RoutineDeploys'], other: ['KeyLifecycle'] });
  });

  test('a PutKeyPolicy on a key not monitored matches nothing', () => {
    expect(matchEvents(keyRulePatterns(), {
      call: kmsCall('PutKeyPolicy', cloudFormationAs(EXEC_ROLE), { keyId: OTHER_KEY, policyName: 'default' }, [OTHER_KEY]),
    }).call).toEqual([]);
  });
});

describe('DisableKey and ScheduleKeyDeletion: never suppressed', () => {
  test.each(['DisableKey', 'ScheduleKeyDeletion'])('%s pages, even from CloudFormation as the execution role', (eventName) => {
    expect(matchEvents(keyRulePatterns(), {
      deploy: kmsCall(eventName, cloudFormationAs(EXEC_ROLE), { keyId: KEY }, [KEY]),
      person: kmsCall(eventName, person, { keyId: KEY }, [KEY]),
    })).toEqual({ deploy: ['KeyLifecycle'], person: ['KeyLifecycle'] });
  });
});

describe('alias calls: matched on requestParameters.aliasName', () => {
  test('UpdateAlias moving the monitored alias away pages, though its resources list only the new key', () => {
    const moved = kmsCall('UpdateAlias', person, { aliasName: ALIAS, targetKeyId: OTHER_KEY }, [aliasArn, OTHER_KEY]);

    expect(matchEvents(keyRulePatterns(), { moved }).moved).toEqual(['AliasChanges']);
  });

  test.each<[string, string, Identity, string[]]>([
    ['CreateAlias by a person', 'CreateAlias', person, ['AliasChanges']],
    ['DeleteAlias by a person', 'DeleteAlias', person, ['AliasChanges']],
    ['CreateAlias by CloudFormation as the execution role', 'CreateAlias', cloudFormationAs(EXEC_ROLE), ['RoutineDeploys']],
    ['UpdateAlias by CloudFormation as the execution role', 'UpdateAlias', cloudFormationAs(EXEC_ROLE), ['RoutineDeploys']],
    ['DeleteAlias by CloudFormation as another role', 'DeleteAlias', cloudFormationAs(OTHER_ROLE), ['AliasChanges']],
    ['DeleteAlias by CloudFormation with no sessionIssuer', 'DeleteAlias', cloudFormationAsUser, ['AliasChanges']],
  ])('%s', (_name, eventName, who, expected) => {
    const call = kmsCall(eventName, who, { aliasName: ALIAS, ...(eventName === 'DeleteAlias' ? {} : { targetKeyId: KEY }) }, [aliasArn, KEY]);
    expect(matchEvents(keyRulePatterns(), { call }).call).toEqual(expected);
  });

  test('an alias not monitored matches nothing, even pointing at the monitored key', () => {
    const call = kmsCall('CreateAlias', person, { aliasName: 'alias/other', targetKeyId: KEY }, [`arn:aws:kms:us-east-1:${ACCOUNT}:alias/other`, KEY]);
    expect(matchEvents(keyRulePatterns(), { call }).call).toEqual([]);
  });

  test('a refused alias call (errorCode) does not page as a change', () => {
    const call = kmsCall('UpdateAlias', person, { aliasName: ALIAS, targetKeyId: OTHER_KEY }, [aliasArn, OTHER_KEY]);
    (call.detail as Record<string, unknown>).errorCode = 'AccessDenied';
    expect(matchEvents(keyRulePatterns(), { call }).call).toEqual([]);
  });
});
