// Integration test: a MultiRegionKeySet deploys a primary key in us-east-1 and replicas
// in us-west-2 and eu-west-1, in three stacks deployed in dependency order; KMS reports
// the primary as an enabled, customer-managed, multi-Region primary key that rotates
// every 365 days, with a replica in each replica Region.
//
// Offline (no AWS account): `npx projen integ` compares a fresh synthesis with the
// snapshot in integ.multi-region-key-set.ts.snapshot/; `npx projen integ:update` rewrites it.
// The stacks name their environment (cross-Region references need it): integ-runner
// synthesizes snapshots with CDK_INTEG_ACCOUNT=12345678, and a deployment takes the account
// of your credentials (CDK_DEFAULT_ACCOUNT). Against an account, bootstrap all three
// Regions first, then run the file's test with the usual command; integ-runner warns that
// the replica stacks synthesize for Regions other than the one requested, as they must:
//   npx cdk bootstrap aws://<account>/us-east-1 aws://<account>/us-west-2 aws://<account>/eu-west-1
//   AWS_REGION=us-east-1 npx integ-runner --directory integ --language typescript \
//     --app "tsx {filePath}" --parallel-regions us-east-1 --update-on-failed integ.multi-region-key-set.ts
// (deploys the four stacks in dependency order, runs the assertions from us-east-1, destroys).
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DISPOSABLE_KEY, integApp } from './integ-app';
import { MultiRegionKeySet } from '../src';

const ACCOUNT = process.env.CDK_INTEG_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111';
const PRIMARY_REGION = 'us-east-1';
const REPLICA_REGIONS = ['us-west-2', 'eu-west-1'];

const app = integApp();
const env = { account: ACCOUNT, region: PRIMARY_REGION };
const primary = new Stack(app, 'KmsPatternsMultiRegionInteg', { env });

const keyAdmin = new iam.Role(primary, 'KeyAdminRole', { assumedBy: new iam.AccountRootPrincipal() });

// Disposable keys (see integ-app.ts). KMS deletes the primary only after its replicas
// (it waits in PendingReplicaDeletion).
const keys = new MultiRegionKeySet(primary, 'Keys', {
  replicaRegions: REPLICA_REGIONS,
  alias: 'integ-multi-region/data',
  admins: [keyAdmin],
  ...DISPOSABLE_KEY,
});

// A workload in the primary Region and one in a replica Region, granted through the set.
const writer = new iam.Role(primary, 'WriterRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
keys.grantEncryptDecrypt(writer);
const drReader = new iam.Role(keys.replicaStack('eu-west-1'), 'DrReaderRole', {
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
});
keys.grantDecrypt(drReader);

// The assertions call KMS in us-east-1, so their stack lives there (with an explicit
// environment, to reference the primary key ID). From the primary's Region, DescribeKey
// lists the replicas: that they exist, in their Regions, as replicas of this key.
const assertions = new Stack(app, 'KmsPatternsMultiRegionIntegAssertions', { env });
const integ = new IntegTest(app, 'MultiRegionKeySetInteg', {
  testCases: [primary, ...REPLICA_REGIONS.map(r => keys.replicaStack(r))],
  assertionStack: assertions,
});

integ.assertions
  .awsApiCall('KMS', 'GetKeyRotationStatus', { KeyId: keys.primaryKey.keyId })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }));
for (const region of REPLICA_REGIONS) {
  integ.assertions
    .awsApiCall('KMS', 'DescribeKey', { KeyId: keys.primaryKey.keyId })
    .expect(ExpectedResult.objectLike({
      KeyMetadata: {
        KeyManager: 'CUSTOMER',
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyState: 'Enabled',
        MultiRegion: true,
        MultiRegionConfiguration: {
          MultiRegionKeyType: 'PRIMARY',
          ReplicaKeys: Match.arrayWith([Match.objectLike({ Region: region })]),
        },
      },
    }));
}
integ.assertions
  .awsApiCall('KMS', 'DescribeKey', { KeyId: keys.aliasName })
  .expect(ExpectedResult.objectLike({ KeyMetadata: { MultiRegion: true, KeyState: 'Enabled' } }));

app.synth();
