import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { flagAndCustomerManagedKey } from '../private/encrypted-with-cmk';
import { render } from '../private/template';

/**
 * EncStd-RDS1: the DB instance or cluster has `StorageEncrypted: true` and a
 * customer managed `KmsKeyId`. An instance of a cluster (`DBClusterIdentifier`) or a
 * read replica (`SourceDBInstanceIdentifier`) takes its encryption from the cluster
 * or the source: N/A here, judged there.
 */
export function rdsCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  const type = node.cfnResourceType;
  if (type !== 'AWS::RDS::DBInstance' && type !== 'AWS::RDS::DBCluster') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const props = render(node).properties;
  if (type === 'AWS::RDS::DBInstance' && (props.DBClusterIdentifier !== undefined || props.SourceDBInstanceIdentifier !== undefined)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return flagAndCustomerManagedKey(node, props.StorageEncrypted, props.KmsKeyId);
}
