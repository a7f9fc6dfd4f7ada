// Turns policies in a synthesized template into concrete JSON an IAM
// simulator can evaluate, by substituting intrinsics with values for one fixed
// environment. Anything it does not understand throws: a guessed value could
// make a security test pass for the wrong reason.
import { createHash } from 'crypto';

export const FAKE_ENV = { account: '111111111111', region: 'us-east-1', partition: 'aws' } as const;

export interface CfnTemplate {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
}

/** A stable, valid-looking key ARN for a key's logical id (CloudFormation would assign a random one). */
export function keyArnFor(logicalId: string): string {
  return `arn:${FAKE_ENV.partition}:kms:${FAKE_ENV.region}:${FAKE_ENV.account}:key/${keyIdFor(logicalId)}`;
}

/** A secret's ARN (what `Ref` returns) for its logical id: the name, then Secrets Manager's six random characters. */
export function secretArnFor(logicalId: string): string {
  return `arn:${FAKE_ENV.partition}:secretsmanager:${FAKE_ENV.region}:${FAKE_ENV.account}:secret:${logicalId}-AbCdEf`;
}

/** The ARN a role or user in the template resolves to: its RoleName/UserName, else its logical id. */
export function principalArnFor(template: CfnTemplate, logicalId: string): string {
  const { type, props } = resource(template, logicalId, '');
  const kinds: Record<string, string> = { 'AWS::IAM::Role': 'role', 'AWS::IAM::User': 'user' };
  const kind = kinds[type];
  if (!kind) {
    throw new Error(`${logicalId} is a ${type}, not an IAM role or user`);
  }
  const iamPath = props.Path === undefined ? '/' : resolveIntrinsics(props.Path, template, `${logicalId}.Path`);
  return `arn:${FAKE_ENV.partition}:iam::${FAKE_ENV.account}:${kind}${iamPath}${nameOf(template, logicalId)}`;
}

/** The KeyPolicy of an AWS::KMS::Key with every intrinsic resolved. The logical id may be omitted if there is one key. */
export function resolvedKeyPolicy(template: CfnTemplate, keyLogicalId?: string): unknown {
  const keyIds = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id]) => id);
  const id = keyLogicalId ?? (keyIds.length === 1 ? keyIds[0] : undefined);
  if (!id || !keyIds.includes(id)) {
    throw new Error(`pick one of the template's AWS::KMS::Key resources: [${keyIds.join(', ')}] (got ${keyLogicalId})`);
  }
  const policy = template.Resources![id].Properties?.KeyPolicy;
  if (policy === undefined) {
    throw new Error(`${id} has no KeyPolicy`);
  }
  return resolveIntrinsics(policy, template, `${id}.KeyPolicy`);
}

/**
 * The identity policies attached to a role: its inline Policies and every
 * AWS::IAM::Policy / AWS::IAM::ManagedPolicy in the template that lists it.
 * Throws on what it cannot see (managed policy ARNs, permissions boundaries),
 * since leaving them out would change the decision.
 */
export function resolvedIdentityPolicies(template: CfnTemplate, roleLogicalId: string): unknown[] {
  const { type, props } = resource(template, roleLogicalId, '');
  if (type !== 'AWS::IAM::Role') {
    throw new Error(`${roleLogicalId} is a ${type}, not an AWS::IAM::Role`);
  }
  for (const unsupported of ['ManagedPolicyArns', 'PermissionsBoundary']) {
    if (props[unsupported] !== undefined) {
      throw new Error(`${roleLogicalId} has ${unsupported}, which cannot be resolved offline: pass identityPolicies explicitly`);
    }
  }
  const inline = ((props.Policies ?? []) as Array<{ PolicyDocument: unknown }>).map((p) => p.PolicyDocument);
  const attached = Object.values(template.Resources ?? {})
    .filter((r) => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type))
    .filter((r) => ((r.Properties?.Roles ?? []) as unknown[]).some((role) => isRefTo(role, roleLogicalId)))
    .map((r) => r.Properties!.PolicyDocument);
  return [...inline, ...attached].map((doc, i) => resolveIntrinsics(doc, template, `${roleLogicalId} identity policy ${i}`));
}

/** Replaces Ref, Fn::GetAtt, Fn::Join, Fn::Split, Fn::Select and Fn::Sub with concrete values; throws on anything else. */
export function resolveIntrinsics(value: unknown, template: CfnTemplate, where: string): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => resolveIntrinsics(v, template, `${where}[${i}]`));
  }
  if (!value || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, arg] = entries[0];
    if (key === 'Ref' || key.startsWith('Fn::')) {
      return resolveIntrinsic(key, arg, template, `${where}.${key}`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, template, `${where}.${k}`)]));
}

function resolveIntrinsic(fn: string, arg: unknown, template: CfnTemplate, where: string): string | string[] {
  switch (fn) {
    case 'Ref':
      return ref(String(arg), template, where);
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/);
      return getAtt(id, attr, template, where);
    }
    case 'Fn::Join': {
      const [delimiter, listArg] = arg as [string, unknown];
      // The list is literal, or an intrinsic that returns one (Fn::Split).
      const parts = Array.isArray(listArg) ? listArg : resolveIntrinsics(listArg, template, `${where}.list`);
      if (!Array.isArray(parts)) {
        throw new Error(`expected a list at ${where}, got ${JSON.stringify(parts)}`);
      }
      return parts.map((p, i) => asString(resolveIntrinsics(p, template, `${where}[${i}]`), where)).join(delimiter);
    }
    case 'Fn::Select': {
      const [index, listArg] = arg as [unknown, unknown];
      const list = Array.isArray(listArg) ? listArg : resolveIntrinsics(listArg, template, `${where}.list`);
      const i = Number(resolveIntrinsics(index, template, `${where}.index`));
      if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length) {
        throw new Error(`cannot select ${JSON.stringify(index)} from ${JSON.stringify(list)} at ${where}`);
      }
      return asString(resolveIntrinsics(list[i], template, `${where}[${i}]`), where);
    }
    case 'Fn::Split': {
      const [delimiter, source] = arg as [string, unknown];
      return asString(resolveIntrinsics(source, template, `${where}.source`), where).split(delimiter);
    }
    case 'Fn::Sub': {
      const [text, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
      return text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
        if (literal) return `\${${name}}`;
        if (name in vars) return asString(resolveIntrinsics(vars[name], template, `${where}.${name}`), where);
        const [id, attr] = name.split(/\.(.*)/);
        return attr ? getAtt(id, attr, template, where) : ref(id, template, where);
      });
    }
    default:
      throw new Error(`unsupported intrinsic ${fn} at ${where}`);
  }
}

function ref(name: string, template: CfnTemplate, where: string): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': FAKE_ENV.partition,
    'AWS::AccountId': FAKE_ENV.account,
    'AWS::Region': FAKE_ENV.region,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (name in pseudo) {
    return pseudo[name];
  }
  const { type } = resource(template, name, where);
  if (type === 'AWS::KMS::Key') return keyIdFor(name);
  if (type === 'AWS::IAM::Role' || type === 'AWS::IAM::User') return nameOf(template, name);
  if (type === 'AWS::SecretsManager::Secret') return secretArnFor(name);
  throw new Error(`unsupported Ref to ${name} (${type}) at ${where}`);
}

function getAtt(id: string, attr: string, template: CfnTemplate, where: string): string {
  const { type } = resource(template, id, where);
  if (type === 'AWS::KMS::Key' && attr === 'Arn') return keyArnFor(id);
  if (type === 'AWS::KMS::Key' && attr === 'KeyId') return keyIdFor(id);
  if ((type === 'AWS::IAM::Role' || type === 'AWS::IAM::User') && attr === 'Arn') return principalArnFor(template, id);
  if (type === 'AWS::Logs::LogGroup' && attr === 'Arn') {
    const { props } = resource(template, id, where);
    const name = props.LogGroupName === undefined ? id : asString(resolveIntrinsics(props.LogGroupName, template, `${id}.LogGroupName`), where);
    return `arn:${FAKE_ENV.partition}:logs:${FAKE_ENV.region}:${FAKE_ENV.account}:log-group:${name}:*`;
  }
  // Buckets and queues named after their logical id, as stand-ins for CloudFormation's generated names.
  if (type === 'AWS::S3::Bucket' && attr === 'Arn') return `arn:${FAKE_ENV.partition}:s3:::${id.toLowerCase()}`;
  if (type === 'AWS::SQS::Queue' && attr === 'Arn') return `arn:${FAKE_ENV.partition}:sqs:${FAKE_ENV.region}:${FAKE_ENV.account}:${id}`;
  throw new Error(`unsupported Fn::GetAtt ${id}.${attr} (${type}) at ${where}`);
}

function resource(template: CfnTemplate, id: string, where: string) {
  const r = template.Resources?.[id];
  if (!r) {
    throw new Error(`${id} is not a resource in the template${where ? ` (at ${where})` : ''}`);
  }
  return { type: r.Type, props: r.Properties ?? {} };
}

function nameOf(template: CfnTemplate, logicalId: string): string {
  const { props } = resource(template, logicalId, '');
  const name = props.RoleName ?? props.UserName;
  return name === undefined ? logicalId : asString(resolveIntrinsics(name, template, `${logicalId} name`), logicalId);
}

function keyIdFor(logicalId: string): string {
  const h = createHash('sha256').update(logicalId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function isRefTo(value: unknown, logicalId: string): boolean {
  return !!value && typeof value === 'object' && (value as { Ref?: unknown }).Ref === logicalId;
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') {
    throw new Error(`expected a string at ${where}, got ${JSON.stringify(value)}`);
  }
  return value;
}
