import { Stack } from 'aws-cdk-lib';
import { SERVICE_CONTEXT } from './service-context';

/** Options of `ServiceExemption.secretsManagerForTenant`. */
export interface TenantSecretsOptions {
  /**
   * What every tenant's secret name starts with, before the tenant ID: secrets are named
   * `<secretNamePrefix><tenant>/<name>`. Letters, digits and `/ _ + = . @ -`.
   * @default '' (secrets named `<tenant>/<name>`)
   */
  readonly secretNamePrefix?: string;
  /**
   * The Region of the Secrets Manager endpoint and of the secrets.
   * @default - the key's Region
   */
  readonly region?: string;
}

/** Options of `ServiceExemption.s3ForTenant`. */
export interface TenantObjectsOptions {
  /** The bucket whose objects are stored under `<keyPrefix><tenant>/`. */
  readonly bucketName: string;
  /**
   * What every tenant's object keys start with, before the tenant ID: objects are stored
   * under `<keyPrefix><tenant>/`. No `*` or `?`.
   * @default '' (objects under `<tenant>/`)
   */
  readonly keyPrefix?: string;
  /**
   * The Region of the S3 endpoint.
   * @default - the key's Region
   */
  readonly region?: string;
}

/**
 * An AWS service that calls KMS with an encryption context of its own, and so is
 * exempt from a tenant key's encryption-context Deny when (and only when) the call
 * comes through that service.
 *
 * A plain exemption hands isolation of the calls made through it to that service's
 * own access control (bucket policy, secret policy, queue policy): tenant B can decrypt
 * tenant A's secret through Secrets Manager whenever A's secret is readable to B. The
 * `...ForTenant` forms tie the service's own context to the caller's tenant instead, so
 * the key policy keeps isolating tenants. The caller must still be one of the tenant's
 * principals either way.
 */
export class ServiceExemption {
  /**
   * Amazon S3 (SSE-KMS), which sets the encryption context `aws:s3:arn`.
   * @param region the Region of the S3 endpoint; default: the key's Region
   */
  public static s3(region?: string): ServiceExemption {
    return new ServiceExemption('s3', SERVICE_CONTEXT.s3.resourceKey, region);
  }

  /**
   * Amazon S3 (SSE-KMS) for objects under the caller's own tenant prefix only: the key
   * policy denies calls through S3 unless `aws:s3:arn` is
   * `arn:<partition>:s3:::<bucketName>/<keyPrefix><tenant>/*`, where `<tenant>` is the
   * key's tenant (`TenantKey`) or the caller's tenant tag (`SharedTenantKey`).
   *
   * Requires buckets **without an S3 Bucket Key**: with a Bucket Key, S3 puts the bucket's
   * ARN in the context, not the object's, and every call would be denied.
   */
  public static s3ForTenant(options: TenantObjectsOptions): ServiceExemption {
    return new ServiceExemption('s3', SERVICE_CONTEXT.s3.resourceKey, options.region, {
      service: 's3',
      bucketName: options.bucketName,
      prefix: options.keyPrefix ?? '',
    });
  }

  /**
   * AWS Secrets Manager, which sets the encryption context `SecretARN`.
   * @param region the Region of the Secrets Manager endpoint; default: the key's Region
   */
  public static secretsManager(region?: string): ServiceExemption {
    return new ServiceExemption('secretsmanager', SERVICE_CONTEXT.secretsmanager.resourceKey, region);
  }

  /**
   * AWS Secrets Manager for the caller's own tenant's secrets only: the key policy denies
   * calls through Secrets Manager unless `SecretARN` is
   * `arn:<partition>:secretsmanager:<region>:<account>:secret:<secretNamePrefix><tenant>/*`,
   * where `<tenant>` is the key's tenant (`TenantKey`) or the caller's tenant tag
   * (`SharedTenantKey`). Name each tenant's secrets `<secretNamePrefix><tenant>/<name>`.
   */
  public static secretsManagerForTenant(options: TenantSecretsOptions = {}): ServiceExemption {
    return new ServiceExemption('secretsmanager', SERVICE_CONTEXT.secretsmanager.resourceKey, options.region, {
      service: 'secretsmanager',
      prefix: options.secretNamePrefix ?? '',
    });
  }

  /**
   * Amazon SQS (SSE-KMS), which sets the encryption context `aws:sqs:arn`.
   * @param region the Region of the SQS endpoint; default: the key's Region
   */
  public static sqs(region?: string): ServiceExemption {
    return new ServiceExemption('sqs', SERVICE_CONTEXT.sqs.resourceKey, region);
  }

  /**
   * Any other service, by its endpoint prefix (`<prefix>.<region>.amazonaws.com`).
   *
   * **Without `contextKey`, any encryption context passes through that service**: every
   * call a tenant principal makes through it, under any context (another tenant's
   * included), escapes the context Deny, and isolation then rests wholly on the service.
   * Give the key the service always sets whenever it has one.
   *
   * @param servicePrefix the endpoint prefix, e.g. `kinesis`
   * @param contextKey the encryption-context key the service always sets; when given,
   *   calls through the service without it are denied. Default: no pairing.
   * @param region the Region of the endpoint; default: the key's Region
   */
  public static of(servicePrefix: string, contextKey?: string, region?: string): ServiceExemption {
    return new ServiceExemption(servicePrefix, contextKey, region);
  }

  /** The service's endpoint prefix, e.g. `s3`. */
  public readonly servicePrefix: string;
  /**
   * The encryption-context key the service always sets.
   * @default - none: any context passes through the service
   */
  public readonly contextKey?: string;
  /**
   * The endpoint's Region.
   * @default - the key's own Region
   */
  public readonly region?: string;
  /** Whether the service's context must name the caller's tenant (the `...ForTenant` forms). */
  public readonly tenantBound: boolean;

  /** @internal */
  public readonly _tenantBinding?: TenantBinding;

  private constructor(servicePrefix: string, contextKey?: string, region?: string, binding?: TenantBinding) {
    this.servicePrefix = servicePrefix;
    this.contextKey = contextKey;
    this.region = region;
    this.tenantBound = binding !== undefined;
    this._tenantBinding = binding;
  }

  /**
   * The value KMS puts in `kms:ViaService` for calls through this service.
   * @param defaultRegion the Region to use when the exemption names none
   */
  public viaServiceIn(defaultRegion: string): string {
    return `${this.servicePrefix}.${this.region ?? defaultRegion}.amazonaws.com`;
  }

  /**
   * The `StringLike` pattern the service's context value must match for `tenant` (a
   * literal or a policy variable), or undefined for an exemption not bound to tenants.
   * @internal
   */
  public _tenantContextPattern(stack: Stack, tenant: string): string | undefined {
    const b = this._tenantBinding;
    if (!b) {
      return undefined;
    }
    return b.service === 's3'
      ? `arn:${stack.partition}:s3:::${b.bucketName}/${b.prefix}${tenant}/*`
      : `arn:${stack.partition}:secretsmanager:${this.region ?? stack.region}:${stack.account}:secret:${b.prefix}${tenant}/*`;
  }
}

/** What a tenant-bound exemption requires of the service's context. */
interface TenantBinding {
  readonly service: 's3' | 'secretsmanager';
  readonly prefix: string;
  readonly bucketName?: string;
}
