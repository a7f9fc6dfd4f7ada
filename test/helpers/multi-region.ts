// Policies of an app whose stacks live in several Regions, made concrete for the IAM
// simulator. resolve-template.ts resolves one template in one fixed environment
// (FAKE_ENV, us-east-1); a multi-Region app also has
// - `AWS::Region` that differs per stack,
// - `Fn::GetStackOutput` reading another stack's output across Regions,
// - `AWS::KMS::ReplicaKey`, whose key ID is its primary's (multi-Region keys share it),
// so this file first rewrites those into literals ("localizes" a template for its stack)
// and then hands the result to resolve-template.ts, unchanged. Like resolve-template.ts,
// it throws on anything it cannot resolve.
import { App } from 'aws-cdk-lib';
import { CfnTemplate, FAKE_ENV, keyArnFor, resolveIntrinsics, resolvedIdentityPolicies } from './resolve-template';

/** One synthesized stack of the app, with the Region it deploys to. */
export interface RegionalTemplate {
  readonly stackName: string;
  readonly region: string;
  readonly template: CfnTemplate & { readonly Outputs?: Record<string, { readonly Value: unknown }> };
}

/** Every stack of a synthesized app (FAKE_ENV's account; each stack's own Region). */
export function regionalTemplates(app: App): RegionalTemplate[] {
  return app.synth().stacks.map(s => {
    if (s.environment.account !== FAKE_ENV.account) {
      throw new Error(`stack ${s.stackName} is in account ${s.environment.account}; the resolver knows only ${FAKE_ENV.account}`);
    }
    return { stackName: s.stackName, region: s.environment.region, template: s.template };
  });
}

/** The ARN of a key in `region` with the given key ID, in FAKE_ENV's account. */
export function regionalKeyArn(region: string, keyId: string): string {
  return `arn:${FAKE_ENV.partition}:kms:${region}:${FAKE_ENV.account}:key/${keyId}`;
}

/** The ARN of an `AWS::KMS::Key` or `AWS::KMS::ReplicaKey` of `stack`. */
export function regionalKeyArnFor(stack: RegionalTemplate, all: RegionalTemplate[], logicalId: string): string {
  return regionalKeyArn(stack.region, keyIdOf(stack, all, logicalId));
}

/** The KeyPolicy of an `AWS::KMS::Key` or `AWS::KMS::ReplicaKey` of `stack`, every intrinsic resolved. */
export function resolvedRegionalKeyPolicy(stack: RegionalTemplate, all: RegionalTemplate[], logicalId: string): unknown {
  const policy = keyResource(stack, logicalId).Properties?.KeyPolicy;
  if (policy === undefined) {
    throw new Error(`${logicalId} in ${stack.stackName} has no KeyPolicy`);
  }
  return resolveIntrinsics(localize(policy, stack, all, `${stack.stackName}.${logicalId}.KeyPolicy`), stack.template, logicalId);
}

/** The identity policies of a role of `stack` (see `resolvedIdentityPolicies`), across stacks and Regions. */
export function resolvedRegionalIdentityPolicies(stack: RegionalTemplate, all: RegionalTemplate[], roleLogicalId: string): unknown[] {
  return resolvedIdentityPolicies(localizeTemplate(stack, all), roleLogicalId);
}

/** `stack`'s template with the Region, cross-stack outputs and replica-key attributes as literals. */
export function localizeTemplate(stack: RegionalTemplate, all: RegionalTemplate[]): CfnTemplate {
  return { ...stack.template, Resources: localize(stack.template.Resources ?? {}, stack, all, stack.stackName) as CfnTemplate['Resources'] };
}

function localize(value: unknown, stack: RegionalTemplate, all: RegionalTemplate[], where: string): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => localize(v, stack, all, `${where}[${i}]`));
  }
  if (!value || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [fn, arg] = entries[0];
    if (fn === 'Ref' && arg === 'AWS::Region') {
      return stack.region;
    }
    if (fn === 'Fn::GetStackOutput') {
      return stackOutput(arg as Record<string, string>, stack, all, where);
    }
    if (fn === 'Fn::Sub' && typeof arg === 'string') {
      return { 'Fn::Sub': arg.replace(/\$\{AWS::Region\}/g, stack.region) };
    }
    const keyValue = keyAttribute(fn, arg, stack, all);
    if (keyValue !== undefined) {
      return keyValue;
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, localize(v, stack, all, `${where}.${k}`)]));
}

/** `Ref`/`Fn::GetAtt` of a key of `stack`: key IDs and ARNs in the stack's own Region. */
function keyAttribute(fn: string, arg: unknown, stack: RegionalTemplate, all: RegionalTemplate[]): string | undefined {
  const [id, attr] = fn === 'Ref' ? [String(arg), 'KeyId'] : fn === 'Fn::GetAtt' && Array.isArray(arg) ? arg.map(String) : [];
  const type = id === undefined ? undefined : stack.template.Resources?.[id]?.Type;
  if (type !== 'AWS::KMS::Key' && type !== 'AWS::KMS::ReplicaKey') {
    return undefined;
  }
  const keyId = keyIdOf(stack, all, id);
  if (attr === 'KeyId') return keyId;
  if (attr === 'Arn') return regionalKeyArn(stack.region, keyId);
  throw new Error(`unsupported attribute ${attr} of ${id} (${type}) in ${stack.stackName}`);
}

/** A key's ID: resolve-template's for a primary, the primary's for a replica. */
function keyIdOf(stack: RegionalTemplate, all: RegionalTemplate[], logicalId: string): string {
  const key = keyResource(stack, logicalId);
  if (key.Type === 'AWS::KMS::Key') {
    return keyArnFor(logicalId).split('/')[1];
  }
  const primaryArn = localize(key.Properties?.PrimaryKeyArn, stack, all, `${stack.stackName}.${logicalId}.PrimaryKeyArn`);
  const resolved = resolveIntrinsics(primaryArn, stack.template, `${logicalId}.PrimaryKeyArn`);
  if (typeof resolved !== 'string' || !/^arn:[^:]+:kms:[^:]+:\d{12}:key\/.+$/.test(resolved)) {
    throw new Error(`PrimaryKeyArn of ${logicalId} in ${stack.stackName} resolves to ${JSON.stringify(resolved)}, not a key ARN`);
  }
  return resolved.split('/')[1];
}

function keyResource(stack: RegionalTemplate, logicalId: string) {
  const key = stack.template.Resources?.[logicalId];
  if (!key || (key.Type !== 'AWS::KMS::Key' && key.Type !== 'AWS::KMS::ReplicaKey')) {
    throw new Error(`${logicalId} is not an AWS::KMS::Key or AWS::KMS::ReplicaKey of ${stack.stackName}`);
  }
  return key;
}

/** The resolved value of another stack's output, read in that stack's own Region. */
function stackOutput(arg: Record<string, string>, stack: RegionalTemplate, all: RegionalTemplate[], where: string): unknown {
  if (arg.RoleArn !== undefined) {
    throw new Error(`Fn::GetStackOutput with a RoleArn (cross-account) at ${where} is not supported`);
  }
  const region = arg.Region ?? stack.region;
  const producer = all.find(s => s.stackName === arg.StackName && s.region === region);
  const output = producer?.template.Outputs?.[arg.OutputName];
  if (!producer || !output) {
    throw new Error(`Fn::GetStackOutput at ${where}: no output ${arg.OutputName} in a stack ${arg.StackName} in ${region}`);
  }
  const value = localize(output.Value, producer, all, `${producer.stackName}.Outputs.${arg.OutputName}`);
  return resolveIntrinsics(value, producer.template, `${producer.stackName}.Outputs.${arg.OutputName}`);
}
