import { IConstruct } from 'constructs';
import { Singleton } from './singleton';

/**
 * The one app-wide registry of names that must be unique across an app's constructs, such
 * as a key alias in one account and Region. Two stacks of one app cannot see each other's
 * templates at deploy time, so a clash found here would otherwise surface only as a failed
 * deployment, after the first stack already holds the name.
 */
const registries = Singleton.perApp<Map<string, string>>();

/**
 * Records that `scope` holds `name` in `namespace` within its app (the root of its tree).
 * Returns the construct path that already held it, or undefined when `scope` is the first.
 */
export function claimInApp(scope: IConstruct, namespace: string, name: string): string | undefined {
  const registry = registries.obtain(scope, () => new Map());
  const key = `${namespace}\u0000${name}`;
  const holder = registry.get(key);
  if (holder !== undefined && holder !== scope.node.path) {
    return holder;
  }
  registry.set(key, scope.node.path);
  return undefined;
}
