import { Stack } from 'aws-cdk-lib';
import { findResource, isObject, referencedLogicalId } from './template';

/**
 * Stands for the deploying account inside a flattened string. No colons, so an ARN
 * holding it still splits into its fields.
 */
export const OWN_ACCOUNT = '{{AWS.AccountId}}';

/**
 * A rendered string value with its intrinsics spelled out as far as they can be known
 * at synth time: pseudo parameters become placeholders (`OWN_ACCOUNT` for the account), the
 * partition and URL suffix their commercial values, and references to resources are
 * recorded. `resolved` is false when some part (a parameter, an import, a condition)
 * is only known at deploy time.
 */
export interface FlatString {
  readonly text: string;
  readonly resolved: boolean;
  /** Logical IDs of the stack's resources the value refers to. */
  readonly resources: string[];
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::AccountId': OWN_ACCOUNT,
  'AWS::Region': '{{AWS.Region}}',
  'AWS::StackName': '{{AWS.StackName}}',
  'AWS::StackId': '{{AWS.StackId}}',
};

/** Flattens a rendered value (string, Ref, GetAtt, Join, Sub) of `stack`'s template. */
export function flatten(stack: Stack, value: unknown): FlatString {
  if (typeof value === 'string') {
    return { text: value, resolved: true, resources: [] };
  }
  if (typeof value === 'number') {
    return { text: String(value), resolved: true, resources: [] };
  }
  const logicalId = referencedLogicalId(value);
  if (logicalId !== undefined) {
    if (isObject(value) && value.Ref !== undefined && PSEUDO[logicalId] !== undefined) {
      return { text: PSEUDO[logicalId], resolved: true, resources: [] };
    }
    const resource = findResource(stack, logicalId);
    // A parameter, or a name not in this stack: known only at deploy time.
    return resource
      ? { text: `{{${logicalId}}}`, resolved: true, resources: [logicalId] }
      : { text: `{{${logicalId}}}`, resolved: false, resources: [] };
  }
  if (isObject(value) && Array.isArray(value['Fn::Join']) && Object.keys(value).length === 1) {
    const [separator, parts] = value['Fn::Join'];
    if (typeof separator === 'string' && Array.isArray(parts)) {
      const flat = parts.map(p => flatten(stack, p));
      return {
        text: flat.map(f => f.text).join(separator),
        resolved: flat.every(f => f.resolved),
        resources: flat.flatMap(f => f.resources),
      };
    }
  }
  if (isObject(value) && value['Fn::Sub'] !== undefined && Object.keys(value).length === 1) {
    const sub = value['Fn::Sub'];
    const [template, variables] = Array.isArray(sub) ? sub : [sub, {}];
    if (typeof template === 'string' && isObject(variables)) {
      let resolved = true;
      const resources: string[] = [];
      const text = template.replace(/\$\{([^!}][^}]*)\}/g, (_match, name: string) => {
        const inner = variables[name] !== undefined
          ? flatten(stack, variables[name])
          : flatten(stack, name.includes('.') ? { 'Fn::GetAtt': name.split('.') } : { Ref: name });
        resolved = resolved && inner.resolved;
        resources.push(...inner.resources);
        return inner.text;
      });
      return { text, resolved, resources };
    }
  }
  return { text: '', resolved: false, resources: [] };
}
