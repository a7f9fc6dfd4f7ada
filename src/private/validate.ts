import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { KEY_ROTATION_DAYS, PENDING_WINDOW_DAYS, ROTATION_GRACE, SECRET_ROTATION_INTERVAL } from './bounds';

/**
 * Prop validation shared by every construct. Each helper skips unresolved tokens
 * (their value is only known at deploy time) and throws an error that names the
 * construct path, the prop, the value received and what is allowed.
 */

/** Throws the library's validation error. */
export function invalidProp(scope: IConstruct, prop: string, value: unknown, allowed: string): never {
  throw new Error(`${scope.node.path}: \`${prop}\` ${allowed}, got ${describe(value)}`);
}

/**
 * Throws the library's validation error for a combination of props, where no single value
 * is wrong: `problem` names the props in backticks and says what to give instead.
 */
export function invalidCombination(scope: IConstruct, problem: string): never {
  throw new Error(`${scope.node.path}: ${problem}`);
}

/** A whole number of days within [min, max]: its days, or undefined when not given or a token. */
export function validateDays(scope: IConstruct, prop: string, value: Duration | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value.isUnresolved()) {
    return undefined;
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    invalidProp(scope, prop, `${value.toHumanString()}`, `must be a whole number of days between ${min} and ${max}`);
  }
  return days;
}

/** A key rotation period KMS accepts: its days, or undefined when not given or a token. */
export function validateKeyRotationPeriod(scope: IConstruct, prop: string, value: Duration | undefined): number | undefined {
  return validateDays(scope, prop, value, KEY_ROTATION_DAYS.min, KEY_ROTATION_DAYS.max);
}

/**
 * The days of a rotation period validated where it was given: the default when there is
 * none, or when it is a token (known only at deploy time).
 */
export function rotationDaysOf(period: Duration | undefined): number {
  return period === undefined || period.isUnresolved() ? KEY_ROTATION_DAYS.default : period.toDays();
}

/** A pending window KMS accepts. */
export function validatePendingWindow(scope: IConstruct, prop: string, value: Duration | undefined): void {
  validateDays(scope, prop, value, PENDING_WINDOW_DAYS.min, PENDING_WINDOW_DAYS.max);
}

/** A monitor's grace period for overdue rotation, in whole days (its AWS Config rule counts days). */
export function validateGraceDays(scope: IConstruct, prop: string, value: Duration | undefined): void {
  validateDays(scope, prop, value, 0, ROTATION_GRACE.maxDays);
}

/** A grace period in whole hours: its hours, or undefined when not given or a token. */
export function validateGraceHours(scope: IConstruct, prop: string, value: Duration | undefined): number | undefined {
  if (value === undefined || value.isUnresolved()) {
    return undefined;
  }
  const hours = value.toHours({ integral: false });
  if (!Number.isInteger(hours)) {
    invalidProp(scope, prop, value.toHumanString(), 'must be a whole number of hours');
  }
  return hours;
}

/** A string matching `pattern`; `allowed` describes the pattern in words. */
export function validatePattern(scope: IConstruct, prop: string, value: string | undefined, pattern: RegExp, allowed: string): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!pattern.test(value)) {
    invalidProp(scope, prop, value, `must be ${allowed}`);
  }
}

/** A string that must not start with any of `prefixes` (case-insensitive). */
export function validateNoReservedPrefix(scope: IConstruct, prop: string, value: string | undefined, prefixes: string[]): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const hit = prefixes.find(p => value.toLowerCase().startsWith(p.toLowerCase()));
  if (hit) {
    invalidProp(scope, prop, value, `must not start with the reserved prefix "${hit}"`);
  }
}

/** A list whose entries are distinct. */
export function validateUnique(scope: IConstruct, prop: string, values: string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (!Token.isUnresolved(v) && seen.has(v)) {
      invalidProp(scope, prop, values, `must not contain duplicates ("${v}" appears more than once)`);
    }
    seen.add(v);
  }
}

/**
 * A value the construct must know at synthesis, such as a Region that decides where a
 * stack goes. Unlike the other helpers, this one rejects tokens: that is its purpose.
 * The error echoes the token as CloudFormation would render it (`{"Ref":"AWS::Region"}`).
 */
export function validateResolved(scope: IConstruct, prop: string, value: unknown, allowed: string): void {
  if (Token.isUnresolved(value)) {
    invalidProp(scope, prop, Stack.of(scope).resolve(value), allowed);
  }
}

/** A list with at least one entry. */
export function validateNotEmpty(scope: IConstruct, prop: string, values: unknown[], allowed: string): void {
  if (values.length === 0) {
    invalidProp(scope, prop, values, allowed);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** Patterns shared by several constructs. */
export const PATTERNS = {
  /** Tag keys and encryption-context keys: ASCII subset of what IAM/KMS accept, 1–128. */
  conditionKeySuffix: /^[A-Za-z0-9_.:/=+@-]{1,128}$/,
  /** Alias names after `alias/`: letters, digits, `/`, `_`, `-`. */
  aliasBody: /^[A-Za-z0-9/_-]+$/,
};

/** Region names such as `eu-west-1`, `us-gov-west-1`, `cn-north-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A rotation interval Secrets Manager accepts: whole hours, 4 hours to 1000 days. */
export function validateSecretRotationInterval(scope: IConstruct, prop: string, value: Duration | undefined): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const hours = value.toHours({ integral: false });
  if (!Number.isInteger(hours) || hours < SECRET_ROTATION_INTERVAL.minHours || hours > SECRET_ROTATION_INTERVAL.maxDays * 24) {
    invalidProp(scope, prop, value.toHumanString(),
      `must be a whole number of hours between ${SECRET_ROTATION_INTERVAL.minHours} hours and ${SECRET_ROTATION_INTERVAL.maxDays} days`);
  }
}
