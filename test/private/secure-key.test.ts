import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateAliasName } from '../../src/private/secure-key';

/**
 * `validateAliasName` on its own. It checks the alias a prop makes, but names the
 * prop and echoes the value the user gave, so a test passes the two separately.
 * (The same messages are asserted through TenantKey, prop `aliasPrefix`, and
 * SharedTenantKey, prop `alias`.)
 */
function scope(): Construct {
  return new Construct(new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } }), 'K');
}

describe('validateAliasName', () => {
  test.each([
    'alias/a',
    'alias/shared/tenants',
    'alias/A_b-1/c',
    'alias/awsome',
    'alias/aws',
    `alias/${'x'.repeat(250)}`,
  ])('accepts %p', (aliasName) => {
    expect(() => validateAliasName(scope(), 'alias', aliasName, aliasName)).not.toThrow();
  });

  test.each([
    ['a Lazy alias name, even one in alias/aws/', Lazy.string({ produce: () => 'alias/aws/x' })],
    ['an alias name with a token inside', `alias/${Lazy.string({ produce: () => 'not valid!' })}`],
  ])('skips %s', (_, aliasName) => {
    expect(() => validateAliasName(scope(), 'alias', aliasName, aliasName)).not.toThrow();
  });

  test.each([
    ['has no "alias/"', 'shared', 'shared'],
    ['is only "alias/"', '', 'alias/'],
    ['contains a space', 'a b', 'alias/a b'],
    ['contains a dot', 'alias/a.b', 'alias/a.b'],
    ['is not ASCII', 'ü', 'alias/ü'],
  ])('fails when the alias %s', (_, value, aliasName) => {
    expect(() => validateAliasName(scope(), 'alias', value, aliasName)).toThrow(new Error(
      `S/K: \`alias\` must make an alias name of letters, digits, "/", "_" or "-" after "alias/" (it makes "${aliasName}"), got "${value}"`,
    ));
  });

  test.each([
    ['aws/x', 'alias/aws/x'],
    ['alias/AWS/x', 'alias/AWS/x'],
    ['Aws/', 'alias/Aws/'],
  ])('fails when the alias %p makes %p, in the reserved alias/aws/', (value, aliasName) => {
    expect(() => validateAliasName(scope(), 'alias', value, aliasName)).toThrow(new Error(
      `S/K: \`alias\` must not make an alias under "alias/aws/", which is reserved for AWS managed keys, got "${value}"`,
    ));
  });

  test('fails when the alias is longer than 256 characters including "alias/"', () => {
    const value = 'x'.repeat(251);
    const aliasName = `alias/${value}`;
    expect(() => validateAliasName(scope(), 'alias', value, aliasName)).toThrow(new Error(
      `S/K: \`alias\` must make an alias of at most 256 characters including "alias/" ("${aliasName}" has 257), got "${value}"`,
    ));
  });

  test('names the prop it is given, not "alias"', () => {
    expect(() => validateAliasName(scope(), 'aliasPrefix', 'a b', 'alias/a b/acme')).toThrow(new Error(
      'S/K: `aliasPrefix` must make an alias name of letters, digits, "/", "_" or "-" after "alias/" (it makes "alias/a b/acme"), got "a b"',
    ));
  });
});
