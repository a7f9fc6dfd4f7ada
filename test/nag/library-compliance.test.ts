// Every construct of this library, and every app in examples/, passes the
// EncryptionStandardsChecks pack with zero findings at default settings.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV, encStdFindings } from './enc-std';
import { CrossAccountDecryptKey, ServiceExemption, SharedTenantKey, TenantKey } from '../../src';
import { synthesizeExamples } from '../helpers/examples';
import { formatNagFindings } from '../helpers/nag';

const TMP_DIR = path.resolve(__dirname, '..', '..', '.tmp', 'nag-library-compliance');

/** A Lambda role, tagged `tenantId=<tenant>` when given. */
function role(scope: Construct, id: string): iam.Role {
  return new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/** Each configuration of the library's constructs that changes the key or its policy. */
const CONFIGURATIONS: Record<string, (stack: Stack) => void> = {
  'TenantKey, defaults': (stack) => {
    new TenantKey(stack, 'Tenant', { tenantId: 'acme' }).grantEncryptDecrypt(role(stack, 'Workload'));
  },
  'TenantKey, admins, tag, service exemptions, no grant guard': (stack) => {
    const key = new TenantKey(stack, 'Tenant', {
      tenantId: 'acme',
      admins: [role(stack, 'Admin')],
      tenantTagKey: 'tenant',
      serviceExemptions: [ServiceExemption.s3(), ServiceExemption.secretsManager(), ServiceExemption.sqs('eu-central-1')],
      restrictGrantsToAwsServices: false,
    });
    key.grantEncrypt(role(stack, 'Writer'));
    key.grantDecrypt(role(stack, 'Reader'));
  },
  'SharedTenantKey, defaults': (stack) => {
    new SharedTenantKey(stack, 'Shared', { alias: 'shared/tenants' }).grantTenantAccess(role(stack, 'Workload'));
  },
  'SharedTenantKey, admins and exemptions': (stack) => {
    new SharedTenantKey(stack, 'Shared', {
      alias: 'alias/shared/tenants',
      admins: [role(stack, 'Admin')],
      serviceExemptions: [ServiceExemption.s3()],
    }).grantTenantAccess(role(stack, 'Workload'));
  },
};

describe.each(Object.entries(CONFIGURATIONS))('%s', (_name, build) => {
  test.each([
    ['with env', ENV],
    ['environment-agnostic', undefined],
  ])('has no finding %s', (_env, env) => {
    const stack = new Stack(new App(), 'Stack', { env });
    build(stack);
    expect(formatNagFindings(encStdFindings(stack))).toBe('no cdk-nag findings');
  });
});

// CrossAccountDecryptKey has no principal Deny: without the CreateGrant Deny, a grant made
// in its own account reaches any account, outside the consumer list, viaServices and context.
describe('CrossAccountDecryptKey and EncStd-KMS11', () => {
  test.each<[string, boolean, string[]]>([
    ['passes with the CreateGrant Deny (the default)', true, []],
    ['is flagged with restrictGrantsToAwsServices: false', false, ['EncStd-KMS11']],
  ])('%s', (_name, restrictGrantsToAwsServices, expected) => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    new CrossAccountDecryptKey(stack, 'Shared', { consumerAccountIds: ['222222222222'], restrictGrantsToAwsServices });
    const findings = encStdFindings(stack, { allowedCrossAccountPrincipals: ['222222222222'] });
    expect(findings.map(f => f.ruleId)).toEqual(expected);
  });
});

describe('examples', () => {
  const examples = synthesizeExamples(TMP_DIR);

  test('there are examples to check', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  test.each(examples.map(e => [`${e.example}/${e.stackName}`, e]))('%s has no finding at default settings', (_name, example) => {
    expect(formatNagFindings(encStdFindings(example.stack))).toBe('no cdk-nag findings');
  });
});
