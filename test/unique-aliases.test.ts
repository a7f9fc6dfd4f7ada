import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { CrossAccountDecryptKey, MultiRegionKeySet, SharedTenantKey, TenantKey } from '../src';

// Issue 17, item 2. "CreateAlias" (AWS KMS API Reference): "The alias must be unique in the
// account and Region, but you can have aliases with the same name in different Regions."
// A second key with the same alias would fail its stack's deployment; refuse it at synth.

const quiet = { monitoring: false, verifyRotation: false };
const env = (region: string, account = '111111111111') => ({ account, region });

describe('aliases and tenants are unique within an app', () => {
  test('fails when two TenantKeys of one stack serve the same tenant', () => {
    const stack = new Stack(new App(), 'S', { env: env('us-east-1') });
    new TenantKey(stack, 'A', { tenantId: 'acme', ...quiet });
    expect(() => new TenantKey(stack, 'B', { tenantId: 'acme', ...quiet })).toThrow(new Error(
      'S/B: `tenantId` must make an alias no other key of the app has in account 111111111111, Region us-east-1: '
      + '"alias/tenant/acme" is already the alias of S/A, and KMS alias names are unique per account and Region, got "acme"'));
  });

  test('fails when the second TenantKey is in another stack of the same account and Region', () => {
    const app = new App();
    new TenantKey(new Stack(app, 'One', { env: env('us-east-1') }), 'A', { tenantId: 'acme', ...quiet });
    expect(() => new TenantKey(new Stack(app, 'Two', { env: env('us-east-1') }), 'B', { tenantId: 'acme', ...quiet }))
      .toThrow(/^Two\/B: `tenantId` must make an alias .* "alias\/tenant\/acme" is already the alias of One\/A,/);
  });

  test('fails across env-agnostic stacks, which deploy to one account and Region', () => {
    const app = new App();
    new TenantKey(new Stack(app, 'One'), 'A', { tenantId: 'acme', ...quiet });
    expect(() => new TenantKey(new Stack(app, 'Two'), 'B', { tenantId: 'acme', ...quiet }))
      .toThrow(/in the same \(env-agnostic\) account and Region: "alias\/tenant\/acme" is already the alias of One\/A/);
  });

  test.each([
    ['an account but no Region', { account: '111111111111' }],
    ['a Region but no account', { region: 'us-east-1' }],
  ])('a stack with %s counts as env-agnostic', (_, partial) => {
    const app = new App();
    new TenantKey(new Stack(app, 'One', { env: partial }), 'A', { tenantId: 'acme', ...quiet });
    expect(() => new TenantKey(new Stack(app, 'Two', { env: partial }), 'B', { tenantId: 'acme', ...quiet }))
      .toThrow(/in the same \(env-agnostic\) account and Region: "alias\/tenant\/acme" is already the alias of One\/A/);
  });

  test('fails when any two key constructs make the same alias', () => {
    const stack = new Stack(new App(), 'S', { env: env('us-east-1') });
    new SharedTenantKey(stack, 'Shared', { alias: 'data', ...quiet });
    expect(() => new CrossAccountDecryptKey(stack, 'Cross', { alias: 'alias/data', consumerAccountIds: ['222222222222'], ...quiet }))
      .toThrow(/^S\/Cross: `alias` must make an alias .* "alias\/data" is already the alias of S\/Shared,/);
  });

  test('fails when `key.addAlias` adds an alias another key has', () => {
    const stack = new Stack(new App(), 'S', { env: env('us-east-1') });
    new TenantKey(stack, 'A', { tenantId: 'acme', ...quiet });
    const other = new TenantKey(stack, 'B', { tenantId: 'other', ...quiet });
    expect(() => other.key.addAlias('tenant/acme')).toThrow(/^S\/B: `key.addAlias\(\)` must make an alias .* "alias\/tenant\/acme" is already the alias of S\/A,/);
  });

  test('control: the same tenant in another Region or account, or under another alias prefix, is allowed', () => {
    const app = new App();
    new TenantKey(new Stack(app, 'Use1', { env: env('us-east-1') }), 'A', { tenantId: 'acme', ...quiet });
    expect(() => {
      new TenantKey(new Stack(app, 'Euw1', { env: env('eu-west-1') }), 'A', { tenantId: 'acme', ...quiet });
      new TenantKey(new Stack(app, 'Other', { env: env('us-east-1', '222222222222') }), 'A', { tenantId: 'acme', ...quiet });
      new TenantKey(new Stack(app, 'Docs', { env: env('us-east-1') }), 'A', { tenantId: 'acme', aliasPrefix: 'tenant-documents', ...quiet });
    }).not.toThrow();
  });

  test('control: a multi-Region key set\'s replicas share its alias', () => {
    const stack = new Stack(new App(), 'Primary', { env: env('us-east-1') });
    expect(() => new MultiRegionKeySet(stack, 'Keys', { alias: 'data', replicaRegions: ['eu-west-1', 'eu-central-1'], ...quiet })).not.toThrow();
  });

  test('control: an alias from a parameter is not claimed (tokens are not validated; the value is known only at deployment)', () => {
    const stack = new Stack(new App(), 'S', { env: env('us-east-1') });
    const alias = new CfnParameter(stack, 'Alias').valueAsString;
    const one = new TenantKey(stack, 'A', { tenantId: 'acme', ...quiet });
    const two = new TenantKey(stack, 'B', { tenantId: 'other', ...quiet });
    expect(() => {
      one.key.addAlias(alias);
      two.key.addAlias(alias);
    }).not.toThrow();
  });

  test('control: separate apps do not see each other', () => {
    new TenantKey(new Stack(new App(), 'S', { env: env('us-east-1') }), 'A', { tenantId: 'acme', ...quiet });
    expect(() => new TenantKey(new Stack(new App(), 'S', { env: env('us-east-1') }), 'A', { tenantId: 'acme', ...quiet })).not.toThrow();
  });
});
