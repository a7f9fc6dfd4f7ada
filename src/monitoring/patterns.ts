import { Aws, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';

/**
 * Every event pattern and Contributor Insights rule of the EncryptionMonitor, in one place.
 *
 * All alarms take the EventBridge path: CloudTrail delivers every management event of the
 * account to the default event bus of the Region where it happened, so a member account
 * sees its own events even when the trail is an organisation trail whose log group lives
 * elsewhere. What is monitored (key IDs, secret ARNs) is data inside these patterns, never a
 * rule of its own, so the thousandth key adds characters, not resources.
 */

/** EventBridge's limit on an event pattern (PutRule `EventPattern`, at most 4096 characters). */
export const MAX_EVENT_PATTERN_LENGTH = 4096;

/** The detail-type of CloudTrail-recorded API calls. */
export const API_CALL_VIA_CLOUDTRAIL = 'AWS API Call via CloudTrail';
/** The detail-type of CloudTrail-recorded service events (Secrets Manager's rotation outcomes). */
export const SERVICE_EVENT_VIA_CLOUDTRAIL = 'AWS Service Event via CloudTrail';

/**
 * The rule state that lets read-only management events through. `kms:Decrypt` is a
 * read-only event: a rule in the plain `ENABLED` state never sees it.
 */
export const ALL_MANAGEMENT_EVENTS_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** KMS calls that change what a key can do for its data: each one on a monitored key raises an alarm. */
export const KEY_LIFECYCLE_EVENTS = ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'];

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
   * unique and half as long as its ARN, so a pattern of 4,096 characters holds about twice
   * as many keys; the Region is the rule's own.
   */
  readonly keyIds?: string[];
  /** Service and resource-type part of the ARN, e.g. `kms` and `key`. */
  readonly service: string;
  readonly resourceType: string;
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
 * Successful lifecycle changes on the selected keys. A refused attempt has an `errorCode`
 * and is left to the denied-calls alarm.
 */
export function keyLifecyclePattern(keys: ResourceSelection): events.EventPattern {
  return {
    source: ['aws.kms'],
    detailType: [API_CALL_VIA_CLOUDTRAIL],
    detail: {
      eventSource: ['kms.amazonaws.com'],
      eventName: KEY_LIFECYCLE_EVENTS,
      errorCode: [{ exists: false }],
      resources: { ARN: arnMatcher(keys) },
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

/** AWS Config finding a secret under `configRuleName` not rotated in time. */
export function rotationOverduePattern(configRuleName: string): events.EventPattern {
  return {
    source: ['aws.config'],
    detailType: ['Config Rules Compliance Change'],
    detail: {
      configRuleName: [configRuleName],
      newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
    },
  };
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

/**
 * The length a pattern will have once deployed. Unresolved values (ARNs of keys and secrets
 * created in the app) count as `tokenLength` characters, the longest such ARN plausibly gets.
 */
export function estimatedPatternLength(pattern: events.EventPattern, tokenLength: number): number {
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return Token.isUnresolved(value) ? 'x'.repeat(tokenLength) : value;
    }
    if (Array.isArray(value)) {
      return value.map(replace);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    }
    return value;
  };
  return JSON.stringify(replace(renderEventPattern(pattern))).length;
}
