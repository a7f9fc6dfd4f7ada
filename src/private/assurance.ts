import { IConstruct } from 'constructs';
import { invalidProp } from './validate';
import { AssuranceOptions } from '../key-options';

/** The context keys (cdk.json `context`, or `cdk synth -c`) that set each check's app-wide default. */
export const ASSURANCE_CONTEXT_KEYS: { readonly [K in keyof Required<AssuranceOptions>]: string } = {
  verifyRotation: 'cdk-kms-patterns:verifyRotation',
  monitoring: 'cdk-kms-patterns:monitoring',
};

/**
 * The one place the checks' defaults are decided, for every key and secret construct: the
 * construct's own option, else the app's context key, else on. A context value must be a
 * boolean (or the string "true" or "false", as `cdk synth -c key=false` passes it): anything
 * else fails, rather than silently leaving a check on or off.
 */
export function resolveAssurance(scope: IConstruct, options: AssuranceOptions): Required<AssuranceOptions> {
  const decide = (option: keyof AssuranceOptions): boolean => {
    if (options[option] !== undefined) {
      return options[option]!;
    }
    const contextKey = ASSURANCE_CONTEXT_KEYS[option];
    const value: unknown = scope.node.tryGetContext(contextKey);
    if (value === undefined || value === true || value === 'true') {
      return true;
    }
    if (value === false || value === 'false') {
      return false;
    }
    return invalidProp(scope, contextKey, value,
      `(the app-wide default of \`${option}\`, a context value) must be true or false`);
  };
  return { verifyRotation: decide('verifyRotation'), monitoring: decide('monitoring') };
}

/**
 * `monitor`, or a synth-time error naming `scope`'s `monitoring` when there is none:
 * `what` says which metric was asked for and why it has no monitor.
 */
export function requireMonitor<M>(scope: IConstruct, monitor: M | undefined, what: string): M {
  if (monitor === undefined) {
    invalidProp(scope, 'monitoring', false, `must be on (the default) for ${what}`);
  }
  return monitor;
}
