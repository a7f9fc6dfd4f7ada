import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { ORG_CONDITION_KEYS, accountOfConditionValue, isOwnAccount, isRestricting, judgeKeyPolicy } from '../private/policy-reader';

/** What the standard lets a key policy open to other accounts. */
export interface CrossAccountAllowList {
  /** Account IDs and principal ARNs outside the deploying account. */
  readonly principals: readonly string[];
  /** Organization IDs (`o-...`) an Allow may name in an organization condition. */
  readonly organizationIds: readonly string[];
}

const ACCOUNT_KEYS = ['aws:principalaccount', 'kms:calleraccount', 'aws:sourceaccount', 'aws:principalarn'];

/**
 * EncStd-KMS8: every account an Allow statement reaches outside the deploying account
 * is on the standard's list: `AWS` principals of other accounts, and the accounts
 * and organizations named in account and organization conditions. In an
 * environment-agnostic stack any literal account counts as another account.
 */
export function kmsCrossAccountAllowed(allowed: CrossAccountAllowList): (node: CfnResource) => NagRuleCompliance {
  return function kmsCrossAccount(node: CfnResource): NagRuleCompliance {
    return judgeKeyPolicy(node, statements => {
      const stack = Stack.of(node);
      const accountAllowed = (account: string | undefined, text: string) =>
        isOwnAccount(stack, account) || allowed.principals.includes(text) || (account !== undefined && allowed.principals.includes(account));
      let unknown = false;
      for (const s of statements.filter(st => st.allow)) {
        for (const p of s.awsPrincipals) {
          if (!p.resolved) {
            unknown = true;
          } else if (!accountAllowed(p.account, p.text)) {
            return NagRuleCompliance.NON_COMPLIANT;
          }
        }
        for (const c of s.conditions.filter(isRestrictingOrUnknown)) {
          for (const value of c.values) {
            if (value === undefined) {
              unknown = unknown || ACCOUNT_KEYS.includes(c.key) || ORG_CONDITION_KEYS.includes(c.key);
            } else if (ORG_CONDITION_KEYS.includes(c.key)) {
              if (!allowed.organizationIds.includes(value.split('/')[0])) {
                return NagRuleCompliance.NON_COMPLIANT;
              }
            } else if (ACCOUNT_KEYS.includes(c.key) && !accountAllowed(accountOfConditionValue(c.key, value), value)) {
              return NagRuleCompliance.NON_COMPLIANT;
            }
          }
        }
      }
      return unknown ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.COMPLIANT;
    });
  };
}

/** Positive operators, whether or not every value is known. */
function isRestrictingOrUnknown(c: Parameters<typeof isRestricting>[0]): boolean {
  return isRestricting({ ...c, values: c.values.map(v => v ?? 'unknown') });
}
