/**
 * An AWS service that calls KMS with an encryption context of its own, and so is
 * exempt from a tenant key's encryption-context Deny when (and only when) the call
 * comes through that service.
 *
 * Exempting a service hands isolation of the calls made through it to that service's
 * own access control (bucket policy, secret policy, queue policy). The caller must
 * still be one of the tenant's principals: only the encryption-context check is
 * relaxed, and only for requests that carry the service's own context key.
 */
export class ServiceExemption {
  /**
   * Amazon S3 (SSE-KMS), which sets the encryption context `aws:s3:arn`.
   * @param region the Region of the S3 endpoint; default: the key's Region
   */
  public static s3(region?: string): ServiceExemption {
    return new ServiceExemption('s3', 'aws:s3:arn', region);
  }

  /**
   * AWS Secrets Manager, which sets the encryption context `SecretARN`.
   * @param region the Region of the Secrets Manager endpoint; default: the key's Region
   */
  public static secretsManager(region?: string): ServiceExemption {
    return new ServiceExemption('secretsmanager', 'SecretARN', region);
  }

  /**
   * Amazon SQS (SSE-KMS), which sets the encryption context `aws:sqs:arn`.
   * @param region the Region of the SQS endpoint; default: the key's Region
   */
  public static sqs(region?: string): ServiceExemption {
    return new ServiceExemption('sqs', 'aws:sqs:arn', region);
  }

  /**
   * Any other service, by its endpoint prefix (`<prefix>.<region>.amazonaws.com`).
   *
   * @param servicePrefix the endpoint prefix, e.g. `kinesis`
   * @param contextKey the encryption-context key the service always sets; when given,
   *   calls through the service without it are denied. Default: no pairing.
   * @param region the Region of the endpoint; default: the key's Region
   */
  public static of(servicePrefix: string, contextKey?: string, region?: string): ServiceExemption {
    return new ServiceExemption(servicePrefix, contextKey, region);
  }

  private constructor(
    /** The service's endpoint prefix, e.g. `s3`. */
    public readonly servicePrefix: string,
    /** The encryption-context key the service always sets, if it has one. */
    public readonly contextKey?: string,
    /** The endpoint's Region; undefined means the key's own Region. */
    public readonly region?: string,
  ) {}

  /**
   * The value KMS puts in `kms:ViaService` for calls through this service.
   * @param defaultRegion the Region to use when the exemption names none
   */
  public viaServiceIn(defaultRegion: string): string {
    return `${this.servicePrefix}.${this.region ?? defaultRegion}.amazonaws.com`;
  }
}
