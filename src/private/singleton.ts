import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The one way the library keeps something once per stack or once per app (the stack's
 * monitor, its rotation-verification provider and daily check, the app's trail, the
 * app's alias registry, the stack's key-management defaults).
 *
 * The value is held in a WeakMap keyed by the stack (or the app's root construct): no
 * symbol or property hung on a construct, no cast, and nothing kept alive after the app
 * is gone. A construct made here keeps the construct id its creator gives it, so logical
 * IDs do not depend on this helper.
 */
export class Singleton<T> {
  /** One value per stack: `Stack.of(scope)` owns it (a nested stack has its own). */
  public static perStack<T>(): Singleton<T> {
    return new Singleton<T>(scope => Stack.of(scope));
  }

  /** One value per app: the root of `scope`'s construct tree owns it. */
  public static perApp<T>(): Singleton<T> {
    return new Singleton<T>(scope => scope.node.root);
  }

  private readonly values = new WeakMap<IConstruct, T>();

  private constructor(private readonly ownerOf: (scope: IConstruct) => IConstruct) {}

  /** The value of `scope`'s stack (or app), if it has one. */
  public find(scope: IConstruct): T | undefined {
    return this.values.get(this.ownerOf(scope));
  }

  /** The value of `scope`'s stack (or app), made by `create` on first use. */
  public obtain(scope: IConstruct, create: () => T): T {
    const owner = this.ownerOf(scope);
    if (!this.values.has(owner)) {
      this.values.set(owner, create());
    }
    return this.values.get(owner)!;
  }

  /**
   * Makes `value` the value of `scope`'s stack (or app), unless it has one already: for a
   * construct that becomes the singleton by being created first.
   * @returns the value that holds the place: `value`, or the one before it
   */
  public claim(scope: IConstruct, value: T): T {
    return this.obtain(scope, () => value);
  }
}
