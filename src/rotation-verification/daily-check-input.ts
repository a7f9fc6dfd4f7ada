// How the daily check's keys and secrets are spread over the targets of its one rule.
// Pure: sizes in, shards out, so the limits are unit-tested without synthesizing.

/**
 * The most characters of a target's `Input` ("Amazon EventBridge API Reference", Target:
 * Input, "Length Constraints: Maximum length of 8192").
 */
export const MAX_TARGET_INPUT_LENGTH = 8192;
/** "Each rule can have up to five (5) targets associated with it at one time" (API Reference, PutTargets). */
export const MAX_TARGETS_PER_RULE = 5;
/** What the plan fills a target's input to: the limit, less a margin for the estimates. */
export const INPUT_BUDGET = MAX_TARGET_INPUT_LENGTH - 400;
/** `{"DailyRotationCheck":{"Stack":"","Shard":5,"Keys":[],"Secrets":[]}}` around a stack name of at most 128 characters. */
export const ENVELOPE_LENGTH = 70 + 128;
/** `{"MaxDays":,"Ids":[]},` around a number of at most 10 digits. */
export const KEY_GROUP_LENGTH = 22 + 10;
/** `{"MaxHours":,"GraceHours":,"Ids":[]},` around two numbers of at most 10 digits. */
export const SECRET_GROUP_LENGTH = 37 + 20;
/** The quotes and comma around each ARN. */
export const PER_ID_LENGTH = 3;

/** One key or secret of the daily check, with the group of subjects that share its requirement. */
export interface DailyCheckSubject {
  readonly kind: 'key' | 'secret';
  /** The ARN the check reads (a token until deploy time). */
  readonly id: string;
  /** Subjects with the same requirement share a group (and its overhead) in a target's input. */
  readonly group: string;
  readonly maxDays?: number;
  readonly maxHours?: number;
  readonly graceHours?: number;
  /** The longest the ARN can be once deployed. */
  readonly estimate: number;
}

/**
 * Fills targets in order: each takes subjects until the next would push its input past
 * `INPUT_BUDGET`. Returns as many shards as it takes; the caller refuses more than
 * `MAX_TARGETS_PER_RULE`.
 */
export function planShards(subjects: readonly DailyCheckSubject[], budget = INPUT_BUDGET): DailyCheckSubject[][] {
  const shards: DailyCheckSubject[][] = [];
  let current: DailyCheckSubject[] = [];
  let size = ENVELOPE_LENGTH;
  let groups = new Set<string>();
  for (const subject of subjects) {
    const groupKey = `${subject.kind} ${subject.group}`;
    const groupCost = (subject.kind === 'key' ? KEY_GROUP_LENGTH : SECRET_GROUP_LENGTH);
    let cost = subject.estimate + PER_ID_LENGTH + (groups.has(groupKey) ? 0 : groupCost);
    if (current.length > 0 && size + cost > budget) {
      shards.push(current);
      current = [];
      size = ENVELOPE_LENGTH;
      groups = new Set();
      cost = subject.estimate + PER_ID_LENGTH + groupCost;
    }
    current.push(subject);
    size += cost;
    groups.add(groupKey);
  }
  if (current.length > 0) {
    shards.push(current);
  }
  return shards;
}

/** About how many key ARNs (of the longest deploy-time length) one rule carries. */
export function keysPerRule(keyArnLength: number): number {
  const perTarget = Math.floor((INPUT_BUDGET - ENVELOPE_LENGTH - KEY_GROUP_LENGTH) / (keyArnLength + PER_ID_LENGTH));
  return perTarget * MAX_TARGETS_PER_RULE;
}
