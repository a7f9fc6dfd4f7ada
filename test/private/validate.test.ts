import { App, CfnParameter, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { CrossAccountDecryptKey, MultiRegionKeySet, SharedTenantKey, TenantKey } from '../../src';
import * as validateModule from '../../src/private/validate';
import {
  PATTERNS,
  REGION_PATTERN,
  invalidCombination,
  invalidProp,
  rotationDaysOf,
  validateDays,
  validateGraceDays,
  validateGraceHours,
  validateKeyRotationPeriod,
  validateNoReservedPrefix,
  validateNotEmpty,
  validatePattern,
  validatePendingWindow,
  validateResolved,
  validateSecretRotationInterval,
  validateUnique,
} from '../../src/private/validate';

/** A construct at the path `S/Thing`, the scope every error below names. */
function scope(): Construct {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  return new Construct(stack, 'Thing');
}

describe('invalidProp', () => {
  test('names the construct path, the prop in backticks, what is allowed and the received string in quotes', () => {
    expect(() => invalidProp(scope(), 'color', 'blue', 'must be red')).toThrow(
      new Error('S/Thing: `color` must be red, got "blue"'),
    );
  });

  test('echoes a string as received, without JSON escaping', () => {
    expect(() => invalidProp(scope(), 'path', 'C:\\dir "x"', 'must be a POSIX path')).toThrow(
      new Error('S/Thing: `path` must be a POSIX path, got "C:\\dir "x""'),
    );
  });

  test('renders a non-string value as JSON', () => {
    expect(() => invalidProp(scope(), 'sizes', [1, 'two'], 'must be numbers')).toThrow(
      new Error('S/Thing: `sizes` must be numbers, got [1,"two"]'),
    );
  });
});

describe('validateDays', () => {
  test.each([
    ['the lower bound', Duration.days(90)],
    ['the upper bound', Duration.days(2560)],
    ['a whole number of days given in hours', Duration.hours(100 * 24)],
  ])('accepts %s', (_, value) => {
    expect(() => validateDays(scope(), 'period', value, 90, 2560)).not.toThrow();
  });

  test('accepts undefined (the default applies)', () => {
    expect(() => validateDays(scope(), 'period', undefined, 90, 2560)).not.toThrow();
  });

  test('returns the days, or undefined when not given or a token', () => {
    expect(validateDays(scope(), 'period', Duration.hours(100 * 24), 90, 2560)).toBe(100);
    expect(validateDays(scope(), 'period', undefined, 90, 2560)).toBeUndefined();
    expect(validateDays(scope(), 'period', Duration.days(Token.asNumber({ Ref: 'Days' })), 90, 2560)).toBeUndefined();
  });

  test('skips a Duration whose amount is a token', () => {
    const value = Duration.days(Token.asNumber({ Ref: 'Days' }));
    expect(() => validateDays(scope(), 'period', value, 90, 2560)).not.toThrow();
  });

  test.each([
    ['below the minimum', Duration.days(89), '89 days'],
    ['above the maximum', Duration.days(2561), '2561 days'],
    ['not a whole number of days', Duration.hours(90 * 24 + 12), '90 days 12 hours'],
  ])('fails when the value is %s', (_, value, shown) => {
    expect(() => validateDays(scope(), 'period', value, 90, 2560)).toThrow(
      new Error(`S/Thing: \`period\` must be a whole number of days between 90 and 2560, got "${shown}"`),
    );
  });
});

describe('the bounds each days validator applies', () => {
  // "AWS::KMS::Key" (CloudFormation template reference): RotationPeriodInDays 90-2560,
  // PendingWindowInDays 7-30. The grace days are the library's own (its AWS Config rule counts days).
  test.each<[string, (s: Construct, p: string, v: Duration | undefined) => unknown, number, number]>([
    ['validateKeyRotationPeriod', validateKeyRotationPeriod, 90, 2560],
    ['validatePendingWindow', validatePendingWindow, 7, 30],
    ['validateGraceDays', validateGraceDays, 0, 30],
  ])('%s accepts %i to %i days and refuses one day outside', (_, validate, min, max) => {
    expect(() => validate(scope(), 'days', Duration.days(min))).not.toThrow();
    expect(() => validate(scope(), 'days', Duration.days(max))).not.toThrow();
    const message = (days: number) => new Error(`S/Thing: \`days\` must be a whole number of days between ${min} and ${max}, got "${days} days"`);
    expect(() => validate(scope(), 'days', Duration.days(max + 1))).toThrow(message(max + 1));
    if (min > 0) {
      expect(() => validate(scope(), 'days', Duration.days(min - 1))).toThrow(message(min - 1));
    }
  });

  test('validateKeyRotationPeriod returns the days, or undefined when not given', () => {
    expect(validateKeyRotationPeriod(scope(), 'days', Duration.days(180))).toBe(180);
    expect(validateKeyRotationPeriod(scope(), 'days', undefined)).toBeUndefined();
  });
});

describe('validatePattern', () => {
  const letters = /^[a-z]+$/;

  test('accepts a matching value', () => {
    expect(() => validatePattern(scope(), 'name', 'abc', letters, 'lowercase letters')).not.toThrow();
  });

  test('accepts undefined', () => {
    expect(() => validatePattern(scope(), 'name', undefined, letters, 'lowercase letters')).not.toThrow();
    // Not by accident: "undefined" would match `letters`, never digits.
    expect(() => validatePattern(scope(), 'name', undefined, /^\d+$/, 'digits')).not.toThrow();
  });

  test.each([
    ['a Lazy string', () => Lazy.string({ produce: () => 'NOT LETTERS' })],
    ['a CloudFormation parameter', () => new CfnParameter(new Stack(), 'P').valueAsString],
  ])('skips %s', (_, make) => {
    expect(() => validatePattern(scope(), 'name', make(), letters, 'lowercase letters')).not.toThrow();
  });

  test('fails when the value does not match, saying "must be" and what is allowed', () => {
    expect(() => validatePattern(scope(), 'name', 'ABC', letters, 'lowercase letters')).toThrow(
      new Error('S/Thing: `name` must be lowercase letters, got "ABC"'),
    );
  });
});

describe('validateNoReservedPrefix', () => {
  test('accepts a value without a reserved prefix, even one that contains it later', () => {
    expect(() => validateNoReservedPrefix(scope(), 'key', 'my-aws:key', ['aws:'])).not.toThrow();
  });

  test('accepts undefined and skips tokens', () => {
    expect(() => validateNoReservedPrefix(scope(), 'key', undefined, ['aws:'])).not.toThrow();
    expect(() => validateNoReservedPrefix(scope(), 'key', Lazy.string({ produce: () => 'aws:x' }), ['aws:'])).not.toThrow();
  });

  test.each(['aws:foo', 'AWS:foo', 'Aws:Foo'])('fails when the value is %p (case-insensitive)', (value) => {
    expect(() => validateNoReservedPrefix(scope(), 'key', value, ['aws:'])).toThrow(
      new Error(`S/Thing: \`key\` must not start with the reserved prefix "aws:", got "${value}"`),
    );
  });

  test('names the prefix that matched when there are several', () => {
    expect(() => validateNoReservedPrefix(scope(), 'key', 'alias/aws/x', ['aws:', 'alias/aws/'])).toThrow(
      new Error('S/Thing: `key` must not start with the reserved prefix "alias/aws/", got "alias/aws/x"'),
    );
  });
});

describe('validateUnique', () => {
  test('accepts distinct values', () => {
    expect(() => validateUnique(scope(), 'list', ['a', 'b', 'c'])).not.toThrow();
  });

  test('does not count equal tokens as duplicates (their values are unknown)', () => {
    const token = Lazy.string({ produce: () => 'a' });
    expect(() => validateUnique(scope(), 'list', [token, token])).not.toThrow();
  });

  test('fails when a value appears twice, naming it and echoing the whole list', () => {
    expect(() => validateUnique(scope(), 'list', ['a', 'b', 'a'])).toThrow(
      new Error('S/Thing: `list` must not contain duplicates ("a" appears more than once), got ["a","b","a"]'),
    );
  });
});

describe('PATTERNS.conditionKeySuffix', () => {
  test.each(['tenantId', 'a', 'x'.repeat(128), 'a_b.c:d/e=f+g@h-i'])('accepts %p', (value) => {
    expect(PATTERNS.conditionKeySuffix.test(value)).toBe(true);
  });

  test.each(['', 'x'.repeat(129), 'bad key!', 'a b', 'ü', 'a$b'])('rejects %p', (value) => {
    expect(PATTERNS.conditionKeySuffix.test(value)).toBe(false);
  });
});

describe('PATTERNS.aliasBody', () => {
  test.each(['tenant/acme', 'a_b-c', 'A1'])('accepts %p', (value) => {
    expect(PATTERNS.aliasBody.test(value)).toBe(true);
  });

  test.each(['', 'a b', 'a.b', 'ü'])('rejects %p', (value) => {
    expect(PATTERNS.aliasBody.test(value)).toBe(false);
  });
});

describe('REGION_PATTERN', () => {
  test.each(['us-east-1', 'eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-12', 'eu-central-2'])('accepts %p', (value) => {
    expect(REGION_PATTERN.test(value)).toBe(true);
  });

  // Both anchors matter: a Region name ends in a Deny's kms:ViaService, so a value with
  // anything before or after the name must not pass as one.
  test.each(['', 'us-east', 'US-EAST-1', 'useast1', 'us-east-123', 'u-east-1', 'us-east-1a',
    '1eu-west-1', 'xeu-west-1', ' eu-west-1', 'eu-west-1 ', 'eu-west-1\n', 'eu-west-x', 'eu--1'])('rejects %p', (value) => {
    expect(REGION_PATTERN.test(value)).toBe(false);
  });
});

describe('invalidCombination', () => {
  test('names the construct path and the problem as given', () => {
    expect(() => invalidCombination(scope(), '`a` and `b` are both given')).toThrow(
      new Error('S/Thing: `a` and `b` are both given'),
    );
  });
});

describe('validateResolved', () => {
  test('accepts a concrete value', () => {
    expect(() => validateResolved(scope(), 'env.region', 'eu-west-1', 'must be known at synthesis')).not.toThrow();
  });

  test('fails on a token, echoing it as CloudFormation renders it', () => {
    expect(() => validateResolved(scope(), 'env.region', Token.asString({ Ref: 'AWS::Region' }), 'must be known at synthesis')).toThrow(
      new Error('S/Thing: `env.region` must be known at synthesis, got {"Ref":"AWS::Region"}'),
    );
  });
});

describe('validateNotEmpty', () => {
  test('accepts a list with one entry', () => {
    expect(() => validateNotEmpty(scope(), 'regions', ['eu-west-1'], 'must name a Region')).not.toThrow();
  });

  test('fails on an empty list, echoing it', () => {
    expect(() => validateNotEmpty(scope(), 'regions', [], 'must name a Region')).toThrow(
      new Error('S/Thing: `regions` must name a Region, got []'),
    );
  });
});

// "Rotation schedules" (Secrets Manager User Guide), "Rate expressions": a secret rotates
// as often as every four hours; RotationRulesType (API reference): AutomaticallyAfterDays
// ranges 1 to 1000.
describe('validateSecretRotationInterval', () => {
  const message = (shown: string) =>
    new Error(`S/Thing: \`interval\` must be a whole number of hours between 4 hours and 1000 days, got "${shown}"`);

  test.each([
    ['the lower bound, 4 hours', Duration.hours(4)],
    ['the upper bound, 1000 days', Duration.days(1000)],
    ['1000 days given in hours', Duration.hours(24_000)],
    ['a whole number of hours given in minutes', Duration.minutes(300)],
  ])('accepts %s', (_, value) => {
    expect(() => validateSecretRotationInterval(scope(), 'interval', value)).not.toThrow();
  });

  test('accepts undefined (the default applies) and skips a token amount', () => {
    expect(() => validateSecretRotationInterval(scope(), 'interval', undefined)).not.toThrow();
    expect(() => validateSecretRotationInterval(scope(), 'interval', Duration.hours(Token.asNumber({ Ref: 'Hours' })))).not.toThrow();
  });

  test.each([
    ['just below 4 hours', Duration.minutes(239), '3 hours 59 minutes'],
    ['3 hours', Duration.hours(3), '3 hours'],
    ['one hour above 1000 days', Duration.hours(24_001), '1000 days 1 hour'],
    ['1001 days', Duration.days(1001), '1001 days'],
    ['not a whole number of hours', Duration.minutes(270), '4 hours 30 minutes'],
  ])('fails when the interval is %s', (_, value, shown) => {
    expect(() => validateSecretRotationInterval(scope(), 'interval', value)).toThrow(message(shown));
  });
});

describe('validateGraceHours', () => {
  test('returns whole hours, or undefined when not given or a token', () => {
    expect(validateGraceHours(scope(), 'grace', Duration.days(1))).toBe(24);
    expect(validateGraceHours(scope(), 'grace', undefined)).toBeUndefined();
    expect(validateGraceHours(scope(), 'grace', Duration.hours(Token.asNumber({ Ref: 'Hours' })))).toBeUndefined();
  });

  test('fails when the grace is not a whole number of hours', () => {
    expect(() => validateGraceHours(scope(), 'grace', Duration.minutes(90))).toThrow(
      new Error('S/Thing: `grace` must be a whole number of hours, got "1 hour 30 minutes"'),
    );
  });
});

describe('rotationDaysOf', () => {
  test('the days of a validated period; the default when none is given or it is a token', () => {
    expect(rotationDaysOf(Duration.days(180))).toBe(180);
    expect(rotationDaysOf(undefined)).toBe(365);
    expect(rotationDaysOf(Duration.days(Token.asNumber({ Ref: 'Days' })))).toBe(365);
  });
});

// Each prop is validated where the user gives it, and only there: the verification and the
// daily check that a key construct sets up take the validated period as it is.
describe.each<[string, (s: Stack, rotationPeriod: Duration) => void]>([
  ['TenantKey', (s, rotationPeriod) => new TenantKey(s, 'K', { tenantId: 'acme', rotationPeriod })],
  ['SharedTenantKey', (s, rotationPeriod) => new SharedTenantKey(s, 'K', { alias: 'shared', rotationPeriod })],
  ['CrossAccountDecryptKey', (s, rotationPeriod) => new CrossAccountDecryptKey(s, 'K', { consumerAccountIds: ['222222222222'], rotationPeriod })],
  ['MultiRegionKeySet', (s, rotationPeriod) => new MultiRegionKeySet(s, 'K', { replicaRegions: ['eu-west-1'], rotationPeriod })],
])('%s', (_, make) => {
  test('rotationPeriod is validated once, and the verification and the daily check hold the key to it', () => {
    const spy = jest.spyOn(validateModule, 'validateKeyRotationPeriod');
    try {
      const s = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
      make(s, Duration.days(180));
      const checked = spy.mock.calls.filter(([, , value]) => value !== undefined).map(([where, prop]) => `${where.node.path} ${prop}`);
      expect(checked).toEqual(['S/K rotationPeriod']);
      const t = Template.fromStack(s);
      t.hasResourceProperties('Custom::KmsPatternsRotationVerification', { Keys: [Match.objectLike({ MaxRotationPeriodDays: 180 })] });
      const inputs = Object.values(t.findResources('AWS::Events::Rule')).flatMap(r => r.Properties.Targets ?? []).map(x => JSON.stringify(x.Input));
      expect(inputs.some(i => i.includes('MaxDays') && i.includes(':180,'))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});

test('MultiRegionKeySet: pendingWindow is validated once, for the primary, and every replica takes it', () => {
  const spy = jest.spyOn(validateModule, 'validatePendingWindow');
  try {
    const app = new App();
    const s = new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    new MultiRegionKeySet(s, 'K', { replicaRegions: ['eu-west-1', 'ap-southeast-2'], pendingWindow: Duration.days(14), verifyRotation: false, monitoring: false });
    const checked = spy.mock.calls.filter(([, , value]) => value !== undefined).map(([where, prop]) => `${where.node.path} ${prop}`);
    expect(checked).toEqual(['S/K pendingWindow']);
    const replicas = app.node.children.filter((c): c is Stack => c instanceof Stack && c !== s);
    expect(replicas).toHaveLength(2);
    for (const replica of replicas) {
      Template.fromStack(replica).hasResourceProperties('AWS::KMS::ReplicaKey', { PendingWindowInDays: 14 });
    }
  } finally {
    spy.mockRestore();
  }
});
