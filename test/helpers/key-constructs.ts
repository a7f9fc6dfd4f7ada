// Every key construct of the library, built the same way, for tests that hold them all to
// the same safe defaults (test/key-constructs.test.ts). A new key construct is added here,
// once, and gets every such test.
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { DB_CONNECTION } from './db-connection';
import {
  CrossAccountDecryptKey, EncryptionMonitor, MultiRegionKeySet, RotatedSecret, RotationVerification, SafeKeyOptions, SharedTenantKey, TenantKey,
} from '../../src';

export const KEY_CONSTRUCT_ENV = { account: '111111111111', region: 'us-east-1' };

/** A construct of the library whose key it creates (as its child `Key`). */
export interface KeyConstruct extends IConstruct {
  readonly aliasName?: string;
  readonly rotationVerification?: RotationVerification;
}

export interface KeyConstructCase {
  readonly name: string;
  /** The construct at `<stack>/K` with its required props only, then `options`. */
  readonly make: (stack: Stack, options?: SafeKeyOptions) => KeyConstruct;
  /** The monitor that watches the construct's key, in the construct's stack. */
  readonly monitorOf: (construct: KeyConstruct) => EncryptionMonitor | undefined;
  /** The alias its key gets by default at `S/K`. */
  readonly defaultAlias: string | RegExp;
  /** The description its key gets by default at `S/K`. */
  readonly defaultDescription: string;
  /** Whether it takes the key options (`SafeKeyOptions`): every key construct but RotatedSecret, whose key is a detail. */
  readonly takesKeyOptions: boolean;
}

export const KEY_CONSTRUCT_CASES: KeyConstructCase[] = [
  {
    name: 'TenantKey',
    make: (stack, options) => new TenantKey(stack, 'K', { tenantId: 'acme', ...options }),
    monitorOf: c => (c as TenantKey).monitor,
    defaultAlias: 'alias/tenant/acme',
    defaultDescription: 'Customer-managed key of tenant acme (S/K)',
    takesKeyOptions: true,
  },
  {
    name: 'SharedTenantKey',
    make: (stack, options) => new SharedTenantKey(stack, 'K', { alias: 'shared/tenants', ...options }),
    monitorOf: c => (c as SharedTenantKey).monitor,
    defaultAlias: 'alias/shared/tenants',
    defaultDescription: 'Customer-managed key shared by tenants, isolated by the principal tag tenantId (S/K)',
    takesKeyOptions: true,
  },
  {
    name: 'CrossAccountDecryptKey',
    make: (stack, options) => new CrossAccountDecryptKey(stack, 'K', { consumerAccountIds: ['222222222222'], ...options }),
    monitorOf: c => (c as CrossAccountDecryptKey).monitor,
    defaultAlias: /^alias\/cross-account\/S-K-[0-9A-F]{8}$/,
    defaultDescription: 'Customer-managed key shared for decryption with other accounts (S/K)',
    takesKeyOptions: true,
  },
  {
    name: 'MultiRegionKeySet',
    make: (stack, options) => new MultiRegionKeySet(stack, 'K', { replicaRegions: ['eu-west-1'], ...options }),
    monitorOf: c => (c as MultiRegionKeySet).monitorIn(KEY_CONSTRUCT_ENV.region),
    defaultAlias: /^alias\/multi-region\/S-K-[0-9A-F]{8}$/,
    defaultDescription: 'Multi-Region primary key in us-east-1 (S/K)',
    takesKeyOptions: true,
  },
  {
    name: 'RotatedSecret',
    make: (stack) => new RotatedSecret(stack, 'K', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(), generateSecretString: DB_CONNECTION }),
    monitorOf: c => (c as RotatedSecret).monitor,
    defaultAlias: 'alias/rotated-secret/S/K',
    defaultDescription: 'Customer-managed key of the secret S/K',
    takesKeyOptions: false,
  },
];

/** The cases whose construct takes `SafeKeyOptions`. */
export const KEY_OPTION_CASES = KEY_CONSTRUCT_CASES.filter(c => c.takesKeyOptions);

/** `case`'s construct in a fresh stack `S` of a fresh app; `options` may be made in that stack first. */
export function buildKeyConstruct(c: KeyConstructCase, options: SafeKeyOptions | ((stack: Stack) => SafeKeyOptions) = {}):
{ stack: Stack; construct: KeyConstruct } {
  const stack = new Stack(new App(), 'S', { env: KEY_CONSTRUCT_ENV });
  return { stack, construct: c.make(stack, typeof options === 'function' ? options(stack) : options) };
}
