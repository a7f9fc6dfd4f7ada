import { Annotations, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { synthesizerDeployingRoleArn } from './deploying-role';
import { ACCOUNT_ROOT, principalArnsOf } from './key-policy';
import { Singleton } from './singleton';
import { invalidProp, validatePattern } from './validate';
import { KeyManagementOptions } from '../key-options';

/**
 * "AWS::SSO::PermissionSet" resource schema, property `Name`: 1-32 characters matching
 * `[\w+=,.@-]+`. None of them is an ArnLike wildcard, so a name cannot widen the pattern.
 */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;

/** Who manages a key, as the key-policy builder needs it. */
export interface KeyManagers {
  /** Principals of the administrator Allow. */
  readonly admins: iam.IPrincipal[];
  /**
   * `aws:PrincipalArn` values and patterns exempt from the key-management Deny;
   * undefined when `restrictKeyManagement` is false (no Deny).
   */
  readonly managerArns?: string[];
  /** `aws:PrincipalArn` values of the role that deploys the key's stack; undefined without the Deny. */
  readonly deployingRoleArns?: string[];
}

interface StackDefaults {
  options?: KeyManagementOptions;
  /** Set once a key has read the defaults: setting them later would skip that key. */
  read: boolean;
}

const STACK_DEFAULTS = Singleton.perStack<StackDefaults>();

function holderOf(scope: IConstruct): StackDefaults {
  return STACK_DEFAULTS.obtain(scope, () => ({ read: false }));
}

/** The stack-wide key-management options (see `KeyManagement.setStackDefaults`). */
export function setKeyManagementDefaults(scope: IConstruct, options: KeyManagementOptions): void {
  const stack = Stack.of(scope);
  const current = holderOf(scope);
  if (current.read) {
    invalidProp(scope, 'KeyManagement.setStackDefaults', stack.node.path,
      'must be called before the first key of the stack is created (a key already created would keep the managers it was given)');
  }
  if (current.options) {
    invalidProp(scope, 'KeyManagement.setStackDefaults', stack.node.path, 'must be called at most once per stack');
  }
  validatePermissionSets(scope, options.adminPermissionSets ?? []);
  current.options = options;
}

function readStackDefaults(scope: IConstruct): KeyManagementOptions {
  const holder = holderOf(scope);
  holder.read = true;
  return holder.options ?? {};
}

/** Groups of keys (a fleet), each with whether its one "no admins" note was made. */
const NOTE_GROUPS = new WeakMap<IConstruct, boolean>();

/**
 * Keys made under `group` share one "no admins" note, made on `group`: a fleet of
 * 10,000 keys with the same options says it once, not 10,000 times.
 */
export function noteKeyManagersOnce(group: IConstruct): void {
  NOTE_GROUPS.set(group, false);
}

function noteNoAdmins(scope: IConstruct): void {
  const group = [...scope.node.scopes].reverse().find(s => NOTE_GROUPS.has(s));
  if (group === undefined) {
    Annotations.of(scope).addInfo('No `admins` or `adminPermissionSets`: only the role that deploys the stack and the '
      + 'account root may manage this key (change its policy, disable it, schedule its deletion, move its alias).');
    return;
  }
  if (!NOTE_GROUPS.get(group)) {
    NOTE_GROUPS.set(group, true);
    Annotations.of(group).addInfo('No `admins` or `adminPermissionSets`: only the role that deploys each stack and the '
      + 'account root may manage these keys (change their policies, disable them, schedule their deletion, move their aliases).');
  }
}

/**
 * The managers of a key made in `scope`: the construct's options, each falling back to the
 * stack-wide default of `defaultsFrom`'s stack (a replica takes its primary's). Fails synth
 * when the Deny is on and the deploying role cannot be known exactly.
 */
export function resolveKeyManagers(scope: IConstruct, props: KeyManagementOptions, defaultsFrom: IConstruct = scope): KeyManagers {
  const defaults = readStackDefaults(Stack.of(defaultsFrom));
  const admins = props.admins ?? defaults.admins ?? [];
  const permissionSets = props.adminPermissionSets ?? defaults.adminPermissionSets ?? [];
  const deploymentRole = props.deploymentRole ?? defaults.deploymentRole;
  if (!(props.restrictKeyManagement ?? defaults.restrictKeyManagement ?? true)) {
    return { admins };
  }
  validatePermissionSets(scope, permissionSets);
  const deployingRoleArn = deploymentRole ? deploymentRole.roleArn : synthesizerDeployingRoleArn(scope);
  if (deployingRoleArn === undefined) {
    invalidProp(scope, 'deploymentRole', undefined,
      `must be given: the stack's synthesizer (${Stack.of(scope).synthesizer.constructor.name}) does not say which role `
      + 'deploys it, and the key-management Deny must exempt that role exactly (KMS\'s lockout safety check tests only '
      + 'the caller, so a wrong role leaves a key no deployment can update). Give `deploymentRole` for the whole stack with '
      + '`KeyManagement.setStackDefaults(stack, { deploymentRole })`, before the first construct: it also covers the keys '
      + 'the library makes for itself (a RotatedSecret\'s key, the rotation verification\'s and the monitor\'s), which take '
      + 'no key options; or give `deploymentRole` on a key construct; or set `restrictKeyManagement: false` '
      + '(on the construct or for the stack) to leave key management to IAM');
  }
  const deploying = deploymentRole ? managerArnsOf(scope, 'deploymentRole', deploymentRole) : [deployingRoleArn];
  if (admins.length === 0 && permissionSets.length === 0) {
    noteNoAdmins(scope);
  }
  return {
    admins,
    deployingRoleArns: deploying,
    managerArns: [
      ...admins.flatMap(a => managerArnsOf(scope, 'admins', a)),
      ...permissionSets.flatMap(name => permissionSetRolePatterns(scope, name)),
      ...deploying,
      ACCOUNT_ROOT.arn,
    ],
  };
}

/**
 * The `aws:PrincipalArn` values that stand for `principal`. A role or user made in the app
 * has its path in its ARN. One imported by name, or by an ARN without a path, may have a
 * path the ARN lacks, and `aws:PrincipalArn` carries it; role and user names are unique
 * in an account whatever their path, so `<kind>/*\/<name>` matches that same identity.
 */
export function managerArnsOf(scope: IConstruct, prop: string, principal: iam.IPrincipal): string[] {
  const arns = principalArnsOf(scope, prop, principal);
  if (iam.Role.isRole(principal) || principal instanceof iam.User) {
    return arns;
  }
  return arns.flatMap(arn => [arn, ...anyPath(arn, principal)]);
}

function anyPath(arn: string, principal: iam.IPrincipal): string[] {
  if (!Token.isUnresolved(arn)) {
    const match = /^(arn:[^:]+:iam::[^:]*:(?:role|user))\/([^/]+)$/.exec(arn);
    return match ? [`${match[1]}/*/${match[2]}`] : [];
  }
  const kind = 'roleName' in principal ? 'role' : 'userName' in principal ? 'user' : undefined;
  // With a path, `role/*/<path>/<name>` still matches only the role named <name>.
  return kind ? [Fn.join(`:${kind}/*/`, Fn.split(`:${kind}/`, arn))] : [];
}

/**
 * The roles IAM Identity Center makes for a permission set in the key's account
 * ("Referencing permission sets in resource policies, Amazon EKS, and AWS KMS"):
 * `role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<name>_<suffix>`, and without
 * `<region>/` when the identity source is in us-east-1.
 */
function permissionSetRolePatterns(scope: IConstruct, name: string): string[] {
  const stack = Stack.of(scope);
  const base = `arn:${stack.partition}:iam::${stack.account}:role/aws-reserved/sso.amazonaws.com`;
  return [`${base}/AWSReservedSSO_${name}_*`, `${base}/*/AWSReservedSSO_${name}_*`];
}

function validatePermissionSets(scope: IConstruct, names: string[]): void {
  names.forEach((name, i) => validatePattern(scope, `adminPermissionSets[${i}]`, name, PERMISSION_SET_NAME,
    'an IAM Identity Center permission set name: 1-32 letters, digits or "_+=,.@-"'));
}
