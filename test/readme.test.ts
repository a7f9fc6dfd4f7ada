// The README's (and RULES.md's, examples/README.md's) TypeScript snippets compile against the library as it is: each ```ts block
// becomes a module under .tmp/ (wrapped in a Stack when it uses `this`; placeholders are
// the snippet's own `declare const` lines) and all are type-checked in one program, with
// `cdk-kms-patterns` resolved to src/index.ts. A failure names the README line to fix.
import * as fs from 'fs';
import * as path from 'path';
import { SnippetModule, extractSnippets, toModule, typeCheck } from './helpers/readme-snippets';

const ROOT = path.resolve(__dirname, '..');
const DOCS = ['README.md', 'examples/README.md', 'RULES.md'];
const OUT = path.join(ROOT, '.tmp', 'readme-snippets');

// A snippet that must fail, checked in the same program: proves a broken snippet is
// reported, at its own line.
const CANARY = [
  'Some prose.',
  '```ts',
  "import { TenantKey } from 'cdk-kms-patterns';",
  "new TenantKey(this, 'Acme', { tenantId: 'acme', notAProp: true });",
  '```',
].join('\n');

const docs = DOCS.map(file => ({ file, ...extractSnippets(file, fs.readFileSync(path.join(ROOT, file), 'utf-8')) }));
const modules: SnippetModule[] = docs.flatMap(({ snippets }) => snippets)
  .map(s => toModule(s, `${s.file.replace(/[^A-Za-z0-9]+/g, '-')}-L${s.line}.ts`));
const canary = toModule(extractSnippets('CANARY.md', CANARY).snippets[0], 'canary.ts');
const messages = typeCheck([...modules, canary], OUT, path.join(ROOT, 'src', 'index.ts'));

test('the README has TypeScript snippets to check', () => {
  expect(docs[0].snippets.length).toBeGreaterThan(10);
});

test('every ```ts snippet in README.md, examples/README.md and RULES.md type-checks, imports included', () => {
  // On failure: fix the snippet at the README line named, not this test.
  expect(messages.filter(m => !m.startsWith('CANARY.md:'))).toEqual([]);
});

test('a broken snippet is reported at its own line', () => {
  expect(messages.filter(m => m.startsWith('CANARY.md:'))).toEqual([
    expect.stringMatching(/^CANARY\.md:4: TS2353 Object literal may only specify known properties, and 'notAProp' does not exist/),
  ]);
});

test('snippets import the library by its package name, as users do', () => {
  const relative = docs.flatMap(d => d.snippets).filter(s => /^import .*from '\.{1,2}\//m.test(s.code)).map(s => `${s.file}:${s.line}`);
  expect(relative).toEqual([]);
});

test('no TypeScript block escapes the check under another fence language', () => {
  expect(docs.flatMap(d => d.unchecked).map(s => `${s.file}:${s.line}`)).toEqual([]);
});
