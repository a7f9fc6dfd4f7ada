import { CfnResource, Stack } from 'aws-cdk-lib';

/**
 * How the rules read a resource: as CloudFormation will see it.
 *
 * Every rule judges the rendered template fragment of its CfnResource, not the typed
 * L1 props. That one choice makes L2s, typed L1s, generic `new CfnResource(...)`
 * resources and escape hatches (`addPropertyOverride`, `addOverride`) look the same:
 * the rule sees what gets deployed. References to other resources come back as
 * `{ Ref }` / `{ Fn::GetAtt }` with the logical ID, which the helpers below resolve
 * against the resource's own stack.
 */
export interface RenderedResource {
  readonly type: string;
  readonly logicalId: string;
  readonly properties: Record<string, any>;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
}

/** The resource as it appears in its stack's template. */
export function render(node: CfnResource): RenderedResource {
  const stack = Stack.of(node);
  // `_toCloudFormation` is how a stack renders each resource into its template
  // (properties, overrides, policies); resolving it gives the final JSON.
  const rendered = stack.resolve(node._toCloudFormation()) as { Resources?: Record<string, any> };
  const [logicalId, resource] = Object.entries(rendered.Resources ?? {})[0] ?? [stack.resolve(node.logicalId), {}];
  return {
    type: node.cfnResourceType,
    logicalId,
    properties: isObject(resource.Properties) ? resource.Properties : {},
    deletionPolicy: resource.DeletionPolicy,
    updateReplacePolicy: resource.UpdateReplacePolicy,
  };
}

/** Whether the resource appears in its stack's template at all (some opt out of synthesis). */
export function isRendered(node: CfnResource): boolean {
  const rendered = Stack.of(node).resolve(node._toCloudFormation()) as { Resources?: Record<string, unknown> };
  return Object.keys(rendered.Resources ?? {}).length > 0;
}

/** Every CfnResource whose template is this stack's (not a nested stack's). */
export function resourcesOf(stack: Stack): CfnResource[] {
  return stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
}

/** The resource of `stack` with this logical ID, if there is one. */
export function findResource(stack: Stack, logicalId: string): CfnResource | undefined {
  const resources = resourcesOf(stack);
  let index = LOGICAL_IDS.get(stack);
  // Rebuilt whenever the stack gains or loses resources: a pack run looks up
  // references many times, and each build resolves every logical ID once.
  if (!index || index.size !== resources.length) {
    index = new Map(resources.map(r => [stack.resolve(r.logicalId) as string, r]));
    LOGICAL_IDS.set(stack, index);
  }
  return index.get(logicalId);
}

const LOGICAL_IDS = new WeakMap<Stack, Map<string, CfnResource>>();

/** Resources of `stack` of one CloudFormation type. */
export function resourcesOfType(stack: Stack, type: string): CfnResource[] {
  return resourcesOf(stack).filter(r => r.cfnResourceType === type);
}

/**
 * The logical ID a rendered value points at, when it is `{ Ref: X }` or
 * `{ Fn::GetAtt: [X, ...] }` (pseudo parameters and parameters included).
 */
export function referencedLogicalId(value: unknown): string | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return undefined;
  }
  if (typeof value.Ref === 'string') {
    return value.Ref;
  }
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return getAtt[0];
  }
  if (typeof getAtt === 'string') {
    return getAtt.split('.')[0];
  }
  return undefined;
}

/**
 * The values a property may take at deploy time: both branches of an `Fn::If`,
 * `undefined` for `AWS::NoValue`, otherwise the value itself.
 */
export function alternatives(value: unknown): unknown[] {
  if (isObject(value) && Object.keys(value).length === 1) {
    const fnIf = value['Fn::If'];
    if (Array.isArray(fnIf) && fnIf.length === 3) {
      return [...alternatives(fnIf[1]), ...alternatives(fnIf[2])];
    }
    if (value.Ref === 'AWS::NoValue') {
      return [undefined];
    }
  }
  return [value];
}

/** A boolean as CloudFormation accepts it: `true`, `'true'` (any case); undefined when not a literal. */
export function literalBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
    return value.toLowerCase() === 'true';
  }
  return undefined;
}

/** A number as CloudFormation accepts it: `30` or `'30'`; undefined when not a literal. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) {
    return Number(value);
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
