import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { cfnLint, cfnLintBinary } from './cfn-lint';

// Convention for suites using this helper: assert errors AND warnings are empty.
// A plain CDK stack is warning-free (see below), and cfn-lint warnings on
// synthesized output usually point at real mistakes (unused parameters,
// redundant DependsOn, hard-coded values). A warning that must be accepted is
// skipped by id with `ignoreChecks`, so the exception is visible in the test.

function keyTemplate(properties: Record<string, unknown>) {
  return { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: properties } } };
}

test('an invalid property and a mistyped value are errors, with rule id and path', () => {
  const result = cfnLint(keyTemplate({ Bogus: 1, EnableKeyRotation: 'maybe' }));

  expect(result.errors.map((e) => `${e.ruleId} ${e.path}`).sort()).toEqual([
    'E3002 Resources/Key/Properties/Bogus',
    'E3012 Resources/Key/Properties/EnableKeyRotation',
  ]);
  expect(result.output).toMatch(/^Error E3002 at Resources\/Key\/Properties\/Bogus: .*'Bogus' was unexpected/m);
});

test('an unused parameter is a warning, not an error', () => {
  const result = cfnLint({ ...keyTemplate({}), Parameters: { Unused: { Type: 'String' } } });

  expect(result.errors).toEqual([]);
  expect(result.warnings.map((w) => w.ruleId)).toEqual(['W2001']);
});

test('ignoreChecks skips the named rule only', () => {
  const template = { ...keyTemplate({ Bogus: 1 }), Parameters: { Unused: { Type: 'String' } } };
  const result = cfnLint(template, { ignoreChecks: ['W2001'] });

  expect(result.warnings).toEqual([]);
  expect(result.errors.map((e) => e.ruleId)).toEqual(['E3002']);
});

test('a synthesized kms.Key stack is clean: no errors, no warnings', () => {
  const stack = new Stack(new App(), 'Stack');
  new kms.Key(stack, 'Key', { enableKeyRotation: true });

  const result = cfnLint(stack);

  expect(result.output).toBe('');
  expect(result.errors).toEqual([]);
  expect(result.warnings).toEqual([]);
});

test('a missing venv fails with the command that creates it', () => {
  expect(() => cfnLintBinary('/nonexistent/.venv')).toThrow(/run `npx projen python-tools`/);
});
