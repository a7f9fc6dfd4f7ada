// A database password that rotates every 7 days under a customer-managed key, and a
// deploy-time check that its rotation really is on.
//
//  - RotatedSecret creates the key (rotation on, RETAIN, the library's key policy), the
//    secret, and a rotation schedule using Secrets Manager's hosted rotation function for
//    PostgreSQL (single user), which gets the key's ARN so it may use it.
//  - A RotationVerification (added by RotatedSecret) runs after the schedule exists and
//    fails the stack's creation if the secret's rotation or the key's rotation is off.
//
// Synthesize: npx cdk synth --app "npx tsx examples/rotated-secret.ts"     (into cdk.out/)
//             npx tsx examples/rotated-secret.ts    (into a temporary directory it prints)
// Deploy:     npx cdk deploy --app "npx tsx examples/rotated-secret.ts"
//
// Environment-agnostic like the other examples. The hosted rotation function needs
// network access to the database; for a database in a VPC pass `vpc` (and subnets)
// to HostedRotation.postgreSqlSingleUser.
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RotatedSecret } from '../src';

export class RotatedSecretStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const password = new RotatedSecret(this, 'DbPassword', {
      description: 'Password of the application\'s PostgreSQL user',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ engine: 'postgres', username: 'app', host: 'db.internal', port: 5432 }),
        generateStringKey: 'password',
        excludePunctuation: true,
      },
      hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(),
      rotationInterval: Duration.days(7),
    });
    // Readers: password.grantRead(role) grants GetSecretValue/DescribeSecret on this
    // secret and kms:Decrypt on its key only through Secrets Manager.
    void password;
  }
}

/** Builds the example app without synthesizing it. */
export function build(outdir?: string): App {
  const app = new App({ outdir });
  new RotatedSecretStack(app, 'RotatedSecretExample', {
    description: 'cdk-kms-patterns example: a RotatedSecret with hosted rotation and a deploy-time rotation check',
  });
  return app;
}

if (require.main === module) {
  const assembly = build().synth();
  if (!process.env.CDK_OUTDIR) {
    console.log(`Synthesized into ${assembly.directory}`);
  }
}
