// An API token that rotates every 30 days under a customer-managed key, with a rotation
// function of the library's own, and a deploy-time check that its rotation really works.
//
//  - RandomTokenRotation is the rotation function: each rotation stores a new random token
//    (GetRandomPassword) as AWSPENDING, checks it, and makes it AWSCURRENT. Nothing outside
//    Secrets Manager holds the token, so it needs no database, no VPC and no network beyond
//    the Secrets Manager API: it rotates in a fresh account as deployed.
//  - RotatedSecret creates the key (rotation on, RETAIN, the library's key policy), the
//    secret and its rotation schedule; the schedule grants the function what rotating this
//    one secret needs, and Secrets Manager rotates at once on create.
//  - A RotationVerification (added by RotatedSecret) runs after the schedule exists and
//    fails the stack's creation if the secret's rotation or the key's rotation is off.
//
// Synthesize: npx cdk synth --app "npx tsx examples/rotated-secret.ts"     (into cdk.out/)
//             npx tsx examples/rotated-secret.ts    (into a temporary directory it prints)
// Deploy:     npx cdk deploy --app "npx tsx examples/rotated-secret.ts"
//
// Environment-agnostic like the other examples. For a database password, pass a hosted
// rotation instead (`secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc, ... })`),
// in the database's VPC, once the database exists: a hosted rotation against a host it
// cannot reach fails its first rotation.
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RandomTokenRotation, RotatedSecret } from '../src';

export class RotatedSecretStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const rotation = new RandomTokenRotation(this, 'TokenRotation', { tokenLength: 40 });
    const token = new RotatedSecret(this, 'ApiToken', {
      description: 'Token that clients of the partner API present',
      rotationLambda: rotation.function,
      rotationInterval: Duration.days(30),
    });
    // Readers: token.grantRead(role) grants GetSecretValue/DescribeSecret on this secret
    // and kms:Decrypt on its key only through Secrets Manager.
    void token;
  }
}

/** Builds the example app without synthesizing it. */
export function build(outdir?: string): App {
  const app = new App({ outdir });
  new RotatedSecretStack(app, 'RotatedSecretExample', {
    description: 'cdk-kms-patterns example: a RotatedSecret rotated by RandomTokenRotation, with a deploy-time rotation check',
  });
  return app;
}

if (require.main === module) {
  const assembly = build().synth();
  if (!process.env.CDK_OUTDIR) {
    console.log(`Synthesized into ${assembly.directory}`);
  }
}
