import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { KEY, REPLICA_KEY } from '../private/kms';
import { literalBoolean, render } from '../private/template';

/**
 * EncStd-KMS10: no multi-Region keys (`MultiRegion: true` keys and every replica key)
 * when the standard forbids them. With `allowed` true the rule passes everything.
 */
export function kmsMultiRegionAllowed(allowed: boolean): (node: CfnResource) => NagRuleCompliance {
  return function kmsMultiRegion(node: CfnResource): NagRuleCompliance {
    if (node.cfnResourceType === REPLICA_KEY) {
      return allowed ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    if (node.cfnResourceType !== KEY) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const raw = render(node).properties.MultiRegion;
    const multiRegion = raw === undefined ? false : literalBoolean(raw);
    if (multiRegion === undefined) {
      return allowed ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NOT_APPLICABLE;
    }
    return !multiRegion || allowed ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
}
