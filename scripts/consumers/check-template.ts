// Asserts on what a consumer app (consumers/<language>/) synthesized: the template of stack
// KmsPatternsConsumer shows the library's guarantees (TenantKey, SharedTenantKey and
// RotatedSecret: rotation on, Retain, the alias, the tenant Deny statements, the grant, the
// secret's schedule), and the validation report has no failed plugin. With a reference
// assembly (the TypeScript consumer's), the template must be the same: a jsii binding that
// changed a prop, a default or a construct ID shows as a difference.
// Usage: npx tsx scripts/consumers/check-template.ts <language> <cdk.out> [<reference cdk.out>]
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';

const STACK = 'KmsPatternsConsumer';
type Resource = { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Template = { Resources: Record<string, Resource> };

const [language, outdir, reference] = process.argv.slice(2);
if (!language || !outdir) {
  throw new Error('usage: check-template.ts <language> <cdk.out> [<reference cdk.out>]');
}
const failures: string[] = [];
function expect(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}
function readTemplate(dir: string): Template {
  const file = path.join(dir, `${STACK}.template.json`);
  if (!fs.existsSync(file)) {
    throw new Error(`consumer test (${language}): no ${file}: the app did not synthesize stack ${STACK}`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

const template = readTemplate(outdir);
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const refersTo = (value: unknown, id: string) => JSON.stringify(value ?? null).includes(`"${id}"`);

/** The key behind alias `name`, checked for rotation, Retain and the Deny statements named. */
function checkAliasedKey(construct: string, name: string, denies: string[]): string | undefined {
  const alias = ofType('AWS::KMS::Alias').find(([, r]) => r.Properties?.AliasName === name);
  expect(alias !== undefined, `${construct}: an AWS::KMS::Alias named ${name}`);
  const keyId = alias?.[1].Properties.TargetKeyId?.['Fn::GetAtt']?.[0];
  const key = keyId ? template.Resources[keyId] : undefined;
  expect(key?.Type === 'AWS::KMS::Key', `${construct}: alias ${name} targets a key of this stack`);
  if (!key) return undefined;
  expect(key.Properties?.EnableKeyRotation === true, `${construct}: key ${keyId} has EnableKeyRotation true`);
  expect(key.DeletionPolicy === 'Retain' && key.UpdateReplacePolicy === 'Retain', `${construct}: key ${keyId} has DeletionPolicy and UpdateReplacePolicy Retain`);
  const statements: any[] = key.Properties?.KeyPolicy?.Statement ?? [];
  for (const sid of denies) {
    expect(statements.some(s => s.Sid === sid && s.Effect === 'Deny'), `${construct}: key ${keyId}'s policy has the Deny statement ${sid}`);
  }
  return keyId;
}

// TenantKey 'Acme' { tenantId: 'acme' }, granted to role AcmeService.
const acmeKey = checkAliasedKey('TenantKey', 'alias/tenant/acme', ['KmsPatternsDenyNonTenantPrincipals', 'KmsPatternsDenyOutsideTenantEncryptionContext', 'KmsPatternsDenyKeyManagementExceptToManagers']);
const acmeDeny = acmeKey && template.Resources[acmeKey].Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'KmsPatternsDenyOutsideTenantEncryptionContext');
expect(JSON.stringify(acmeDeny?.Condition ?? {}).includes('"kms:EncryptionContext:tenantId":"acme"'), 'TenantKey: the context Deny requires tenantId = acme');
const role = ofType('AWS::IAM::Role').find(([id]) => id.startsWith('AcmeService'));
const grant = role && acmeKey && ofType('AWS::IAM::Policy').find(([, p]) =>
  refersTo(p.Properties.Roles, role[0]) && (p.Properties.PolicyDocument.Statement as any[]).some(s =>
    refersTo(s.Resource, acmeKey) && [s.Action].flat().includes('kms:Decrypt')));
expect(grant !== undefined, 'TenantKey: grantEncryptDecrypt gave role AcmeService kms:Decrypt on the Acme key');

// SharedTenantKey 'Shared' { alias: 'shared/tenants' }.
checkAliasedKey('SharedTenantKey', 'alias/shared/tenants', ['KmsPatternsDenyPrincipalsWithoutTenantTag', 'KmsPatternsDenyOutsideTenantEncryptionContext', 'KmsPatternsDenyReEncrypt']);

// RotatedSecret 'ApiToken', rotated every 30 days by RandomTokenRotation 'TokenRotation'.
const secrets = ofType('AWS::SecretsManager::Secret').filter(([id]) => id.startsWith('ApiToken'));
expect(secrets.length === 1, 'RotatedSecret: one secret ApiToken…');
for (const [id, secret] of secrets) {
  expect(secret.DeletionPolicy === 'Retain', `RotatedSecret: secret ${id} has DeletionPolicy Retain`);
  const keyId = secret.Properties?.KmsKeyId?.['Fn::GetAtt']?.[0];
  const key = keyId ? template.Resources[keyId] : undefined;
  expect(key?.Type === 'AWS::KMS::Key' && key.Properties?.EnableKeyRotation === true && key.DeletionPolicy === 'Retain',
    `RotatedSecret: secret ${id} is encrypted under a key of this stack with rotation on and Retain`);
  const schedule = ofType('AWS::SecretsManager::RotationSchedule').find(([, s]) => refersTo(s.Properties?.SecretId, id));
  expect(schedule?.[1].Properties?.RotationRules?.ScheduleExpression === 'rate(30 days)', `RotatedSecret: secret ${id} rotates on rate(30 days)`);
  expect(JSON.stringify(schedule?.[1].Properties?.RotationLambdaARN ?? null).includes('"TokenRotationFunction'),
    `RotatedSecret: secret ${id}'s schedule invokes the TokenRotation function`);
}
// RotationVerification, added by the constructs: a deploy-time check per key and secret.
expect(ofType('Custom::KmsPatternsRotationVerification').length >= 1, 'RotationVerification: at least one Custom::KmsPatternsRotationVerification');

// The EncryptionStandardsChecks validation plugin: no failed report.
const reportFile = path.join(outdir, 'policy-validation-report.json');
if (fs.existsSync(reportFile)) {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
  const failed = (report.pluginReports ?? []).filter((r: any) => r.summary?.status !== 'success');
  expect(failed.length === 0, `EncryptionStandardsChecks: no failed validation report (got ${JSON.stringify(failed).slice(0, 500)})`);
}

if (reference) {
  const expected = readTemplate(reference);
  const differing = [...new Set([...Object.keys(expected.Resources), ...Object.keys(template.Resources)])]
    .filter(id => !isDeepStrictEqual(expected.Resources[id], template.Resources[id]));
  expect(differing.length === 0 && isDeepStrictEqual(expected, template),
    `the template equals the TypeScript consumer's (resources that differ: ${differing.join(', ') || 'none, other sections differ'})`);
}

if (failures.length > 0) {
  console.error(`consumer test (${language}): FAILED, ${failures.length} assertion(s) on ${path.join(outdir, STACK)}.template.json:\n  - ${failures.join('\n  - ')}`);
  process.exit(1);
}
console.log(`consumer test (${language}): ${resources.length} resources; TenantKey, SharedTenantKey and RotatedSecret hold${reference ? '; same template as TypeScript' : ''}`);
