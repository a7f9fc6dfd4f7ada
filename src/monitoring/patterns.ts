import { Aws, Names, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { IConstruct } from 'constructs';
import { MAX_ALIAS_LENGTH } from '../private/bounds';

/**
 * Every event pattern and Contributor Insights rule of the EncryptionMonitor, in one place.
 *
 * All alarms take the EventBridge path: CloudTrail delivers every management event of the
 * account to the default event bus of the Region where it happened, so a member account
 * sees its own events even when the trail is an organisation trail whose log group lives
 * elsewhere. What is monitored (key IDs, secret ARNs) is data inside these patterns, never a
 * rule of its own, so the thousandth key adds characters, not resources.
 */

/**
 * EventBridge's default quota on an event pattern: 2,048 characters ("Amazon EventBridge
 * quotas": event pattern size, adjustable). PutRule refuses a longer pattern unless the
 * account raised the quota.
 */
export const DEFAULT_MAX_EVENT_PATTERN_LENGTH = 2048;

/** The detail-type of CloudTrail-recorded API calls. */
export const API_CALL_VIA_CLOUDTRAIL = 'AWS API Call via CloudTrail';
/** The detail-type of CloudTrail-recorded service events (Secrets Manager's rotation outcomes). */
export const SERVICE_EVENT_VIA_CLOUDTRAIL = 'AWS Service Event via CloudTrail';

/**
 * The rule state that lets read-only management events through. `kms:Decrypt` is a
 * read-only event: a rule in the plain `ENABLED` state never sees it.
 */
export const ALL_MANAGEMENT_EVENTS_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** KMS calls that change what a key can do for its data: each one on a monitored key pages. */
export const KEY_LIFECYCLE_EVENTS = ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'];

/**
 * Lifecycle calls that page whoever makes them: no deploy disables a key or schedules its
 * deletion as routine, so these are never suppressed.
 */
export const ALWAYS_PAGING_KEY_EVENTS = ['DisableKey', 'ScheduleKeyDeletion'];

/** The lifecycle call CloudFormation makes on every deploy that changes a key policy (every new grant). */
export const KEY_POLICY_EVENT = 'PutKeyPolicy';

/**
 * Alias calls that redirect whoever encrypts by alias to another key. CloudTrail's
 * UpdateAlias record lists the alias and the *new* target key in `resources`, so these
 * are matched on `requestParameters.aliasName`, never on the monitored key's ID.
 */
export const ALIAS_EVENTS = ['CreateAlias', 'UpdateAlias', 'DeleteAlias'];

/** The `userIdentity.invokedBy` of calls CloudFormation makes while it deploys a stack. */
export const CLOUDFORMATION_INVOKER = 'cloudformation.amazonaws.com';

/** Secrets Manager's CloudTrail service events for a rotation that did not complete. */
export const ROTATION_FAILURE_EVENTS = ['RotationFailed', 'RotationAbandoned'];

/**
 * KMS reports a refused call with `errorCode` "AccessDenied"; a prefix also catches the
 * "AccessDeniedException" spelling some SDK paths record.
 */
const ACCESS_DENIED = [{ prefix: 'AccessDenied' }];

/**
 * Which resources a pattern matches: the listed ARNs or key IDs, or (when neither is
 * given) any resource of this account, through a wildcard on the ARN.
 */
export interface ResourceSelection {
  /** The ARNs to match. */
  readonly arns?: string[];
  /**
   * KMS key IDs to match, by the end of the key ARN (`.../key/<id>`). A key ID is globally
   * unique and half as long as its ARN, so a pattern holds about twice
   * as many keys; the Region is the rule's own.
   */
  readonly keyIds?: string[];
  /** Service and resource-type part of the ARN, e.g. `kms` and `key`. */
  readonly service: string;
  readonly resourceType: string;
}

/** Alias names to match (`alias/...`), or every alias of the account when undefined. */
export type AliasSelection = string[] | undefined;

function aliasMatcher(aliases: AliasSelection): unknown[] {
  return aliases ?? [{ prefix: 'alias/' }];
}

function arnMatcher(selection: ResourceSelection): unknown[] {
  if (selection.keyIds !== undefined) {
    return selection.keyIds.map(id => ({ suffix: `/${id}` }));
  }
  if (selection.arns !== undefined) {
    return [...selection.arns];
  }
  // Secrets Manager ARNs read `secret:<name>-<6 chars>`, KMS ARNs `key/<id>`.
  const separator = selection.service === 'kms' ? '/' : ':';
  return [{ wildcard: `arn:${Aws.PARTITION}:${selection.service}:*:${Aws.ACCOUNT_ID}:${selection.resourceType}${separator}*` }];
}

/**
 * Refused KMS calls on the selected keys: `eventNames` (for example `['Decrypt']`), or
 * every operation when undefined. CloudTrail names the key in `resources[].ARN`, whatever
 * the caller passed (alias, key ID, or nothing at all for a symmetric Decrypt).
 */
export function deniedKeyCallsPattern(keys: ResourceSelection, eventNames?: string[]): events.EventPattern {
  return {
    source: ['aws.kms'],
    detailType: [API_CALL_VIA_CLOUDTRAIL],
    detail: {
      eventSource: ['kms.amazonaws.com'],
      ...(eventNames ? { eventName: eventNames } : {}),
      errorCode: ACCESS_DENIED,
      resources: { ARN: arnMatcher(keys) },
    },
  };
}

/**
 * The branches of a `$or` that together match "not a routine deploy": `invokedBy` absent
 * or not CloudFormation, or the session issuer absent or not a deploying role. Each field
 * needs two branches because `anything-but` matches only fields that are present.
 */
function notRoutineDeploy(deployingRoles: string[]): Record<string, unknown>[] {
  return [
    { userIdentity: { invokedBy: [{ exists: false }] } },
    { userIdentity: { invokedBy: [{ 'anything-but': [CLOUDFORMATION_INVOKER] }] } },
    { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
    { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': [...deployingRoles] }] } } } },
  ];
}

/** The identity of a routine deploy: CloudFormation, acting as one of the deploying roles. */
function routineDeploy(deployingRoles: string[]): Record<string, unknown> {
  return { invokedBy: [CLOUDFORMATION_INVOKER], sessionContext: { sessionIssuer: { arn: [...deployingRoles] } } };
}

/**
 * Successful lifecycle changes on the selected keys that page: DisableKey and
 * ScheduleKeyDeletion always, PutKeyPolicy unless it is a routine deploy (CloudFormation
 * acting as one of `deployingRoles`). With no deploying role known, every PutKeyPolicy
 * pages. A refused attempt has an `errorCode` and is left to the denied-calls count.
 */
export function keyLifecyclePattern(keys: ResourceSelection, deployingRoles: string[] = []): events.EventPattern {
  const base = {
    eventSource: ['kms.amazonaws.com'],
    errorCode: [{ exists: false }],
    resources: { ARN: arnMatcher(keys) },
  };
  if (deployingRoles.length === 0) {
    return { source: ['aws.kms'], detailType: [API_CALL_VIA_CLOUDTRAIL], detail: { ...base, eventName: KEY_LIFECYCLE_EVENTS } };
  }
  return {
    source: ['aws.kms'],
    detailType: [API_CALL_VIA_CLOUDTRAIL],
    detail: {
      ...base,
      $or: [
        { eventName: ALWAYS_PAGING_KEY_EVENTS },
        ...notRoutineDeploy(deployingRoles).map(branch => ({ eventName: [KEY_POLICY_EVENT], ...branch })),
      ],
    },
  };
}

/**
 * Successful CreateAlias, UpdateAlias and DeleteAlias on the selected alias names that
 * page: all of them, unless a routine deploy made them.
 */
export function aliasChangePattern(aliases: AliasSelection, deployingRoles: string[] = []): events.EventPattern {
  return {
    source: ['aws.kms'],
    detailType: [API_CALL_VIA_CLOUDTRAIL],
    detail: {
      eventSource: ['kms.amazonaws.com'],
      eventName: ALIAS_EVENTS,
      errorCode: [{ exists: false }],
      requestParameters: { aliasName: aliasMatcher(aliases) },
      ...(deployingRoles.length > 0 ? { $or: notRoutineDeploy(deployingRoles) } : {}),
    },
  };
}

/**
 * The routine deploys the two patterns above leave out: PutKeyPolicy on the selected keys
 * and alias calls on the selected aliases, made by CloudFormation as one of
 * `deployingRoles`. They go to the non-paging queue, so a deploy is on record without
 * paging anyone. `aliases` is an empty list when no alias is watched.
 */
export function routineDeployPattern(keys: ResourceSelection, aliases: AliasSelection, deployingRoles: string[]): events.EventPattern {
  const keyPolicy = { eventName: [KEY_POLICY_EVENT], resources: { ARN: arnMatcher(keys) } };
  const aliasCalls = { eventName: ALIAS_EVENTS, requestParameters: { aliasName: aliasMatcher(aliases) } };
  const watchesAliases = aliases === undefined || aliases.length > 0;
  return {
    source: ['aws.kms'],
    detailType: [API_CALL_VIA_CLOUDTRAIL],
    detail: {
      eventSource: ['kms.amazonaws.com'],
      errorCode: [{ exists: false }],
      userIdentity: routineDeploy(deployingRoles),
      ...(watchesAliases ? { $or: [keyPolicy, aliasCalls] } : keyPolicy),
    },
  };
}

/** Failed or abandoned rotations of the selected secrets. */
export function rotationFailurePattern(secrets: ResourceSelection): events.EventPattern {
  return {
    source: ['aws.secretsmanager'],
    detailType: [SERVICE_EVENT_VIA_CLOUDTRAIL],
    detail: {
      eventSource: ['secretsmanager.amazonaws.com'],
      eventName: ROTATION_FAILURE_EVENTS,
      additionalEventData: { SecretId: arnMatcher(secrets) },
    },
  };
}

/**
 * AWS Config finding a secret under `configRuleName` not rotated in time: one of
 * `secretArns` (by the event's `resourceId`), or any secret when undefined.
 */
export function rotationOverduePattern(configRuleName: string, secretArns?: string[]): events.EventPattern {
  return {
    source: ['aws.config'],
    detailType: ['Config Rules Compliance Change'],
    detail: {
      configRuleName: [configRuleName],
      resourceType: ['AWS::SecretsManager::Secret'],
      ...(secretArns ? { resourceId: [...secretArns] } : {}),
      newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
    },
  };
}

/** A Contributor Insights rule name holds at most 128 characters (PutInsightRule `RuleName`). */
const INSIGHT_RULE_NAME_MAX_LENGTH = 128;
const INSIGHT_RULE_NAME_SUFFIX = '-denied-kms';
/**
 * The Contributor Insights rule's name: at most 128 characters (PutInsightRule `RuleName`),
 * whatever the construct path. `uniqueResourceName` shortens the path and keeps a hash of it.
 */
export function insightRuleName(scope: IConstruct): string {
  return Names.uniqueResourceName(scope, { maxLength: INSIGHT_RULE_NAME_MAX_LENGTH - INSIGHT_RULE_NAME_SUFFIX.length, separator: '-' })
    + INSIGHT_RULE_NAME_SUFFIX;
}

/**
 * A Contributor Insights rule over a CloudTrail log group: refused KMS calls counted by
 * key and by calling principal, the "who and which key" behind a denied-decrypt alarm.
 * It reads every key of every account the log group holds; Contributor Insights keeps
 * the top contributors, so its cost does not grow with keys.
 */
export function deniedKeyCallsInsightRuleBody(logGroupName: string): Record<string, unknown> {
  return {
    Schema: { Name: 'CloudWatchLogRule', Version: 1 },
    LogGroupNames: [logGroupName],
    LogFormat: 'JSON',
    Contribution: {
      Keys: ['$.resources[0].ARN', '$.userIdentity.arn'],
      Filters: [
        { Match: '$.eventSource', In: ['kms.amazonaws.com'] },
        { Match: '$.errorCode', StartsWith: ['AccessDenied'] },
      ],
    },
    AggregateOn: 'Count',
  };
}

/** The pattern as EventBridge stores it: CDK's camelCase `detailType` becomes `detail-type`. */
export function renderEventPattern(pattern: events.EventPattern): Record<string, unknown> {
  const { detailType, ...rest } = pattern;
  return JSON.parse(JSON.stringify({ ...rest, ...(detailType ? { 'detail-type': detailType } : {}) }));
}

/** The matching operators of a pattern: an unresolved value under one counts as the field it filters. */
const OPERATORS = new Set(['anything-but', 'prefix', 'suffix', 'wildcard', 'equals-ignore-case', 'exists', 'numeric', 'cidr']);

/**
 * The length a pattern will have once deployed. Unresolved values (ARNs of keys and secrets
 * created in the app) count as `tokenLength` characters, the longest such value plausibly
 * gets; `fieldLengths` overrides that per field (an alias name counts 256 by default), and
 * a value `resolve` turns into a string counts as that string.
 */
export function estimatedPatternLength(pattern: events.EventPattern, tokenLength: number, fieldLengths: Record<string, number> = {},
  resolve?: (value: string) => unknown): number {
  const lengths: Record<string, number> = { aliasName: MAX_ALIAS_LENGTH, ...fieldLengths };
  const replace = (value: unknown, field?: string): unknown => {
    if (typeof value === 'string' && Token.isUnresolved(value)) {
      // A token that resolves to a literal (an alias's name in its own stack) counts as that literal.
      const resolved = resolve?.(value);
      return typeof resolved === 'string' ? resolved : 'x'.repeat((field !== undefined ? lengths[field] : undefined) ?? tokenLength);
    }
    if (typeof value === 'string') {
      return value;
    }
    if (Array.isArray(value)) {
      return value.map(v => replace(v, field));
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, OPERATORS.has(k) ? field : k)]));
    }
    return value;
  };
  return JSON.stringify(replace(renderEventPattern(pattern))).length;
}
