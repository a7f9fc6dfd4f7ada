// The changelog is generated per release and published as the GitHub release notes, not
// committed as CHANGELOG.md (docs/decisions/0004-release-and-upgrade-safety.md): the bump
// writes dist/changelog.md from the Conventional Commits since the last tag, and the
// release workflow attaches that file to the release it creates. A projen upgrade or a
// .projenrc.ts change that moved either end would leave releases without notes.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks;
const workflow = fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'release.yml'), 'utf-8');

test('the bump writes the release notes to dist/changelog.md with commit-and-tag-version', () => {
  expect(tasks.bump.env).toMatchObject({ CHANGELOG: 'dist/changelog.md', BUMP_PACKAGE: expect.stringMatching(/^commit-and-tag-version@/) });
  expect(tasks.unbump.env.CHANGELOG).toBe('dist/changelog.md');
});

test('the release workflow creates the GitHub release with dist/changelog.md as its notes', () => {
  expect(workflow).toContain('CHANGELOG_FILE: dist/changelog.md');
  expect(workflow).toMatch(/gh release create "\$tag" .*-F "\$CHANGELOG_FILE"/);
});

test('the release leaves the tree as it found it, so no CHANGELOG.md is committed by it', () => {
  expect(tasks.release.steps).toEqual(expect.arrayContaining([{ exec: 'git diff --ignore-space-at-eol --exit-code' }]));
  expect(fs.existsSync(path.join(ROOT, 'CHANGELOG.md'))).toBe(false);
});
