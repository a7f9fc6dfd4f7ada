import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { skipCheckov } from '../../src/private/checkov';

// checkov's CloudFormation runner reads a resource's acknowledgements from
// `Metadata.checkov.skip`, a list of `{ id, comment }`: test/compliance/checkov.test.ts runs
// checkov itself on the library's templates and shows the skips take effect. This pins the
// metadata skipCheckov writes, whatever checks the library happens to skip.

function queueStack(): { stack: Stack; queue: sqs.Queue } {
  const stack = new Stack(new App(), 'S');
  return { stack, queue: new sqs.Queue(stack, 'Queue') };
}

const skipsOf = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::SQS::Queue'))[0].Metadata?.checkov?.skip;

describe('skipCheckov', () => {
  test('writes the check and its reason on the L1 behind a construct', () => {
    const { stack, queue } = queueStack();
    skipCheckov(queue, 'CKV_AWS_27', 'encrypted with SQS-managed keys on purpose');
    expect(skipsOf(stack)).toEqual([{ id: 'CKV_AWS_27', comment: 'encrypted with SQS-managed keys on purpose' }]);
  });

  test('writes on an L1 given directly', () => {
    const { stack, queue } = queueStack();
    skipCheckov(queue.node.defaultChild!, 'CKV_AWS_27', 'why');
    expect(skipsOf(stack)).toEqual([{ id: 'CKV_AWS_27', comment: 'why' }]);
  });

  test('keeps every check skipped before, in order, and each check once (its first reason)', () => {
    const { stack, queue } = queueStack();
    skipCheckov(queue, 'CKV_AWS_27', 'first');
    skipCheckov(queue, 'CKV_AWS_999', 'second');
    skipCheckov(queue, 'CKV_AWS_27', 'again');
    skipCheckov(queue, 'CKV_AWS_999', 'again');
    expect(skipsOf(stack)).toEqual([{ id: 'CKV_AWS_27', comment: 'first' }, { id: 'CKV_AWS_999', comment: 'second' }]);
  });

  test('keeps the metadata of other tools beside it', () => {
    const { stack, queue } = queueStack();
    (queue.node.defaultChild as sqs.CfnQueue).addMetadata('cfn_nag', { rules_to_suppress: [] });
    skipCheckov(queue, 'CKV_AWS_27', 'why');
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::SQS::Queue'));
    expect(resource.Metadata).toEqual({ cfn_nag: { rules_to_suppress: [] }, checkov: { skip: [{ id: 'CKV_AWS_27', comment: 'why' }] } });
  });
});
