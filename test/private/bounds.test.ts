import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { MAX_SECRET_ROTATION_DAYS, PENDING_WINDOW_DAYS as NAG_PENDING_WINDOW_DAYS, ROTATION_PERIOD_DAYS as NAG_ROTATION_PERIOD_DAYS } from '../../src/nag/private/kms';
import { KEY_ROTATION_DAYS, MAX_ALIAS_LENGTH, PENDING_WINDOW_DAYS, ROTATION_GRACE, SECRET_ROTATION_INTERVAL } from '../../src/private/bounds';
import { LEGACY_KEY_ROTATION_DAYS } from '../../src/rotation-verification/checks';

const SRC = path.join(__dirname, '../../src');

describe('the bounds are the ones AWS documents', () => {
  test('key rotation period: 90 to 2560 days, 365 by default', () => {
    // "EnableKeyRotation" (AWS KMS API Reference), RotationPeriodInDays: "Valid Range:
    // Minimum value of 90. Maximum value of 2560"; 365 days when not given.
    expect(KEY_ROTATION_DAYS).toEqual({ min: 90, max: 2560, default: 365 });
  });

  test('pending window: 7 to 30 days, the longest by default', () => {
    // "ScheduleKeyDeletion" (AWS KMS API Reference), PendingWindowInDays: "Valid Range:
    // Minimum value of 1. Maximum value of 30"; CloudFormation's AWS::KMS::Key takes 7 to 30.
    expect(PENDING_WINDOW_DAYS).toEqual({ min: 7, max: 30, default: 30 });
  });

  test('secret rotation interval: 4 hours to 1000 days, 30 days by default', () => {
    // "Rotation schedules" (Secrets Manager User Guide), "Rate expressions": at most every
    // four hours; RotationRulesType (API Reference): AutomaticallyAfterDays 1 to 1000.
    expect(SECRET_ROTATION_INTERVAL).toEqual({ minHours: 4, maxDays: 1000, defaultDays: 30 });
  });

  test('alias name: at most 256 characters, alias/ included', () => {
    // "CreateAlias" (AWS KMS API Reference), AliasName: "Length Constraints: Minimum length
    // of 1. Maximum length of 256".
    expect(MAX_ALIAS_LENGTH).toBe(256);
  });

  test('rotation grace: a day by default, at most 30 days on the monitor', () => {
    expect(ROTATION_GRACE).toEqual({ defaultDays: 1, maxDays: 30 });
  });
});

test('the handler reads a rotation status without a period as KMS\'s default period', () => {
  // checks.ts keeps the number as its own constant: importing it would change the handler's
  // bundle, and with it the asset hash in every template, for no change in behaviour.
  expect(LEGACY_KEY_ROTATION_DAYS).toBe(KEY_ROTATION_DAYS.default);
});

describe('the nag pack keeps its own copies (it imports nothing outside nag/), equal to the library\'s', () => {
  test('key rotation period', () => {
    expect(NAG_ROTATION_PERIOD_DAYS).toEqual(KEY_ROTATION_DAYS);
  });

  test('pending window', () => {
    expect(NAG_PENDING_WINDOW_DAYS).toEqual(PENDING_WINDOW_DAYS);
  });

  test('longest secret rotation interval', () => {
    expect(MAX_SECRET_ROTATION_DAYS).toBe(SECRET_ROTATION_INTERVAL.maxDays);
  });
});

/**
 * The doc comment of `member` of the exported interface `iface`, wherever it lives under
 * src/, whitespace and the leading `*` folded away.
 */
function docOf(iface: string, member: string): string {
  for (const file of sourceFiles(SRC)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (!ts.isInterfaceDeclaration(statement) || statement.name.text !== iface) {
        continue;
      }
      const prop = statement.members.find(m => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === member);
      if (!prop) {
        throw new Error(`${iface} has no member ${member}`);
      }
      const comments = ts.getLeadingCommentRanges(source.text, prop.getFullStart()) ?? [];
      return comments.map(c => source.text.slice(c.pos, c.end)).join(' ')
        .replace(/^\s*\/?\*+\/?/gm, ' ').replace(/\s+/g, ' ').trim();
    }
  }
  throw new Error(`no interface ${iface} under src/`);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory()
    ? sourceFiles(path.join(dir, e.name))
    : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

const keyRange = `${KEY_ROTATION_DAYS.min} and ${KEY_ROTATION_DAYS.max} days`;
const keyRangeTo = `${KEY_ROTATION_DAYS.min} to ${KEY_ROTATION_DAYS.max} days`;
const secretRange = `${SECRET_ROTATION_INTERVAL.minHours} hours to ${SECRET_ROTATION_INTERVAL.maxDays} days`;

describe('the public props state the same numbers as the bounds', () => {
  test.each([
    ['SafeKeyOptions', 'rotationPeriod', [`between ${keyRange}`, `@default Duration.days(${KEY_ROTATION_DAYS.default})`]],
    ['SafeKeyOptions', 'pendingWindow', [`between ${PENDING_WINDOW_DAYS.min} and ${PENDING_WINDOW_DAYS.max} days`,
      `@default Duration.days(${PENDING_WINDOW_DAYS.default})`]],
    ['RotatedSecretProps', 'rotationInterval', [`${SECRET_ROTATION_INTERVAL.minHours} hours to ${SECRET_ROTATION_INTERVAL.maxDays} days`,
      `@default Duration.days(${SECRET_ROTATION_INTERVAL.defaultDays})`]],
    ['RotationVerificationProps', 'maxKeyRotationPeriod', [keyRangeTo, `@default Duration.days(${KEY_ROTATION_DAYS.default})`]],
    ['RotationVerificationProps', 'maxSecretRotationInterval', [secretRange, `@default Duration.days(${SECRET_ROTATION_INTERVAL.defaultDays})`]],
    ['RotationVerificationProps', 'rotationGracePeriod', [`@default Duration.days(${ROTATION_GRACE.defaultDays})`]],
    ['DailyCheckSecretOptions', 'maxRotationInterval', [secretRange, `@default Duration.days(${SECRET_ROTATION_INTERVAL.defaultDays})`]],
    ['DailyCheckSecretOptions', 'rotationGracePeriod', [`@default Duration.days(${ROTATION_GRACE.defaultDays})`]],
    ['MonitorSecretOptions', 'rotationInterval', [secretRange, `@default Duration.days(${SECRET_ROTATION_INTERVAL.defaultDays})`]],
    ['EncryptionMonitorProps', 'rotationGracePeriod', [`0-${ROTATION_GRACE.maxDays} days`, `@default Duration.days(${ROTATION_GRACE.defaultDays})`]],
    ['EncryptionStandardsChecksProps', 'maxRotationPeriod', [`between ${KEY_ROTATION_DAYS.min} and ${KEY_ROTATION_DAYS.max}`]],
    ['EncryptionStandardsChecksProps', 'minPendingWindow', [`between ${PENDING_WINDOW_DAYS.min} and ${PENDING_WINDOW_DAYS.max}`]],
    ['EncryptionStandardsChecksProps', 'maxSecretRotationInterval', [`and ${SECRET_ROTATION_INTERVAL.maxDays}`]],
  ])('%s.%s', (iface, member, fragments) => {
    const doc = docOf(iface, member);
    for (const fragment of fragments) {
      expect(doc).toContain(fragment);
    }
  });

  test('the doc reader sees a doc comment (control: a fragment no doc has is not found)', () => {
    expect(docOf('SafeKeyOptions', 'rotationPeriod')).toContain('How often KMS rotates the key material');
    expect(docOf('SafeKeyOptions', 'rotationPeriod')).not.toContain('Duration.days(366)');
  });
});
