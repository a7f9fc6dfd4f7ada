// The encryption context each AWS service known to the library sets on its own KMS calls,
// by endpoint prefix (`<prefix>.<region>.amazonaws.com`, the `kms:ViaService` value). A
// caller of the service cannot add pairs of its own. One table for every reader:
// `ServiceExemption`'s named services, `CrossAccountDecryptKey`'s check of
// `requiredEncryptionContext` against `viaServices`, and the fix suggested for a bucket or
// queue that a tenant key does not exempt. No imports: anything may read it.

/** What one service puts in the encryption context. */
export interface ServiceContext {
  /** The key whose value names the resource, the one `ServiceExemption` pairs with the service. */
  readonly resourceKey: string;
  /** Every key the service sets. */
  readonly keys: readonly string[];
  /** The `ServiceExemption` factory for the service, when it has one of its own. */
  readonly exemption?: string;
}

/**
 * Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys (SSE-KMS)",
 * encryption context: `aws:s3:arn`. Amazon SQS Developer Guide, "Amazon SQS Key management":
 * `aws:sqs:arn`. Secrets Manager User Guide, "Secret encryption and decryption":
 * `SecretARN` and `SecretVersionId`. AWS KMS Developer Guide, "How Amazon Elastic Block
 * Store (Amazon EBS) uses AWS KMS": `aws:ebs:id`.
 */
export const SERVICE_CONTEXT = {
  s3: { resourceKey: 'aws:s3:arn', keys: ['aws:s3:arn'], exemption: 's3' },
  sqs: { resourceKey: 'aws:sqs:arn', keys: ['aws:sqs:arn'], exemption: 'sqs' },
  secretsmanager: { resourceKey: 'SecretARN', keys: ['SecretARN', 'SecretVersionId'], exemption: 'secretsManager' },
  ec2: { resourceKey: 'aws:ebs:id', keys: ['aws:ebs:id'] },
} as const;

/** The context of the service with endpoint prefix `prefix`, or undefined for a service the library does not know. */
export function serviceContext(prefix: string): ServiceContext | undefined {
  return (SERVICE_CONTEXT as Readonly<Record<string, ServiceContext>>)[prefix];
}
