import { Stack } from 'aws-cdk-lib';

/** `Stack` of an aws-cdk-lib that has the renamed method (2.2xx after 2.257). */
interface StackWithStackDependency {
  addStackDependency(target: Stack, reason?: string): void;
}

/**
 * Makes `stack` depend on `target`. Newer aws-cdk-lib renamed `Stack#addDependency` to
 * `addStackDependency` and prints a deprecation warning for the old name on every synth;
 * 2.257 (the minimum) has only the old name. Feature detection keeps both versions quiet.
 */
export function addStackDependency(stack: Stack, target: Stack, reason: string): void {
  const renamed = (stack as unknown as Partial<StackWithStackDependency>).addStackDependency;
  if (typeof renamed === 'function') {
    renamed.call(stack, target, reason);
  } else {
    stack.addDependency(target, reason);
  }
}
