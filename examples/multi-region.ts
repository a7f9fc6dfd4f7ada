// A multi-Region KMS key for disaster recovery: the primary key in us-east-1 and replicas
// in eu-west-1 and eu-central-1. Data encrypted under the key in one Region can be
// decrypted in the others without re-encryption, because related multi-Region keys share
// their key ID and key material.
//
// The app has three stacks: MultiRegionExample (the primary key, its alias and the key
// administrator) and the two replica stacks the MultiRegionKeySet creates beside it,
// MultiRegionExample-DataKey-eu-west-1 and MultiRegionExample-DataKey-eu-central-1. Each
// replica stack depends on the primary stack, so `cdk deploy --all` deploys the primary
// first, and reads the primary key ARN from the primary stack's outputs at deployment.
//
// Synthesize: npx cdk synth --app "npx tsx examples/multi-region.ts"     (into cdk.out/)
//             npx tsx examples/multi-region.ts    (into a temporary directory it prints)
// Deploy:     replace the account ID below with yours, bootstrap the three Regions
//             (npx cdk bootstrap aws://<account>/us-east-1 aws://<account>/eu-west-1
//             aws://<account>/eu-central-1), then
//   npx cdk deploy --app "npx tsx examples/multi-region.ts" --all
//
// Grants: `set.grantDecrypt(role)` gives a role decrypt on the key in every Region at once
// (see the README). This example leaves workloads out, so it holds no IAM policy to review.
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MultiRegionKeySet } from '../src';

export const ACCOUNT = '111111111111';
export const PRIMARY_REGION = 'us-east-1';
export const REPLICA_REGIONS = ['eu-west-1', 'eu-central-1'];

/** The primary stack: the key administrator and the set, which adds the replica stacks. */
export class MultiRegionKeysStack extends Stack {
  public readonly keys: MultiRegionKeySet;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Administers the key in every Region (policy, rotation, deletion, aliases, tags) but cannot use it.
    const keyAdmin = new iam.Role(this, 'KeyAdminRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Administers the multi-Region data key; cannot use it',
    });

    this.keys = new MultiRegionKeySet(this, 'DataKey', {
      replicaRegions: REPLICA_REGIONS,
      alias: 'orders/data',
      admins: [keyAdmin],
    });

    // What a DR runbook needs: the key ARN in each Region. The alias is the same everywhere.
    new CfnOutput(this, 'PrimaryKeyArn', { value: this.keys.primaryKey.keyArn, description: `The key in ${PRIMARY_REGION}` });
    for (const region of REPLICA_REGIONS) {
      new CfnOutput(this.keys.replicaStack(region), 'ReplicaKeyArn', {
        value: this.keys.replicaKey(region).keyArn,
        description: `The replica key in ${region}; use it (or ${this.keys.aliasName}) in this Region`,
      });
    }
  }
}

/** Builds the example app without synthesizing it. */
export function build(outdir?: string): App {
  const app = new App({ outdir });
  new MultiRegionKeysStack(app, 'MultiRegionExample', {
    env: { account: ACCOUNT, region: PRIMARY_REGION },
    description: 'cdk-kms-patterns example: a MultiRegionKeySet primary key (replicas in their own stacks)',
  });
  return app;
}

if (require.main === module) {
  const assembly = build().synth();
  if (!process.env.CDK_OUTDIR) {
    // Not run by the CDK CLI: App() synthesizes into a fresh temporary directory.
    console.log(`Synthesized into ${assembly.directory}`);
  }
}
