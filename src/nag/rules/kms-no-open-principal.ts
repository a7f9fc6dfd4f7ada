import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { ACCOUNT_CONDITION_KEYS, ORG_CONDITION_KEYS, judgeKeyPolicy, restrictedToAccountOrOrg } from '../private/policy-reader';

/**
 * EncStd-KMS6: no Allow statement with a `*` principal (or a `NotPrincipal`) unless a
 * condition restricts it to named accounts or organizations (`aws:PrincipalAccount`,
 * `kms:CallerAccount`, `aws:SourceAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`,
 * `aws:PrincipalOrgPaths`, `aws:SourceOrgID`, `aws:SourceOrgPaths`, with a positive
 * operator and no wildcard-only value). Deny statements with `*` principals are
 * guard rails and always pass.
 */
export function kmsNoOpenPrincipal(node: CfnResource): NagRuleCompliance {
  return judgeKeyPolicy(node, statements => {
    let unknown = false;
    for (const s of statements.filter(st => st.allow && st.starPrincipal)) {
      if (restrictedToAccountOrOrg(s)) {
        continue;
      }
      // An account or organization given as a parameter restricts; its value is simply
      // not known until deployment.
      const keys = [...ACCOUNT_CONDITION_KEYS, ...ORG_CONDITION_KEYS];
      if (s.conditions.some(c => keys.includes(c.key) && c.values.includes(undefined))) {
        unknown = true;
        continue;
      }
      return NagRuleCompliance.NON_COMPLIANT;
    }
    return unknown ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.COMPLIANT;
  });
}
