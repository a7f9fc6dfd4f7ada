// Upgrade safety: no change may move the logical ID of a stateful resource (key, replica
// key, secret, log group, bucket) in any example, unless the move is listed, with its
// reason, in test/upgrade/intended-moves.json. New IDs must join the committed baseline
// (scripts/stateful-ids.ts), so that they are protected from then on.
import { IntendedMove, StatefulIds, currentStatefulIds, nextBaseline, readBaseline, readMoves, upgradeProblems } from './stateful-ids';
import { exampleNames } from '../helpers/examples';

const KEY = 'AWS::KMS::Key';

describe('upgradeProblems', () => {
  const baseline: StatefulIds = { 'ex/Stack/AcmeKey1': KEY, 'ex/Stack/Logs2': 'AWS::Logs::LogGroup' };

  test('an unchanged app has none', () => {
    expect(upgradeProblems(baseline, { ...baseline }, [])).toEqual([]);
  });

  test('fails when a key\'s logical ID moves', () => {
    const current = { 'ex/Stack/AcmeKey9': KEY, 'ex/Stack/Logs2': 'AWS::Logs::LogGroup' };
    expect(upgradeProblems(baseline, current, [])).toEqual([
      expect.stringMatching(/^ex\/Stack\/AcmeKey1 \(AWS::KMS::Key\) is gone: its logical ID moved/),
      'not in the baseline yet (run `npx tsx scripts/stateful-ids.ts` and commit test/upgrade/stateful-ids.json): ex/Stack/AcmeKey9',
    ]);
  });

  test('allows a move listed with its reason', () => {
    const current = { 'ex/Stack/AcmeKey9': KEY, 'ex/Stack/Logs2': 'AWS::Logs::LogGroup' };
    const moves: IntendedMove[] = [{ from: 'ex/Stack/AcmeKey1', to: 'ex/Stack/AcmeKey9', reason: 'renamed in the example only' }];
    expect(upgradeProblems(baseline, current, moves)).toEqual([]);
  });

  test('fails when a listed move has no reason, or its target does not exist', () => {
    const moves: IntendedMove[] = [{ from: 'ex/Stack/AcmeKey1', to: 'ex/Stack/Elsewhere', reason: ' ' }];
    expect(upgradeProblems(baseline, { 'ex/Stack/Logs2': 'AWS::Logs::LogGroup' }, moves)).toEqual([
      'intended move of ex/Stack/AcmeKey1 has no reason',
      'ex/Stack/AcmeKey1 is listed as moved to ex/Stack/Elsewhere, but no AWS::KMS::Key has that ID now',
    ]);
  });

  test('allows a listed removal', () => {
    const moves: IntendedMove[] = [{ from: 'ex/Stack/Logs2', to: null, reason: 'the example no longer needs the log group' }];
    expect(upgradeProblems(baseline, { 'ex/Stack/AcmeKey1': KEY }, moves)).toEqual([]);
  });

  test('fails when an ID now names a resource of another type', () => {
    expect(upgradeProblems(baseline, { ...baseline, 'ex/Stack/AcmeKey1': 'AWS::S3::Bucket' }, []))
      .toEqual(['ex/Stack/AcmeKey1 changed type from AWS::KMS::Key to AWS::S3::Bucket']);
  });

  test('the refresh refuses to hide an unlisted move, and adds new IDs', () => {
    expect(() => nextBaseline(baseline, { 'ex/Stack/Logs2': 'AWS::Logs::LogGroup' }, [])).toThrow(/refusing to refresh the baseline/);
    const grown = { ...baseline, 'ex/Stack/GlobexKey3': KEY };
    expect(nextBaseline(baseline, grown, [])).toEqual(grown);
  });
});

test('every example keeps the logical IDs of its stateful resources', () => {
  expect(upgradeProblems(readBaseline(), currentStatefulIds(), readMoves())).toEqual([]);
});

test('the baseline covers every example', () => {
  const examples = new Set(Object.keys(readBaseline()).map(id => id.split('/')[0]));
  expect([...examples].sort()).toEqual(exampleNames());
});
