import { App, Aspects, IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { formatNagFindings, nagFindings } from './nag';

// The three rotation rules a key with rotation off trips in the four packs (HIPAA has none for KMS).
const ROTATION_RULES = ['AwsSolutions-KMS5', 'NIST.800.53.R5-KMSBackingKeyRotationEnabled', 'PCI.DSS.321-KMSBackingKeyRotationEnabled'];

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

describe('nagFindings', () => {
  test('reports a key without rotation, with pack, rule id and construct path', () => {
    const stack = newStack();
    new kms.Key(stack, 'Key', { enableKeyRotation: false });

    const findings = nagFindings(stack);

    expect(findings.map((f) => f.ruleId).sort()).toEqual(ROTATION_RULES);
    expect(findings).toContainEqual(expect.objectContaining({
      pack: 'AwsSolutions',
      ruleId: 'AwsSolutions-KMS5',
      resourcePath: 'Stack/Key/Resource',
    }));
  });

  test('a key with rotation on has no findings', () => {
    const stack = newStack();
    new kms.Key(stack, 'Key', { enableKeyRotation: true });

    expect(nagFindings(stack)).toEqual([]);
  });

  test('acknowledgements on the resource or an ancestor suppress exactly the acknowledged ids', () => {
    const stack = newStack();
    const onKey = new kms.Key(stack, 'OnKey', { enableKeyRotation: false });
    new kms.Key(stack, 'OnStack', { enableKeyRotation: false });
    Validations.of(onKey).acknowledge({ id: 'AwsSolutions-KMS5', reason: 'test' });
    Validations.of(stack).acknowledge(
      { id: 'NIST.800.53.R5-KMSBackingKeyRotationEnabled', reason: 'test' },
      { id: 'PCI.DSS.321-KMSBackingKeyRotationEnabled', reason: 'test' },
    );

    // AwsSolutions-KMS5 was acknowledged on OnKey only, so OnStack still reports it.
    expect(nagFindings(stack).map((f) => `${f.ruleId} ${f.resourcePath}`)).toEqual(['AwsSolutions-KMS5 Stack/OnStack/Resource']);
  });

  test('sees changes made by Aspects, because it synthesizes first', () => {
    const stack = newStack();
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const disableRotation: IAspect = {
      visit(node: IConstruct) {
        if (node instanceof kms.CfnKey) {
          node.enableKeyRotation = false;
        }
      },
    };
    Aspects.of(stack).add(disableRotation);

    expect(nagFindings(stack).map((f) => f.ruleId)).toContain('AwsSolutions-KMS5');
  });

  test('only walks the given scope', () => {
    const stack = newStack();
    new kms.Key(stack, 'Bad', { enableKeyRotation: false });
    const good = new kms.Key(stack, 'Good', { enableKeyRotation: true });

    expect(nagFindings(good)).toEqual([]);
  });
});

describe('formatNagFindings', () => {
  test('prints one sorted line per finding', () => {
    const stack = newStack();
    new kms.Key(stack, 'Key', { enableKeyRotation: false });

    const lines = formatNagFindings(nagFindings(stack)).split('\n');

    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[error\] AwsSolutions-KMS5 at Stack\/Key\/Resource: .*rotation/);
    expect(formatNagFindings([])).toBe('no cdk-nag findings');
  });
});
