import { Token } from 'aws-cdk-lib';

/**
 * aws-cdk-lib renders a stack (`Stack._toCloudFormation`) by resolving each element's
 * fragment, merging the fragments into the template, and resolving the merged template
 * once more: for the template's own options (description, metadata), and, in passing, a
 * second walk over every resource, which by then holds no token and comes back as an equal
 * copy. For a fleet shard that second walk covers 145 key policies, and allocates per node.
 *
 * While a stack renders, `ResolvedFragments` takes its `resolve` calls: it remembers the
 * entries (a resource, an output, a parameter) each fragment resolved to, and when the
 * merged template comes, resolves all of it except the sections made only of those entries.
 * What it does not recognize, it resolves in full as before: a template without the shape
 * aws-cdk-lib gives it today, a section holding anything else, a key that is a token. A
 * different aws-cdk-lib is then slower, never different.
 */
export class ResolvedFragments {
  private readonly entries = new Set<unknown>();
  /** How deep in `resolve` calls: a call made while resolving (a `Lazy` resolving a value) is not a fragment. */
  private depth = 0;

  /** `stack.resolve(obj)` during the render, with `resolve` the stack's own. */
  public resolve(obj: unknown, resolve: (x: unknown) => any): any {
    if (this.depth === 0 && isMergedTemplate(obj)) {
      return this.resolveTemplate(obj, resolve);
    }
    this.depth++;
    let resolved: any;
    try {
      resolved = resolve(obj);
    } finally {
      this.depth--;
    }
    if (this.depth === 0 && isPlainObject(resolved)) {
      for (const section of Object.values(resolved)) {
        if (isPlainObject(section)) {
          Object.values(section).forEach(entry => this.entries.add(entry));
        }
      }
    }
    return resolved;
  }

  /** The template resolved as in full, but for the sections made only of resolved entries, kept as they are. */
  private resolveTemplate(template: Record<string, unknown>, resolve: (x: unknown) => any): any {
    const kept = new Set(Object.keys(template).filter(section => this.isResolved(template[section])));
    const rest = resolve(Object.fromEntries(Object.entries(template).filter(([section]) => !kept.has(section)))) ?? {};
    // The sections in the template's order, as a full resolution writes them.
    const result: Record<string, unknown> = {};
    for (const section of Object.keys(template)) {
      const value = kept.has(section) ? template[section] : rest[section];
      if (value !== undefined) {
        result[section] = value;
      }
    }
    return result;
  }

  private isResolved(section: unknown): boolean {
    return isPlainObject(section) && Object.keys(section).length > 0
      && Object.entries(section).every(([id, entry]) => !Token.isUnresolved(id) && this.entries.has(entry));
  }
}

/**
 * The merged template `Stack._toCloudFormation` resolves last: it alone sets the template's
 * options (`AWSTemplateFormatVersion`, `Transform`), as keys even when undefined. No
 * element's fragment has them.
 */
function isMergedTemplate(obj: unknown): obj is Record<string, unknown> {
  return isPlainObject(obj) && 'AWSTemplateFormatVersion' in obj && 'Transform' in obj;
}

function isPlainObject(obj: unknown): obj is Record<string, unknown> {
  return typeof obj === 'object' && obj !== null && Object.getPrototypeOf(obj) === Object.prototype;
}
