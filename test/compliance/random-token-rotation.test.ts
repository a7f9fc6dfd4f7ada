// Compliance of a RandomTokenRotation rotating a RotatedSecret: cdk-nag (the four packs),
// the AWS Control Tower proactive controls (cfn-guard) and cfn-lint. The construct
// acknowledges the inherent findings of a Lambda rotation function itself, one rule on one
// construct each with its reason; the exact list is pinned here, so a new finding or a
// widened acknowledgement fails.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RandomTokenRotation, RotatedSecret } from '../../src';
import { controlTowerFailures } from '../helpers/cfn-guard';
import { cfnLint } from '../helpers/cfn-lint';
import { nagFindings } from '../helpers/nag';
import { acknowledgementsIn } from '../helpers/provider';

const ENV = { account: '111111111111', region: 'us-east-1' };

describe('RandomTokenRotation rotating a RotatedSecret (no verification, no monitor: only these two constructs)', () => {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const rotation = new RandomTokenRotation(stack, 'Rotation');
  new RotatedSecret(stack, 'Token', { rotationLambda: rotation.function, verifyRotation: false, monitoring: false });
  const template = Template.fromStack(stack).toJSON();
  const functionId = Object.keys(template.Resources).find(id => template.Resources[id].Type === 'AWS::Lambda::Function')!;

  test('cdk-nag: no unacknowledged findings in the four packs', () => {
    expect(nagFindings(stack).map(f => `${f.ruleId} ${f.resourcePath}`)).toEqual([]);
  });

  test('cdk-nag: exactly the inherent findings of a rotation function are acknowledged, each with a reason', () => {
    const acks = acknowledgementsIn(stack);
    expect(acks.map(a => `${a.id} ${a.path}`).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*] Stack/Rotation/Policy',
      'AwsSolutions-L1 Stack/Rotation/Function',
      'HIPAA.Security-LambdaConcurrency Stack/Rotation/Function',
      'HIPAA.Security-LambdaDLQ Stack/Rotation/Function',
      'HIPAA.Security-LambdaInsideVPC Stack/Rotation/Function',
      'NIST.800.53.R5-LambdaConcurrency Stack/Rotation/Function',
      'NIST.800.53.R5-LambdaDLQ Stack/Rotation/Function',
      'NIST.800.53.R5-LambdaInsideVPC Stack/Rotation/Function',
      'PCI.DSS.321-LambdaInsideVPC Stack/Rotation/Function',
    ]);
    for (const a of acks) {
      expect({ id: a.id, reasonLength: a.reason.length >= 100 }).toEqual({ id: a.id, reasonLength: true });
    }
  });

  test('the one `*` resource is GetRandomPassword, which has no resource-level permission', () => {
    const policy = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r).includes('GetRandomPassword'));
    const star = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Resource === '*');
    expect(star).toEqual([{ Action: 'secretsmanager:GetRandomPassword', Effect: 'Allow', Resource: '*' }]);
  });

  test('Control Tower: every control passes but CT.LAMBDA.PR.3 (no VPC), on the rotation function only', () => {
    const failures = controlTowerFailures(template);
    expect(failures.map(f => [f.ruleId, f.resources])).toEqual([['CT.LAMBDA.PR.3', [functionId]]]);
  });

  test('Control Tower: CT.LAMBDA.PR.2 passes because of aws:SourceAccount, and fails without it (negative control)', () => {
    expect(controlTowerFailures(template, ['CT.LAMBDA.PR.2'])).toEqual([]);
    const stripped = JSON.parse(JSON.stringify(template));
    for (const r of Object.values<any>(stripped.Resources)) {
      if (r.Type === 'AWS::Lambda::Permission') delete r.Properties.SourceAccount;
    }
    expect(controlTowerFailures(stripped, ['CT.LAMBDA.PR.2']).map(f => f.ruleId)).toEqual(['CT.LAMBDA.PR.2']);
  });

  test('cfn-lint: no errors and no warnings', () => {
    const result = cfnLint(template);
    expect([...result.errors, ...result.warnings]).toEqual([]);
  });
});
