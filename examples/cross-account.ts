// Sharing decryption with another account, both halves:
//
//  - the producer account (111111111111) owns a CrossAccountDecryptKey that the consumer
//    account (222222222222) may use to decrypt, only through Amazon S3 in us-east-1, and
//    never to encrypt, generate data keys or administer the key;
//  - the consumer account gives one of its own roles the IAM half with
//    CrossAccountDecryptKey.grantConsumer, knowing nothing but the key's ARN.
//
// Cross-account access needs both: the key policy names the consumer account, and the
// consumer account's IAM policy names the key. Reading the producer's S3 objects also
// needs the bucket policy to allow the consumer role (not shown: the bucket is not the
// point here).
//
// Synthesize: npx cdk synth --app "npx tsx examples/cross-account.ts"     (into cdk.out/)
//             npx tsx examples/cross-account.ts    (into a temporary directory it prints)
// Deploy:     replace the two account IDs below with yours, deploy the producer stack with
//             producer-account credentials, then the consumer stack with consumer-account
//             credentials and the key ARN the producer stack outputs:
//   npx cdk deploy --app "npx tsx examples/cross-account.ts" CrossAccountProducerExample
//   npx cdk deploy --app "npx tsx examples/cross-account.ts" -c producerKeyArn=<KeyArn output> CrossAccountConsumerExample
//
// Unlike tenant-keys.ts, these stacks name their accounts: the key policy must name the
// consumer account, and a stack may not reference another account's resources, so the
// consumer learns the key ARN through context (the placeholder below is for synthesis).
import { App, CfnOutput, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CrossAccountDecryptKey } from '../src';

export const PRODUCER_ACCOUNT = '111111111111';
export const CONSUMER_ACCOUNT = '222222222222';
export const REGION = 'us-east-1';
/** Consumers decrypt only through S3 in the key's Region, never with a direct KMS call. */
export const VIA_SERVICES = [`s3.${REGION}.amazonaws.com`];
/** Stands in for the producer's key ARN until `-c producerKeyArn=...` gives the real one. */
export const PLACEHOLDER_KEY_ARN = `arn:aws:kms:${REGION}:${PRODUCER_ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;

/** The producer account: the key, its administrator, and the consumer's half as an output. */
export class ProducerStack extends Stack {
  public readonly key: CrossAccountDecryptKey;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Administers the key (policy, rotation, deletion, alias, tags) but cannot decrypt.
    const keyAdmin = new iam.Role(this, 'KeyAdminRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Administers the shared-data KMS key; cannot use it',
    });

    this.key = new CrossAccountDecryptKey(this, 'SharedDataKey', {
      alias: 'shared/reports',
      consumerAccountIds: [CONSUMER_ACCOUNT],
      viaServices: VIA_SERVICES,
      admins: [keyAdmin],
    });
    // The organisation's standard (EncryptionStandardsChecks) lists approved consumer
    // accounts; in a real app, add the consumer to `allowedCrossAccountPrincipals`.
    Validations.of(this.key).acknowledge({
      id: 'EncStd-KMS8',
      reason: `Account ${CONSUMER_ACCOUNT} is the consumer this example exists to show; it may only Decrypt/DescribeKey through ${VIA_SERVICES.join(', ')}.`,
    });

    new CfnOutput(this, 'KeyArn', {
      description: 'Give this to the consumer account: its IAM policy must name the key ARN (not the alias)',
      value: this.key.keyArn,
    });
    // For consumers that do not use the CDK: the statement to attach to their role.
    new CfnOutput(this, 'ConsumerPolicyStatement', {
      description: 'The IAM statement a consumer role needs, as JSON',
      value: this.toJsonString(this.key.consumerPolicyStatement().toStatementJson()),
    });
  }
}

export interface ConsumerStackProps extends StackProps {
  /** The producer's key ARN. */
  readonly producerKeyArn: string;
}

/** The consumer account: a role that reads the producer's S3 data, with the IAM half. */
export class ConsumerStack extends Stack {
  public readonly reader: iam.Role;

  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id, props);

    this.reader = new iam.Role(this, 'ReportReaderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reads the reports the producer account shares, through S3',
    });
    CrossAccountDecryptKey.grantConsumer(this.reader, props.producerKeyArn, { viaServices: VIA_SERVICES });

    // cdk-nag's NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs report every inline
    // IAM policy (IAMNoInlinePolicy); a grant to a role writes its statement into the
    // role's inline DefaultPolicy. Acknowledged on that policy alone, after review.
    const reason = [
      'Holds only the cross-account grant: kms:Decrypt and kms:DescribeKey on the one producer key ARN, conditioned',
      `on kms:ViaService ${VIA_SERVICES.join(', ')}. Inline on purpose: the permission belongs to this one role and`,
      'cannot outlive it, the one-to-one case AWS recommends inline policies for; a managed policy could be attached to',
      'further roles and widen who in this account can decrypt the producer\'s data.',
    ].join(' ');
    Validations.of(this.reader.node.findChild('DefaultPolicy')).acknowledge(
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason },
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason },
      { id: 'PCI.DSS.321-IAMNoInlinePolicy', reason },
    );
  }
}

/** Builds the example app without synthesizing it. */
export function build(outdir?: string): App {
  const app = new App({ outdir });
  new ProducerStack(app, 'CrossAccountProducerExample', {
    env: { account: PRODUCER_ACCOUNT, region: REGION },
    description: 'cdk-kms-patterns example: a CrossAccountDecryptKey in the producer account',
  });
  new ConsumerStack(app, 'CrossAccountConsumerExample', {
    env: { account: CONSUMER_ACCOUNT, region: REGION },
    description: 'cdk-kms-patterns example: a consumer-account role that decrypts with the producer\'s key',
    producerKeyArn: app.node.tryGetContext('producerKeyArn') ?? PLACEHOLDER_KEY_ARN,
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
