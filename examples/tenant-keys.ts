// Two ways to isolate tenants with customer-managed KMS keys:
//
//  - a TenantKey per tenant: the key policy admits only that tenant's roles, and only
//    under the tenant's encryption context (tenantId=<tenant>);
//  - one SharedTenantKey for every tenant: a role may use it only under the encryption
//    context that equals its own tenantId principal tag.
//
// Synthesize: npx cdk synth --app "npx tsx examples/tenant-keys.ts"     (into cdk.out/)
//             npx tsx examples/tenant-keys.ts    (into a temporary directory it prints)
// Deploy:     npx cdk deploy --app "npx tsx examples/tenant-keys.ts"
//
// The stack is environment-agnostic on purpose: nothing here needs a concrete account
// or Region at synth time, so the same template deploys into whichever account and
// Region the CLI credentials point at (a hard-coded placeholder account could only be
// synthesized, never deployed).
import { App, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SharedTenantKey, TenantKey } from '../src';

export class TenantKeysStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Administers the keys (policy, rotation, deletion, aliases, tags) but cannot
    // encrypt or decrypt. Assumed by principals of this account through IAM
    // (typically an SSO permission set for the security team).
    const keyAdmin = new iam.Role(this, 'KeyAdminRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Administers the tenant KMS keys; cannot use them',
    });

    // One dedicated key per tenant. Each tenant's workload runs as its own Lambda
    // execution role, which may use only its own tenant's key.
    for (const tenantId of ['acme', 'globex']) {
      const workload = new iam.Role(this, `${pascal(tenantId)}WorkloadRole`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Workload role of tenant ${tenantId}`,
      });
      const key = new TenantKey(this, `${pascal(tenantId)}Key`, {
        tenantId,
        admins: [keyAdmin],
      });
      // Encrypt and decrypt, only with the encryption context tenantId=<tenantId>.
      key.grantEncryptDecrypt(workload);
      acknowledgeInlineGrantPolicy(workload, [
        `Holds only the TenantKey grant of tenant ${tenantId}: kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom/To and`,
        `kms:GenerateDataKey(WithoutPlaintext) on the one key ARN behind alias/tenant/${tenantId}, conditioned on`,
        `kms:EncryptionContext:tenantId=${tenantId}. Inline on purpose: the permission belongs to this one role and`,
        'cannot outlive it, the one-to-one case AWS recommends inline policies for. A managed policy would gain nothing:',
        'the key policy denies these actions to every principal but this role, so the statement is useless anywhere else.',
      ].join(' '));
    }

    // One key shared by every tenant, isolated by the tenantId principal tag: a role
    // tagged tenantId=acme may only use encryption context tenantId=acme.
    const shared = new SharedTenantKey(this, 'SharedKey', {
      alias: 'shared/tenants',
      admins: [keyAdmin],
    });
    for (const tenantId of ['acme', 'globex']) {
      const role = new iam.Role(this, `${pascal(tenantId)}SharedKeyRole`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Role of tenant ${tenantId} on the shared tenant key`,
      });
      Tags.of(role).add(shared.tenantTagKey, tenantId);
      shared.grantTenantAccess(role);
      acknowledgeInlineGrantPolicy(role, [
        'Holds only the SharedTenantKey grant: kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom/To and',
        'kms:GenerateDataKey(WithoutPlaintext) on the one key ARN behind alias/shared/tenants, conditioned on',
        `kms:EncryptionContext:${shared.encryptionContextKey} equal to the caller's own ${shared.tenantTagKey} tag.`,
        'Inline on purpose: the shared key\'s policy leaves it to IAM which of the account\'s tagged principals may use',
        'the key, so this statement is the access decision. Inline, it belongs to exactly this role and cannot outlive it;',
        'a managed policy could be attached to further tagged roles and widen who can use the key.',
      ].join(' '));
    }
  }
}

/**
 * cdk-nag's NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs report every inline
 * IAM policy (IAMNoInlinePolicy). A grant to a role writes its statement into the
 * role's inline `DefaultPolicy`; this acknowledges the finding on that policy alone,
 * after review, so the role itself and any other policy stay checked.
 */
function acknowledgeInlineGrantPolicy(role: iam.Role, reason: string): void {
  const defaultPolicy = role.node.findChild('DefaultPolicy');
  Validations.of(defaultPolicy).acknowledge(
    { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason },
    { id: 'HIPAA.Security-IAMNoInlinePolicy', reason },
    { id: 'PCI.DSS.321-IAMNoInlinePolicy', reason },
  );
}

/** Builds the example app without synthesizing it. */
export function build(outdir?: string): App {
  const app = new App({ outdir });
  new TenantKeysStack(app, 'TenantKeysExample', {
    description: 'cdk-kms-patterns example: a TenantKey per tenant and a SharedTenantKey',
  });
  return app;
}

function pascal(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

if (require.main === module) {
  const assembly = build().synth();
  if (!process.env.CDK_OUTDIR) {
    // Not run by the CDK CLI: App() synthesizes into a fresh temporary directory.
    console.log(`Synthesized into ${assembly.directory}`);
  }
}
