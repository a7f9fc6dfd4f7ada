// EncStd-SMG1 and SMG2 on secrets made with plain aws-cdk-lib, and the rotation
// interval arithmetic behind SMG2.
import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { cronIntervalDays, rotationIntervalDays } from '../../../src/nag/private/schedule';
import { idsOn, newStack } from '../enc-std';

function keyOf(stack: Stack): kms.Key {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  key.addAlias('alias/secrets');
  return key;
}

/** A secret under a key of the stack, rotated every `days` days when given. */
function secret(stack: Stack, days?: number): secretsmanager.Secret {
  const s = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: keyOf(stack) });
  if (days !== undefined) {
    s.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(),
      automaticallyAfter: Duration.days(days),
    });
  }
  return s;
}

/** An L1 secret under a key of the stack with an L1 rotation schedule. */
function cfnSecretWithRules(stack: Stack, rotationRules: secretsmanager.CfnRotationSchedule.RotationRulesProperty): secretsmanager.CfnSecret {
  const s = new secretsmanager.CfnSecret(stack, 'Secret', { kmsKeyId: keyOf(stack).keyArn });
  new secretsmanager.CfnRotationSchedule(stack, 'Rotation', {
    secretId: s.ref,
    rotationLambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:rotate',
    rotationRules,
  });
  return s;
}

describe('EncStd-SMG1 secret under a customer managed key', () => {
  test('passes a secret with encryptionKey', () => {
    expect(idsOn(secret(newStack(), 30))).toEqual([]);
  });

  test('fails a secret without a key (aws/secretsmanager)', () => {
    const stack = newStack();
    const s = new secretsmanager.Secret(stack, 'Secret');
    s.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser() });
    expect(idsOn(s)).toEqual(['EncStd-SMG1']);
  });

  test('fails an L1 secret naming alias/aws/secretsmanager', () => {
    const stack = newStack();
    const s = new secretsmanager.CfnSecret(stack, 'Secret', { kmsKeyId: 'alias/aws/secretsmanager' });
    new secretsmanager.CfnRotationSchedule(stack, 'Rotation', { secretId: s.ref, rotationRules: { automaticallyAfterDays: 30 } });
    expect(idsOn(s)).toEqual(['EncStd-SMG1']);
  });

  test('is N/A when the key is a parameter', () => {
    const stack = newStack();
    const key = new CfnParameter(stack, 'KeyArn', { type: 'String' });
    const s = new secretsmanager.CfnSecret(stack, 'Secret', { kmsKeyId: key.valueAsString });
    new secretsmanager.CfnRotationSchedule(stack, 'Rotation', { secretId: s.ref, rotationRules: { automaticallyAfterDays: 30 } });
    expect(idsOn(s)).toEqual([]);
  });
});

describe('EncStd-SMG2 secret rotation', () => {
  test('fails a secret without a rotation schedule', () => {
    expect(idsOn(secret(newStack()))).toEqual(['EncStd-SMG2']);
  });

  test('passes the L2 default schedule (30 days) and 90 days at the default maximum (90)', () => {
    const stack = newStack();
    const s = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: keyOf(stack) });
    s.addRotationSchedule('Rotation', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() });
    expect(idsOn(s)).toEqual([]);
    expect(idsOn(secret(newStack(), 90))).toEqual([]);
  });

  test('fails 120 days at the default maximum, passes it at a maximum of 180', () => {
    const s = secret(newStack(), 120);
    expect(idsOn(s)).toEqual(['EncStd-SMG2']);
    expect(idsOn(s, { maxSecretRotationInterval: Duration.days(180) })).toEqual([]);
  });

  test('does not count a schedule of another secret', () => {
    const stack = newStack();
    secret(stack, 30);
    const other = new secretsmanager.Secret(stack, 'Other', { encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111111111111:key/1234') });
    expect(idsOn(other)).toEqual(['EncStd-SMG2']);
  });

  test.each([
    ['AutomaticallyAfterDays 30', { automaticallyAfterDays: 30 }, []],
    ['rate(4 hours)', { scheduleExpression: 'rate(4 hours)' }, []],
    ['a monthly cron', { scheduleExpression: 'cron(0 16 1 * ? *)' }, []],
    ['a quarterly cron (92 days)', { scheduleExpression: 'cron(0 8 1 1,4,7,10 ? *)' }, ['EncStd-SMG2']],
    ['a yearly cron', { scheduleExpression: 'cron(0 8 1 JAN ? *)' }, ['EncStd-SMG2']],
    ['rules without schedule', {}, ['EncStd-SMG2']],
  ])('L1 schedule with %s', (_name, rules, expected) => {
    expect(idsOn(cfnSecretWithRules(newStack(), rules))).toEqual(expected);
  });

  test('is N/A when the interval is a parameter', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' });
    expect(idsOn(cfnSecretWithRules(stack, { automaticallyAfterDays: days.valueAsNumber }))).toEqual([]);
  });
});

describe('rotation interval arithmetic', () => {
  test.each([
    [{ AutomaticallyAfterDays: 30 }, 30],
    [{ AutomaticallyAfterDays: '45' }, 45],
    [{ ScheduleExpression: 'rate(10 days)' }, 10],
    [{ ScheduleExpression: 'rate(1 day)' }, 1],
    [{ ScheduleExpression: 'rate(12 hours)' }, 0.5],
    [{ ScheduleExpression: 'cron(0 0 * * ? *)' }, 1],
    [{ ScheduleExpression: 'cron(0 0 ? * MON *)' }, 7],
    [{ ScheduleExpression: 'cron(0 0 ? * MON#1 *)' }, 31],
    [{ ScheduleExpression: 'cron(0 0 L * ? *)' }, 31],
    [{ ScheduleExpression: 'cron(0 0 1 */2 ? *)' }, 62],
    [{ ScheduleExpression: 'cron(0 0 1 JAN-JUN ? *)' }, 214],
    [{ ScheduleExpression: 'cron(0 0 1 * ? 2030)' }, Infinity],
    [{ ScheduleExpression: 'at(2030-01-01T00:00:00)' }, Infinity],
    [{}, Infinity],
    [{ AutomaticallyAfterDays: { Ref: 'Days' } }, undefined],
    [{ ScheduleExpression: { Ref: 'Expr' } }, undefined],
  ])('%j -> %p days', (rules, days) => {
    expect(rotationIntervalDays(rules)).toBe(days);
  });

  test('an unreadable month field or a wrong field count is unbounded', () => {
    expect(cronIntervalDays(['0', '0', '1', 'FOO', '?', '*'])).toBe(Infinity);
    expect(cronIntervalDays(['0', '0', '1', '*', '?'])).toBe(Infinity);
  });
});
