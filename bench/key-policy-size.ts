// How the key policy grows with tenants: key-policy bytes per granted principal (KMS limit
// 32,768). Resources per stack: bench/stack-footprint.ts.
// Run: npx tsx bench/key-policy-size.ts
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SharedTenantKey, TenantKey } from '../src';

const ENV = { account: '111111111111', region: 'us-east-1' };

function template(build: (stack: Stack) => void): any {
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: ENV });
  build(stack);
  return app.synth().getStackByName('Bench').template;
}

/** The key under test, `K`; the stack's other keys (the provider's, the monitor's) are not measured. */
function keyPolicyBytes(t: any): number {
  const [, key] = Object.entries<any>(t.Resources).find(([id, r]) => r.Type === 'AWS::KMS::Key' && /^KKey[0-9A-F]{8}$/.test(id))!;
  return JSON.stringify(key.Properties.KeyPolicy).length;
}

const importedRole = (stack: Stack, i: number) =>
  iam.Role.fromRoleArn(stack, `R${i}`, `arn:aws:iam::111111111111:role/tenant-worker-${i}`, { mutable: false });

console.log('TenantKey: key-policy bytes by granted principals');
for (const n of [0, 1, 10, 100, 300, 450]) {
  const t = template(stack => {
    const key = new TenantKey(stack, 'K', { tenantId: 'acme' });
    for (let i = 0; i < n; i++) key.grantDecrypt(importedRole(stack, i));
  });
  console.log(`  ${String(n).padStart(4)} principals: ${keyPolicyBytes(t)} bytes`);
}

console.log('SharedTenantKey: key-policy bytes by tenant roles granted');
for (const n of [1, 100, 1000]) {
  const t = template(stack => {
    const key = new SharedTenantKey(stack, 'K', { alias: 'shared/tenants' });
    for (let i = 0; i < n; i++) key.grantTenantAccess(importedRole(stack, i));
  });
  console.log(`  ${String(n).padStart(4)} roles: ${keyPolicyBytes(t)} bytes`);
}

