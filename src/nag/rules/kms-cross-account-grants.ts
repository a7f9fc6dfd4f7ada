import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import {
  ACCOUNT_CONDITION_KEYS, ORG_CONDITION_KEYS, Statement, accountOfConditionValue, isOwnAccount, isRestricting, judgeKeyPolicy,
} from '../private/policy-reader';

/**
 * EncStd-KMS11: a key whose policy lets other accounts use it also denies
 * `kms:CreateGrant` to every principal unless the grant is for an AWS resource
 * (`kms:GrantIsForAWSResource` false, AWS Control Tower CT.KMS.PR.3). A grant allows
 * what it names without any of the key policy's Allow conditions (which accounts,
 * `kms:ViaService`, the required encryption context), to any grantee, in any account;
 * only an explicit Deny in the key policy still binds it. Without that Deny, a
 * principal of the key's account with `kms:CreateGrant` in IAM gives any principal
 * what the key policy was written to withhold. Keys used by no other account are N/A.
 */
export function kmsCrossAccountGrants(node: CfnResource): NagRuleCompliance {
  return judgeKeyPolicy(node, statements => {
    if (statements.some(deniesGrantsExceptForAwsResources)) {
      return NagRuleCompliance.COMPLIANT;
    }
    const reach = reachOfOtherAccounts(Stack.of(node), statements);
    return reach === 'yes' ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.NOT_APPLICABLE;
  });
}

/** Conditions a grant guard may carry besides the one on `kms:GrantIsForAWSResource`. */
const HARMLESS_GUARD_CONDITIONS = ['aws:principalisawsservice'];

/**
 * A Deny of `kms:CreateGrant` to everyone, applying whenever the grant is not for an AWS
 * resource (`Bool`/`BoolIfExists kms:GrantIsForAWSResource false`), narrowed by nothing
 * else but `aws:PrincipalIsAWSService` false (AWS services create grants for themselves).
 */
function deniesGrantsExceptForAwsResources(s: Statement): boolean {
  const coversCreateGrant = s.actions.some(a => a === '*' || a === 'kms:*' || a === 'kms:creategrant' || a === 'kms:create*');
  const onGrantFlag = s.conditions.filter(c => c.key === 'kms:grantisforawsresource');
  return !s.allow && s.starPrincipal && !s.notAction && coversCreateGrant
    && onGrantFlag.length === 1
    && /^bool(ifexists)?$/i.test(onGrantFlag[0].operator)
    && onGrantFlag[0].values.length === 1 && onGrantFlag[0].values[0]?.toLowerCase() === 'false'
    && s.conditions.every(c => c === onGrantFlag[0] || (HARMLESS_GUARD_CONDITIONS.includes(c.key) && c.values.every(v => v?.toLowerCase() === 'false')));
}

/** Whether an Allow reaches a principal outside the key's account: 'yes', 'no' or 'unknown'. */
function reachOfOtherAccounts(stack: Stack, statements: Statement[]): 'yes' | 'no' | 'unknown' {
  let unknown = false;
  for (const s of statements.filter(st => st.allow)) {
    for (const p of s.awsPrincipals) {
      if (!p.resolved || p.account === undefined) {
        unknown = true;
      } else if (!isOwnAccount(stack, p.account)) {
        return 'yes';
      }
    }
    for (const c of s.conditions.filter(co => isRestricting({ ...co, values: co.values.map(v => v ?? 'unknown') }))) {
      for (const value of c.values) {
        if (value === undefined) {
          unknown = unknown || ACCOUNT_CONDITION_KEYS.includes(c.key) || ORG_CONDITION_KEYS.includes(c.key);
        } else if (ORG_CONDITION_KEYS.includes(c.key)) {
          return 'yes';
        } else if (ACCOUNT_CONDITION_KEYS.includes(c.key) && !isOwnAccount(stack, accountOfConditionValue(c.key, value))) {
          return 'yes';
        }
      }
    }
  }
  return unknown ? 'unknown' : 'no';
}
