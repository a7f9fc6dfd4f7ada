import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isKmsKey } from '../private/kms';
import { allowsAllKmsActions, isOwnAccount, keyPolicyOf } from '../private/policy-reader';

/**
 * EncStd-KMS5: the key policy keeps the account-root delegation: an unconditional
 * Allow of `kms:*` to the key's own account root, which lets IAM policies in the
 * account grant use of the key and keeps the key manageable. No `KeyPolicy` at all
 * means KMS's default policy, which is exactly that.
 */
export function kmsRootDelegation(node: CfnResource): NagRuleCompliance {
  if (!isKmsKey(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const policy = keyPolicyOf(node);
  if (policy.kind === 'absent') {
    return NagRuleCompliance.COMPLIANT;
  }
  if (policy.kind === 'unresolved') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const stack = Stack.of(node);
  const delegates = policy.statements.some(s => s.allow
    && allowsAllKmsActions(s)
    && !s.notAction
    && s.conditions.length === 0
    && s.awsPrincipals.some(p => p.root && isOwnAccount(stack, p.account)));
  return delegates ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
