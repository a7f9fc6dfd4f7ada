/**
 * Every name the library gives what it creates for itself, from one prefix, so an operator
 * can find all of it (README, "What the library creates and how to find it"). The names a
 * user chooses (a tenant key's alias, a secret's name) are the user's and are not here.
 *
 * One name, in two spellings, because AWS allows different characters in different places:
 * - `cdk-kms-patterns`, the package's name, wherever a path or a `:` is allowed: alias
 *   names, log group names, tag keys (and the library's context keys and warning ids);
 * - `KmsPatterns` wherever only letters and digits are: construct ids (and so logical
 *   IDs, which may never change), custom resource types, CloudWatch namespaces (a
 *   namespace may hold `-`, but AWS's own are `AWS/<Service>`, and the daily check's
 *   handler publishes to it: a rename would also lose the metrics' history).
 *
 * Sids take the `KmsPatterns` prefix too (`statementId`): IAM allows only letters and digits
 * in a Sid, and the prefix tells the statements the library wrote from those a user adds
 * to the same key, topic or bucket policy (`addToResourcePolicy`), which a reviewer of a
 * policy, or a script that diffs one, needs to know. Statements that aws-cdk-lib writes
 * itself (`enforceSSL`'s `AllowPublishThroughSSLOnly`) keep their own names.
 *
 * Dependency-free, so any layer may import it.
 */

/** The package's name: the first segment of every alias and log group the library makes for itself. */
export const LIBRARY_NAME = 'cdk-kms-patterns';

/** The library's name where only letters and digits are allowed. */
export const LIBRARY_NAME_PASCAL = 'KmsPatterns';

/** The parts of the library that create named resources: the second segment of each name. */
export enum Component {
  ROTATION_VERIFICATION = 'rotation-verification',
  ENCRYPTION_MONITOR = 'encryption-monitor',
  CLOUDTRAIL = 'cloudtrail',
  TOKEN_ROTATION = 'token-rotation',
}

/** `alias/cdk-kms-patterns/<component>`, then `/<name>`: every alias of a key the library makes for its own resources. */
export function aliasPath(component: Component): string {
  return `alias/${LIBRARY_NAME}/${component}`;
}

/**
 * `/aws/vendedlogs/cdk-kms-patterns/<component>`, then `/<name>`: every log group the library makes.
 * `/aws/vendedlogs/` is where AWS asks services' log groups to be: Step Functions logging
 * (the verification's waiter) then needs no resource policy per log group ("Avoiding
 * Amazon CloudWatch Logs resource policy size restrictions"); for the others it is one
 * prefix to search, not a requirement.
 */
export function logGroupPath(component: Component): string {
  return `/aws/vendedlogs/${LIBRARY_NAME}/${component}`;
}

/**
 * `cdk-kms-patterns:<name>`: a tag key the library puts on a resource (a user's or its
 * own), and in the same form its context keys and warning ids.
 */
export function qualifiedKey(name: string): string {
  return `${LIBRARY_NAME}:${name}`;
}

/** `KmsPatterns/<name>`: a CloudWatch namespace the library publishes to. */
export function metricNamespace(name: string): string {
  return `${LIBRARY_NAME_PASCAL}/${name}`;
}

/** `KmsPatterns<name>`: the Sid of every policy statement the library writes. */
export function statementId(name: string): string {
  return `${LIBRARY_NAME_PASCAL}${name}`;
}
