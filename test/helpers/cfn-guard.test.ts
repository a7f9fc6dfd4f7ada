import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { controlTowerFailures, controlTowerRuleFiles, guardBinary, guardFailures } from './cfn-guard';
import { TMP_ROOT } from './template-file';

const KMS_RULES = ['CT.KMS.PR.1', 'CT.KMS.PR.2', 'CT.KMS.PR.3'];

/** The statement CT.KMS.PR.3 asks for: only AWS services may create grants. */
const DENY_NON_SERVICE_GRANTS = new iam.PolicyStatement({
  effect: iam.Effect.DENY,
  principals: [new iam.AnyPrincipal()],
  actions: ['kms:CreateGrant'],
  resources: ['*'],
  conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
});

function keyStack(props: kms.KeyProps): Stack {
  const stack = new Stack(new App(), 'Stack');
  new kms.Key(stack, 'Key', props);
  return stack;
}

function failingIds(stack: Stack, rules = KMS_RULES): string[] {
  return controlTowerFailures(stack, rules).map((f) => f.ruleId);
}

test('a default key fails CT.KMS.PR.3 and names the control, fix and resource', () => {
  const failures = controlTowerFailures(keyStack({ enableKeyRotation: true }), KMS_RULES);

  expect(failures).toEqual([{
    ruleId: 'CT.KMS.PR.3',
    guardRule: 'kms_create_grant_aws_service_check',
    message: expect.stringContaining('limits creation of AWS KMS grants to AWS services'),
    fix: expect.stringContaining('kms:CreateGrant'),
    resources: [expect.stringMatching(/^Key/)],
  }]);
});

test('a key whose policy denies non-service grants passes CT.KMS.PR.3', () => {
  const policy = new iam.PolicyDocument({ statements: [DENY_NON_SERVICE_GRANTS] });

  expect(failingIds(keyStack({ enableKeyRotation: true, policy }))).toEqual([]);
});

test('rotation off fails CT.KMS.PR.1', () => {
  const policy = new iam.PolicyDocument({ statements: [DENY_NON_SERVICE_GRANTS] });

  expect(failingIds(keyStack({ enableKeyRotation: false, policy }))).toEqual(['CT.KMS.PR.1']);
});

test('an RSA_2048 encryption key fails CT.KMS.PR.2', () => {
  const policy = new iam.PolicyDocument({ statements: [DENY_NON_SERVICE_GRANTS] });
  const stack = keyStack({ policy, keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT });

  expect(failingIds(stack)).toEqual(['CT.KMS.PR.2']);
});

test('runs only the requested rules', () => {
  expect(failingIds(keyStack({ enableKeyRotation: false }), ['CT.KMS.PR.2'])).toEqual([]);
});

test('runs all Control Tower rules by default, and accepts a template object', () => {
  const template = { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: false } } } };

  expect(controlTowerFailures(template).map((f) => f.ruleId)).toEqual(['CT.KMS.PR.1', 'CT.KMS.PR.3']);
});

test('rejects an unknown rule id instead of running nothing', () => {
  expect(() => controlTowerFailures({ Resources: {} }, ['CT.KMS.PR.99'])).toThrow(/unknown Control Tower rule CT.KMS.PR.99/);
});

test('indexes every bundled rule file, including hyphenated services', () => {
  const files = controlTowerRuleFiles();

  expect(files.size).toBeGreaterThan(200);
  expect(files.get('CT.KMS.PR.1')).toMatch(/keymanagementservice\/ct-kms-pr-1\.guard$/);
  expect(files.get('CT.NETWORK-FIREWALL.PR.1')).toMatch(/ct-network-firewall-pr-1\.guard$/);
});

test('the bundled binary is executable', () => {
  expect(() => fs.accessSync(guardBinary(), fs.constants.X_OK)).not.toThrow();
});

describe('guardFailures with custom rule files', () => {
  let dir: string;
  beforeAll(() => {
    fs.mkdirSync(TMP_ROOT, { recursive: true });
    dir = fs.mkdtempSync(path.join(TMP_ROOT, 'guard-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function ruleFile(name: string, body: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    return file;
  }

  const MULTI_REGION_RULE = [
    'let keys = Resources.*[ Type == "AWS::KMS::Key" ]',
    'rule no_multi_region when %keys not empty {',
    '  %keys.Properties.MultiRegion not exists or',
    '  %keys.Properties.MultiRegion == false',
    '  <<',
    '  [TEST.KMS.1]: Keys must be single-region',
    '  [FIX]: Drop MultiRegion',
    '  >>',
    '}',
  ].join('\n');

  test('reports a custom rule by the id in its message', () => {
    const file = ruleFile('multi-region.guard', MULTI_REGION_RULE);
    const template = { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { MultiRegion: true } } } };

    expect(guardFailures(template, [file])).toEqual([
      { ruleId: 'TEST.KMS.1', guardRule: 'no_multi_region', message: 'Keys must be single-region', fix: 'Drop MultiRegion', resources: ['Key'] },
    ]);
    expect(guardFailures({ Resources: { Key: { Type: 'AWS::KMS::Key', Properties: {} } } }, [file])).toEqual([]);
  });

  test('throws when a rule file does not parse (cfn-guard exit code 5), rather than passing', () => {
    const file = ruleFile('broken.guard', 'rule broken { Resources exists');

    expect(() => guardFailures({ Resources: {} }, [file])).toThrow(/cfn-guard failed \(status 5/);
  });

  test('throws when a failure carries no rule id to attribute it to', () => {
    const file = ruleFile('anonymous.guard', 'rule anonymous { Resources.*.Type == "AWS::S3::Bucket" }');

    expect(() => guardFailures({ Resources: { Key: { Type: 'AWS::KMS::Key' } } }, [file])).toThrow(/cannot attribute failing guard rule anonymous/);
  });
});
