import { DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The role CloudFormation deploys `scope`'s stack with, as far as the app can know it:
 * the CloudFormation execution role of a `DefaultStackSynthesizer` (the bootstrap's
 * `cdk-<qualifier>-cfn-exec-role-<account>-<region>`), as a value a template can hold.
 *
 * Undefined where the app cannot know who deploys: `CliCredentialsStackSynthesizer`,
 * `LegacyStackSynthesizer` or a custom synthesizer, and also `cdk deploy --role-arn`,
 * StackSets and Service Catalog, which no synthesizer reports. Code that must name the
 * deploying role exactly (a key-management Deny, a deploy-event filter) then asks the
 * user for it, never guesses.
 */
export function synthesizerDeployingRoleArn(scope: IConstruct): string | undefined {
  // A nested stack is created and updated within its root stack's operation, with the role
  // that operation runs under, so the root stack's synthesizer says who deploys it.
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) {
    stack = stack.nestedStackParent;
  }
  const known = deployingRoles.get(stack);
  if (known !== undefined) {
    return known;
  }
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer)) {
    return undefined;
  }
  let arn: string;
  try {
    arn = synthesizer.cloudFormationExecutionRoleArn;
  } catch {
    return undefined; // not bound to a stack yet
  }
  // The synthesizer writes `${AWS::AccountId}`-style placeholders for CloudFormation.
  const value = arn.includes('${') ? Fn.sub(arn) : arn;
  deployingRoles.set(stack, value);
  return value;
}

/** Per root stack, its deploying role's ARN: one `Fn::Sub` token for all its keys (a fleet has thousands). */
const deployingRoles = new WeakMap<Stack, string>();
