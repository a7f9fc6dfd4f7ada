import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { allowsAllKmsActions, isOwnAccount, judgeKeyPolicy } from '../private/policy-reader';

/**
 * EncStd-KMS7: only the key's own account root is allowed `kms:*` (or `*`, or a
 * `NotAction`, which allows every other action): any other principal with it can
 * change the key policy, disable the key or schedule its deletion.
 */
export function kmsNoWildcardActions(node: CfnResource): NagRuleCompliance {
  return judgeKeyPolicy(node, statements => {
    const stack = Stack.of(node);
    let unknown = false;
    for (const s of statements.filter(st => st.allow && allowsAllKmsActions(st))) {
      if (s.starPrincipal || s.otherPrincipals) {
        return NagRuleCompliance.NON_COMPLIANT;
      }
      for (const p of s.awsPrincipals) {
        if (!p.resolved) {
          unknown = true;
        } else if (!p.root || !isOwnAccount(stack, p.account)) {
          return NagRuleCompliance.NON_COMPLIANT;
        }
      }
    }
    return unknown ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.COMPLIANT;
  });
}
