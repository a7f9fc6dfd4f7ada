import { readFileSync } from 'fs';
import { join } from 'path';

// docs/threat-model.md promises that every row names the test that proves it. This keeps
// the section on key management in step with the tests: each quoted test name must be
// a title (or, for nested describes, titles joined by " › ") in the file the row names.

const ROOT = join(__dirname, '..');
const doc = readFileSync(join(ROOT, 'docs/threat-model.md'), 'utf8');

/** The rows of the tables in one `## ` section. */
function tableRows(section: string): string[] {
  const start = doc.indexOf(`## ${section}\n`);
  if (start < 0) {
    throw new Error(`docs/threat-model.md has no section "## ${section}"`);
  }
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end).split('\n')
    .filter(l => l.startsWith('| ') && !l.startsWith('| ---') && !/^\| (Attacker|Legitimate caller) \|/.test(l));
}

/** Every quoted string literal of a test file, as a pattern: `%s`, `%p` and `$name` match anything. */
function titlePatterns(file: string): RegExp[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const literals = [...source.matchAll(/'((?:[^'\\\n]|\\.)*)'|`([^`\n]*)`/g)].map(m => (m[1] ?? m[2]).replace(/\\'/g, '\''));
  return literals
    .map(l => l.split(/%[sp]|\$[a-z]+|\$\{[^}]*\}/i))
    // A title that is mostly placeholders ('%s') would match any name.
    .filter(fixed => fixed.join('').trim().length >= 5)
    .map(fixed => new RegExp(`^${fixed.map(escape).join('.+')}$`));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The files a row's last cell names: the short names of the section's legend, or paths in backticks. */
function citations(cell: string, legend: Record<string, string>): Array<{ file: string; names: string[] }> {
  const parts = cell.split(/(?=(?:\b(?:KM|KP|KMG): |`test\/[^`]+`: ))/);
  return parts.filter(p => p.trim()).map(part => {
    const short = /^(KM|KP|KMG): /.exec(part);
    const path = /^`(test\/[^`]+)`: /.exec(part);
    const file = short ? legend[short[1]] : path?.[1];
    if (!file) {
      throw new Error(`cannot tell which test file "${part.trim()}" cites`);
    }
    return { file, names: [...part.matchAll(/"([^"]+)"/g)].map(m => m[1]) };
  });
}

describe('docs/threat-model.md, "Key management and aliases"', () => {
  const legend = { KM: 'test/security/key-management.security.test.ts', KP: 'test/private/key-policy.test.ts', KMG: 'test/private/key-managers.test.ts' };
  const rows = tableRows('Key management and aliases');

  test('has rows, each citing at least one test by name', () => {
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const cells = row.split(' | ');
      const cited = citations(cells[cells.length - 1].replace(/ \|$/, ''), legend);
      expect({ row, names: cited.flatMap(c => c.names).length > 0 }).toEqual({ row, names: true });
    }
  });

  test.each(rows.map(r => [r.slice(2, 60), r]))('every test the row "%s…" names exists', (_label, row) => {
    const cells = row.split(' | ');
    for (const { file, names } of citations(cells[cells.length - 1].replace(/ \|$/, ''), legend)) {
      const patterns = titlePatterns(file);
      for (const name of names) {
        const missing = name.split(' › ').filter(part => !patterns.some(p => p.test(part)));
        expect({ file, name, missing }).toEqual({ file, name, missing: [] });
      }
    }
  });
});
