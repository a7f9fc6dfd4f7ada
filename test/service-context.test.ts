import { SERVICE_CONTEXT, serviceContext } from '../src/service-context';
import { ServiceExemption } from '../src/service-exemption';

// The one table of which encryption-context keys each AWS service sets itself.
describe('SERVICE_CONTEXT', () => {
  test('holds the keys AWS documents for each service', () => {
    // S3 User Guide (SSE-KMS), SQS Developer Guide (Key management), Secrets Manager User
    // Guide (Secret encryption and decryption), KMS Developer Guide (How Amazon EBS uses AWS KMS).
    expect(Object.fromEntries(Object.entries(SERVICE_CONTEXT).map(([prefix, c]) => [prefix, c.keys]))).toEqual({
      s3: ['aws:s3:arn'],
      sqs: ['aws:sqs:arn'],
      secretsmanager: ['SecretARN', 'SecretVersionId'],
      ec2: ['aws:ebs:id'],
    });
  });

  test('each resource key is one of the keys the service sets', () => {
    for (const c of Object.values(SERVICE_CONTEXT)) {
      expect(c.keys).toContain(c.resourceKey);
    }
  });

  test.each(Object.entries(SERVICE_CONTEXT).filter(([, c]) => 'exemption' in c))(
    'the ServiceExemption factory named for %s exists and exempts that service with its resource key', (prefix, c) => {
      const factory = (ServiceExemption as unknown as Record<string, () => ServiceExemption>)[(c as { exemption: string }).exemption];
      expect(typeof factory).toBe('function');
      const exemption = factory.call(ServiceExemption);
      expect(exemption.servicePrefix).toBe(prefix);
      expect(exemption.contextKey).toBe(c.resourceKey);
    });

  test('serviceContext: a service the library does not know has none (control)', () => {
    expect(serviceContext('s3')?.resourceKey).toBe('aws:s3:arn');
    expect(serviceContext('kinesis')).toBeUndefined();
  });
});
