import { IConstruct } from 'constructs';
import { KeyManagementOptions } from './key-options';
import { setKeyManagementDefaults } from './private/key-managers';

/**
 * Who manages the keys of a stack, set once for all of them: the library's own keys (the
 * rotation verification's log key, the monitor's alarm topic key, the trail key, a
 * `RotatedSecret`'s key), which take no such options themselves, and every construct's key,
 * where each option the construct is given replaces the stack's.
 *
 * @example
 * KeyManagement.setStackDefaults(stack, {
 *   adminPermissionSets: ['KeyAdministrators'],
 *   deploymentRole: iam.Role.fromRoleArn(stack, 'Deployer', 'arn:aws:iam::111111111111:role/pipeline/deployer'),
 * });
 */
export class KeyManagement {
  /**
   * Set the key-management options of every key in `scope`'s stack. Call it before the
   * first key of the stack is created (synth fails otherwise), at most once per stack. A
   * `MultiRegionKeySet`'s replicas take the options of the primary key's stack.
   *
   * @param scope any construct of the stack
   * @param options the stack's defaults
   */
  public static setStackDefaults(scope: IConstruct, options: KeyManagementOptions): void {
    setKeyManagementDefaults(scope, options);
  }

  private constructor() {}
}
