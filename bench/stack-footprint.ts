// What the library puts in a stack, and how it grows with tenants: resources (stack limit
// 500) per TenantKey under each combination of the default checks, the fixed part each
// check adds per stack, and the managed policies the rotation verification's role needs.
// Run: npx tsx bench/stack-footprint.ts
import { App, Stack } from 'aws-cdk-lib';
import { EncryptionMonitor, MonitorScope, MonitorTrail, TenantKey, TenantKeyProps } from '../src';

const ENV = { account: '111111111111', region: 'us-east-1' };
const STACK_LIMIT = 500;

/** The template of a stack with `n` TenantKeys; `accountMonitor` creates an ACCOUNT-scope monitor first. */
function template(n: number, options: Partial<TenantKeyProps>, accountMonitor = false): any {
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: ENV });
  if (accountMonitor) {
    new EncryptionMonitor(stack, 'EncryptionMonitor', { trail: MonitorTrail.existing(), scope: MonitorScope.ACCOUNT });
  }
  for (let i = 0; i < n; i++) {
    new TenantKey(stack, `Tenant${i}`, { tenantId: `tenant-${i}`, ...options });
  }
  return app.synth().getStackByName('Bench').template;
}

const resources = (t: any): number => Object.keys(t.Resources).length;
const ofType = (t: any, type: string): number => Object.values<any>(t.Resources).filter(r => r.Type === type).length;

console.log('TenantKey: resources per stack by checks on');
const CASES: Array<[string, Partial<TenantKeyProps>, boolean]> = [
  ['verifyRotation + monitoring (defaults)', {}, false],
  ['verifyRotation + ACCOUNT-scope monitor', {}, true],
  ['verifyRotation only', { monitoring: false }, false],
  ['monitoring only', { verifyRotation: false }, false],
  ['neither', { verifyRotation: false, monitoring: false }, false],
];
for (const [name, options, accountMonitor] of CASES) {
  const one = resources(template(1, options, accountMonitor));
  const two = resources(template(2, options, accountMonitor));
  const perTenant = two - one;
  const fixed = one - perTenant;
  console.log(`  ${name.padEnd(40)} ${fixed} per stack + ${perTenant} per tenant -> at most ${Math.floor((STACK_LIMIT - fixed) / perTenant)} tenants per stack`);
}

console.log('Default monitor (keys listed by ID): the most keys per stack before the event patterns overflow');
let fits = 0;
for (let n = 1; n <= 150; n++) {
  try {
    template(n, {});
    fits = n;
  } catch {
    break;
  }
}
console.log(`  ${fits} TenantKeys`);

console.log('Rotation verification: managed policies of the provider\'s role (IAM: 10 per role)');
for (const n of [1, 50, 100, 150]) {
  console.log(`  ${String(n).padStart(4)} verified keys: ${ofType(template(n, { monitoring: false }), 'AWS::IAM::ManagedPolicy')} policies`);
}
