import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isKmsKey } from './kms';
import { OWN_ACCOUNT, flatten } from './strings';
import { isObject, render } from './template';

// Reads key policies as the template renders them: normalized statements, principals and
// conditions, for the KMS rules to judge. (The library's key-policy *builder* is src/private/key-policy.ts.)

/** A key policy statement, normalized from its rendered JSON. */
export interface Statement {
  readonly sid?: string;
  readonly allow: boolean;
  /** `Principal: "*"`, `{ AWS: "*" }` (alone or in a list), or any `NotPrincipal`. */
  readonly starPrincipal: boolean;
  /** The `AWS` principals other than `*`. */
  readonly awsPrincipals: AwsPrincipal[];
  /** True when the statement names any principal other than `AWS` ones (services, federated). */
  readonly otherPrincipals: boolean;
  /** Lower-cased actions; `NotAction` sets `notAction` instead. */
  readonly actions: string[];
  readonly notAction: boolean;
  readonly conditions: Condition[];
}

/** An `AWS` principal, as far as synth time can tell. */
export interface AwsPrincipal {
  /** False when the principal is known only at deploy time (a parameter, an import). */
  readonly resolved: boolean;
  /** The principal as written, intrinsics flattened (`OWN_ACCOUNT` for the account). */
  readonly text: string;
  /** The account: 12 digits, or `OWN_ACCOUNT`; undefined when it cannot be told. */
  readonly account?: string;
  /** The account root (`arn:...:iam::<account>:root` or the bare account ID). */
  readonly root: boolean;
}

/** One `operator: { key: values }` entry of a Condition block. */
export interface Condition {
  /** As written, e.g. `ForAnyValue:StringLike`. */
  readonly operator: string;
  /** Lower-cased condition key, e.g. `aws:principalorgid`. */
  readonly key: string;
  /** Values flattened; `undefined` for one known only at deploy time. */
  readonly values: Array<string | undefined>;
}

/** What a key resource's `KeyPolicy` is. */
export type KeyPolicy =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unresolved' }
  | { readonly kind: 'document'; readonly statements: Statement[] };

/**
 * Judges the statements of a key's policy: N/A for a resource that is no key and for a
 * policy known only at deploy time; an absent policy (KMS's default, the account root
 * alone) is compliant.
 */
export function judgeKeyPolicy(node: CfnResource, judge: (statements: Statement[]) => NagRuleCompliance): NagRuleCompliance {
  if (!isKmsKey(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const policy = keyPolicyOf(node);
  if (policy.kind !== 'document') {
    return policy.kind === 'absent' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NOT_APPLICABLE;
  }
  return judge(policy.statements);
}

/** The key policy of an AWS::KMS::Key or AWS::KMS::ReplicaKey. */
export function keyPolicyOf(node: CfnResource): KeyPolicy {
  const stack = Stack.of(node);
  let document: unknown = render(node).properties.KeyPolicy;
  if (document === undefined) {
    return { kind: 'absent' };
  }
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document);
    } catch {
      return { kind: 'unresolved' };
    }
  }
  if (!isObject(document) || Object.keys(document).some(k => k === 'Ref' || k.startsWith('Fn::'))) {
    return { kind: 'unresolved' };
  }
  const raw = document.Statement;
  const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return { kind: 'document', statements: list.filter(isObject).map(s => normalize(stack, s)) };
}

function normalize(stack: Stack, s: Record<string, any>): Statement {
  const principal = s.Principal;
  const principalBlock: Record<string, unknown> = isObject(principal) ? principal : {};
  const awsValues = toList(principalBlock.AWS).map(v => flatten(stack, v));
  const actions = toList(s.Action).filter((a): a is string => typeof a === 'string').map(a => a.toLowerCase());
  return {
    sid: typeof s.Sid === 'string' ? s.Sid : undefined,
    allow: s.Effect === 'Allow',
    starPrincipal: principal === '*' || s.NotPrincipal !== undefined || awsValues.some(v => v.resolved && v.text === '*'),
    awsPrincipals: awsValues.filter(v => v.text !== '*' || !v.resolved).map(v => classifyPrincipal(v.text, v.resolved, v.resources.length > 0)),
    otherPrincipals: Object.keys(principalBlock).some(k => k !== 'AWS'),
    actions,
    notAction: s.NotAction !== undefined,
    conditions: conditionsOf(stack, s.Condition),
  };
}

function classifyPrincipal(text: string, resolved: boolean, refersToStackResource: boolean): AwsPrincipal {
  if (!resolved) {
    return { resolved, text, root: false };
  }
  if (/^\d{12}$/.test(text) || text === OWN_ACCOUNT) {
    return { resolved, text, account: text, root: true };
  }
  const arn = /^arn:[^:]+:(?:iam|sts)::([^:]*):(.+)$/.exec(text);
  if (arn) {
    return { resolved, text, account: arn[1], root: arn[2] === 'root' };
  }
  if (refersToStackResource) {
    // A role or user of this stack: it lives in the deploying account.
    return { resolved, text, account: OWN_ACCOUNT, root: false };
  }
  return { resolved: false, text, root: false };
}

function conditionsOf(stack: Stack, block: unknown): Condition[] {
  if (!isObject(block)) {
    return [];
  }
  return Object.entries(block).flatMap(([operator, entries]) => isObject(entries)
    ? Object.entries(entries).map(([key, values]) => ({
      operator,
      key: key.toLowerCase(),
      values: toList(values).map(v => {
        const flat = flatten(stack, v);
        return flat.resolved ? flat.text : undefined;
      }),
    }))
    : []);
}

/** Whether `account` (12 digits or `OWN_ACCOUNT`) is the stack's own account. */
export function isOwnAccount(stack: Stack, account: string | undefined): boolean {
  return account === OWN_ACCOUNT || (account !== undefined && !Token.isUnresolved(stack.account) && account === stack.account);
}

/** Operators that admit only the listed values; negated and `...IfExists` operators do not restrict. */
const RESTRICTING_OPERATORS = ['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike'];

/** Whether a condition admits only callers whose values match, with no wildcard-only value. */
export function isRestricting(condition: Condition): boolean {
  const operator = condition.operator.toLowerCase().replace(/^for(any|all)value:/, '');
  return RESTRICTING_OPERATORS.includes(operator)
    && condition.values.length > 0
    && condition.values.every(v => v !== undefined && !/^[*?]*$/.test(v));
}

/** Condition keys that tie the caller to an account or organization. */
export const ACCOUNT_CONDITION_KEYS = ['aws:principalaccount', 'kms:calleraccount', 'aws:sourceaccount', 'aws:principalarn'];
export const ORG_CONDITION_KEYS = ['aws:principalorgid', 'aws:principalorgpaths', 'aws:sourceorgid', 'aws:sourceorgpaths'];

/** True when a statement's conditions restrict it to named accounts or organizations. */
export function restrictedToAccountOrOrg(statement: Statement): boolean {
  return statement.conditions.some(c => isRestricting(c)
    && (ORG_CONDITION_KEYS.includes(c.key)
      || (ACCOUNT_CONDITION_KEYS.includes(c.key) && c.values.every(v => accountOfConditionValue(c.key, v!) !== undefined))));
}

/** The account a value of an account condition key names, if it names one without wildcards. */
export function accountOfConditionValue(key: string, value: string): string | undefined {
  if (key === 'aws:principalarn') {
    const arn = /^arn:[^:]+:(?:iam|sts)::([^:]*):/.exec(value);
    return arn && isAccount(arn[1]) ? arn[1] : undefined;
  }
  return isAccount(value) ? value : undefined;
}

function isAccount(value: string): boolean {
  return /^\d{12}$/.test(value) || value === OWN_ACCOUNT;
}

/** Whether the statement allows every KMS action: `kms:*`, `*`, or any `NotAction`. */
export function allowsAllKmsActions(statement: Statement): boolean {
  return statement.notAction || statement.actions.some(a => a === '*' || a === 'kms:*');
}

function toList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
