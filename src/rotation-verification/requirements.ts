// Upper bounds on the length of ARNs that are only known at deploy time, for sizing the
// verification's IAM policies and the daily check's EventBridge target inputs.

/**
 * The longest an ARN known only at deploy time plausibly gets: a secret's full ARN in the
 * longest partition and Region, with a generated name (CloudFormation's: the logical ID and
 * a random suffix), or a function's.
 */
export const MAX_ARN_LENGTH = 140;
/** A key ARN: `arn:<partition>:kms:<region>:<account>:key/<id>`, a multi-Region `mrk-` ID at most. */
export const MAX_KEY_ARN_LENGTH = 90;
