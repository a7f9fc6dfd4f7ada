import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { flatten } from './strings';
import { alternatives, findResource, render } from './template';

/** What a resource's KMS key property names. */
export enum KeyKind {
  /** No key given: the service falls back to its AWS managed key (or no encryption). */
  ABSENT = 'absent',
  /** An AWS managed key (`alias/aws/<service>`). */
  AWS_MANAGED = 'aws-managed',
  /** A customer managed key: a key or alias of the stack, or a literal key ID, key ARN or alias. */
  CUSTOMER_MANAGED = 'customer-managed',
  /** Known only at deploy time (a parameter, an import): the rule cannot judge it. */
  UNRESOLVED = 'unresolved',
}

const KEY_TYPES = ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'];
const AWS_MANAGED_ALIAS = /(^|:)alias\/aws\//i;

/**
 * Classifies a rendered key property (`KmsKeyId`, `KMSMasterKeyID`, ...) of `node`.
 * An `Fn::If` counts as its worst branch.
 */
export function classifyKey(node: CfnResource, value: unknown): KeyKind {
  const kinds = alternatives(value).map(v => classifyOne(Stack.of(node), v));
  for (const kind of [KeyKind.ABSENT, KeyKind.AWS_MANAGED, KeyKind.UNRESOLVED]) {
    if (kinds.includes(kind)) {
      return kind;
    }
  }
  return KeyKind.CUSTOMER_MANAGED;
}

function classifyOne(stack: Stack, value: unknown): KeyKind {
  if (value === undefined || value === null || value === '') {
    return KeyKind.ABSENT;
  }
  const flat = flatten(stack, value);
  if (AWS_MANAGED_ALIAS.test(flat.text)) {
    return KeyKind.AWS_MANAGED;
  }
  if (!flat.resolved) {
    return KeyKind.UNRESOLVED;
  }
  if (flat.resources.length === 0) {
    // A literal key ID, key ARN or customer alias (pseudo parameters allowed).
    return KeyKind.CUSTOMER_MANAGED;
  }
  const kinds = flat.resources.map(id => kindOfResource(stack, id));
  return kinds.includes(KeyKind.AWS_MANAGED) ? KeyKind.AWS_MANAGED
    : kinds.every(k => k === KeyKind.CUSTOMER_MANAGED) ? KeyKind.CUSTOMER_MANAGED
      : KeyKind.UNRESOLVED;
}

/** A key or alias resource of the stack is customer managed, unless the alias is `alias/aws/...`. */
function kindOfResource(stack: Stack, logicalId: string): KeyKind {
  const resource = findResource(stack, logicalId);
  if (!resource) {
    return KeyKind.UNRESOLVED;
  }
  if (KEY_TYPES.includes(resource.cfnResourceType)) {
    return KeyKind.CUSTOMER_MANAGED;
  }
  if (resource.cfnResourceType === 'AWS::KMS::Alias') {
    const name = flatten(stack, render(resource).properties.AliasName);
    return AWS_MANAGED_ALIAS.test(name.text) ? KeyKind.AWS_MANAGED
      : name.resolved ? KeyKind.CUSTOMER_MANAGED : KeyKind.UNRESOLVED;
  }
  // Some other resource's attribute: not something the rules can vouch for.
  return KeyKind.UNRESOLVED;
}

/** The verdict of a "uses a customer managed key" rule for one key property. */
export function requireCustomerManagedKey(node: CfnResource, value: unknown): NagRuleCompliance {
  switch (classifyKey(node, value)) {
    case KeyKind.CUSTOMER_MANAGED:
      return NagRuleCompliance.COMPLIANT;
    case KeyKind.UNRESOLVED:
      return NagRuleCompliance.NOT_APPLICABLE;
    default:
      return NagRuleCompliance.NON_COMPLIANT;
  }
}

/** Combines verdicts: any failure fails, else any N/A is N/A, else compliant. */
export function worstOf(verdicts: NagRuleCompliance[]): NagRuleCompliance {
  if (verdicts.includes(NagRuleCompliance.NON_COMPLIANT)) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  if (verdicts.includes(NagRuleCompliance.NOT_APPLICABLE) || verdicts.length === 0) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return NagRuleCompliance.COMPLIANT;
}
