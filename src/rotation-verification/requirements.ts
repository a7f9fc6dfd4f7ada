// What the deploy-time verification and the daily check both need from a construct:
// validation of the requirements they take, and upper bounds on the length of ARNs that
// are only known at deploy time (for sizing IAM policies and EventBridge target inputs).
import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ROTATION_DAYS } from '../private/secure-key';
import { invalidProp } from '../private/validate';

/**
 * The longest an ARN known only at deploy time plausibly gets: a secret's full ARN in the
 * longest partition and Region, with a generated name (CloudFormation's: the logical ID and
 * a random suffix), or a function's.
 */
export const MAX_ARN_LENGTH = 140;
/** A key ARN: `arn:<partition>:kms:<region>:<account>:key/<id>`, a multi-Region `mrk-` ID at most. */
export const MAX_KEY_ARN_LENGTH = 90;

/** A key rotation period: whole days within KMS's range; undefined when not given or a token. */
export function validateKeyPeriod(scope: IConstruct, prop: string, value: Duration | undefined): number | undefined {
  if (value === undefined || value.isUnresolved()) {
    return undefined;
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < ROTATION_DAYS.min || days > ROTATION_DAYS.max) {
    invalidProp(scope, prop, value.toHumanString(), `must be a whole number of days between ${ROTATION_DAYS.min} and ${ROTATION_DAYS.max}`);
  }
  return days;
}

/** A grace period: whole hours; undefined when not given or a token. */
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
