import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EncryptionMonitor, MonitorTrail, RandomTokenRotation, RotatedSecret, TenantKey } from '../../src';
import { LIBRARY_NAME, LIBRARY_NAME_PASCAL, metricNamespace, qualifiedKey, statementId } from '../../src/private/names';
import { DAILY_CHECK_NAMESPACE } from '../../src/rotation-verification/checks';
import { DailyRotationCheck } from '../../src/rotation-verification/daily-rotation-check';
import { RotationVerificationProvider } from '../../src/rotation-verification/provider';

const ENV = { account: '111111111111', region: 'us-east-1' };
/**
 * The aliases of the keys that hold the user's data: named by the user, or by the
 * construct's documented default (`alias/tenant/<tenant>`, `alias/rotated-secret/<path>`),
 * which code encrypts by, so they are not the library's to prefix.
 */
const DATA_KEY_ALIASES = ['alias/tenant/acme', 'alias/rotated-secret/Stack'];

/** A stack with everything the library names: a monitor with the app's trail, a tenant key, a secret with its own rotation. */
function everything(): { stack: Stack; template: Template } {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  new EncryptionMonitor(stack, 'Monitor', { trail: MonitorTrail.createOncePerApp(), alarmEmails: ['ops@example.com'] });
  new TenantKey(stack, 'Acme', { tenantId: 'acme' });
  const rotation = new RandomTokenRotation(stack, 'TokenRotation');
  new RotatedSecret(stack, 'Token', { rotationLambda: rotation.function, generateSecretString: { passwordLength: 32 } });
  return { stack, template: Template.fromStack(stack) };
}

/** Every value of `property` of resources of `type`, resolved to a string (tokens as their first literal part). */
function names(template: Template, type: string, property: string): string[] {
  return Object.values(template.findResources(type)).map(r => {
    const value = r.Properties[property];
    if (typeof value === 'string') return value;
    // Fn::Join of a literal prefix and tokens: the literal parts, as they will read.
    const [sep, parts] = value['Fn::Join'] as [string, unknown[]];
    return parts.map(p => (typeof p === 'string' ? p : '<token>')).join(sep);
  });
}

describe('one naming scheme for what the library creates', () => {
  const { template } = everything();

  test('every alias of a key the library made for itself is alias/cdk-kms-patterns/<component>/...', () => {
    expect(names(template, 'AWS::KMS::Alias', 'AliasName').filter(a => DATA_KEY_ALIASES.some(d => a.startsWith(d)))).toHaveLength(2);
    const aliases = names(template, 'AWS::KMS::Alias', 'AliasName').filter(a => !DATA_KEY_ALIASES.some(d => a.startsWith(d)));
    expect(aliases.map(a => a.split('/').slice(0, 3).join('/')).sort()).toEqual([
      'alias/cdk-kms-patterns/cloudtrail',
      'alias/cdk-kms-patterns/encryption-monitor',
      'alias/cdk-kms-patterns/rotation-verification',
      'alias/cdk-kms-patterns/token-rotation',
    ]);
  });

  test('every log group the library made is /aws/vendedlogs/cdk-kms-patterns/<component>/...', () => {
    const logGroups = names(template, 'AWS::Logs::LogGroup', 'LogGroupName');
    expect(logGroups.map(g => g.split('/').slice(0, 5).join('/')).sort()).toEqual([
      '/aws/vendedlogs/cdk-kms-patterns/cloudtrail',
      '/aws/vendedlogs/cdk-kms-patterns/rotation-verification',
      '/aws/vendedlogs/cdk-kms-patterns/token-rotation',
    ]);
  });

  test('the tag on a monitored secret, the custom resource type and the metric namespace carry the library\'s name', () => {
    expect(EncryptionMonitor.ROTATION_MONITOR_TAG).toBe(qualifiedKey('rotation-monitor'));
    expect(qualifiedKey('x')).toBe(`${LIBRARY_NAME}:x`);
    template.resourceCountIs(`Custom::${LIBRARY_NAME_PASCAL}RotationVerification`, 2);
    // The daily check's handler spells its namespace out (its bundle imports nothing): tie it to the scheme.
    expect(DAILY_CHECK_NAMESPACE).toBe(metricNamespace('RotationCheck'));
    expect(DailyRotationCheck.NAMESPACE).toBe('KmsPatterns/RotationCheck');
  });

  test('the singletons keep their construct ids (and so their logical IDs)', () => {
    expect(RotationVerificationProvider.ID).toBe('KmsPatternsRotationVerificationProvider');
    expect(DailyRotationCheck.ID).toBe('KmsPatternsDailyRotationCheck');
  });

  test('every policy statement the library writes has a KmsPatterns Sid; only aws-cdk-lib\'s own keep theirs', () => {
    const sids = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(collect);
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === 'Sid' && typeof v === 'string') sids.add(v);
          collect(v);
        }
      }
    };
    collect(template.toJSON());
    const own = [...sids].filter(sid => sid.startsWith(LIBRARY_NAME_PASCAL));
    // Key, topic and trail-bucket policies all carry statements of ours.
    expect(own).toEqual(expect.arrayContaining([
      statementId('AllowAccountRootDelegation'), statementId('DenyNonTenantPrincipals'),
      statementId('AllowMonitorRules'), statementId('AllowCloudWatchAlarmsOfThisAccount'),
    ]));
    expect([...sids].filter(sid => !sid.startsWith(LIBRARY_NAME_PASCAL)).sort()).toEqual(['AllowPublishThroughSSLOnly']);
  });
});

