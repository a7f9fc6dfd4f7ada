import { Annotations, CfnDeletionPolicy, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * What the library adds to each stack, said once per stack at synth as an info annotation
 * (not a warning: `cdk synth --strict` fails on warnings): resource counts by type, and
 * what `cdk destroy` leaves behind. The numbers behind the README's "What one TenantKey
 * adds" come from the same count.
 */

const owned = new WeakSet<IConstruct>();
const watchedStacks = new WeakSet<Stack>();

/** Marks `scope` and everything under it as added by the library. */
export function recordFootprint(scope: IConstruct): void {
  owned.add(scope);
  const stack = Stack.of(scope);
  if (watchedStacks.has(stack)) {
    return;
  }
  watchedStacks.add(stack);
  let said: string | undefined;
  // At synth, after every construct (and aspect) has added its resources.
  stack.node.addValidation({
    validate: () => {
      const message = footprintMessage(libraryFootprint(stack));
      if (message !== said) {
        Annotations.of(stack).addInfo(message);
        said = message;
      }
      return [];
    },
  });
}

/** Resource counts by CloudFormation type: all the library added to a stack, and what of it is retained. */
export interface Footprint {
  readonly added: Record<string, number>;
  readonly retained: Record<string, number>;
}

/** Counts the CloudFormation resources of `stack` under a construct the library marked. */
export function libraryFootprint(stack: Stack): Footprint {
  const added: Record<string, number> = {};
  const retained: Record<string, number> = {};
  for (const c of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(c) || Stack.of(c) !== stack || !c.node.scopes.some(s => owned.has(s))) {
      continue;
    }
    added[c.cfnResourceType] = (added[c.cfnResourceType] ?? 0) + 1;
    const deletion = c.cfnOptions.deletionPolicy;
    if (deletion === CfnDeletionPolicy.RETAIN || deletion === CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE) {
      retained[c.cfnResourceType] = (retained[c.cfnResourceType] ?? 0) + 1;
    }
  }
  return { added, retained };
}

function footprintMessage(footprint: Footprint): string {
  const total = Object.values(footprint.added).reduce((a, b) => a + b, 0);
  const retained = Object.keys(footprint.retained).length === 0 ? 'nothing'
    : `${listOf(footprint.retained)} (delete them by hand once no data needs them; a key only after its pending window)`;
  return `cdk-kms-patterns added ${total} resources to this stack: ${listOf(footprint.added)}. `
    + `\`cdk destroy\` retains ${retained}. Turn checks off app-wide with the context keys `
    + '`cdk-kms-patterns:verifyRotation` and `cdk-kms-patterns:monitoring` (README, "What one TenantKey adds").';
}

function listOf(counts: Record<string, number>): string {
  return Object.keys(counts).sort().map(type => `${counts[type]} ${type}`).join(', ');
}
