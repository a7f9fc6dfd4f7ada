// Extracts the ```ts blocks of a Markdown file and turns each into a TypeScript module
// that the compiler can check, remembering which README line each generated line came
// from, so that a failure names the README line to fix.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** One fenced ```ts block. */
export interface Snippet {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the first code line (the line after the fence). */
  readonly line: number;
  readonly code: string;
}

/** A snippet as a module: its text, and the Markdown line of each of its lines (0 for scaffold). */
export interface SnippetModule {
  readonly snippet: Snippet;
  readonly fileName: string;
  readonly text: string;
  readonly sourceLines: readonly number[];
}

/** Every ```ts block of `markdown`, and every fence whose language would escape the check. */
export function extractSnippets(file: string, markdown: string): { snippets: Snippet[]; unchecked: Snippet[] } {
  const snippets: Snippet[] = [];
  const unchecked: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const [, indent, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^${indent}\`\`\`\\s*$`).test(lines[j]); j++) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    const snippet = { file, line: i + 2, code: body.join('\n') };
    if (lang === 'ts') {
      snippets.push(snippet);
    } else if (['typescript', 'js', 'javascript', 'tsx'].includes(lang)) {
      unchecked.push(snippet);
    }
    i = j;
  }
  return { snippets, unchecked };
}

/**
 * The snippet as a module. Imports and `declare` lines stay at the top level; a snippet
 * that uses `this` has the rest wrapped in a Stack's constructor, as a README reader
 * would paste it into their own stack.
 */
export function toModule(snippet: Snippet, fileName: string): SnippetModule {
  const lines = snippet.code.split('\n');
  const top: Array<[string, number]> = [];
  const body: Array<[string, number]> = [];
  const endsImport = (text: string) => /(from\s+|^import\s+)'[^']+';?\s*$/.test(text);
  let inImport = false;
  lines.forEach((text, i) => {
    const at = snippet.line + i;
    if (inImport || /^import\s/.test(text)) {
      top.push([text, at]);
      inImport = !endsImport(text); // a multi-line import ends at its `from '...'`
    } else if (/^declare\s/.test(text)) {
      top.push([text, at]);
    } else {
      body.push([text, at]);
    }
  });
  const usesThis = body.some(([text]) => /\bthis\b/.test(text.replace(/\/\/.*$/, '')));
  const out: Array<[string, number]> = [...top];
  if (usesThis) {
    out.push(
      ['import { Stack as SnippetStack } from \'aws-cdk-lib\';', 0],
      ['import { Construct as SnippetConstruct } from \'constructs\';', 0],
      ['export class Snippet extends SnippetStack {', 0],
      ['  constructor(scope: SnippetConstruct, id: string) {', 0],
      ['    super(scope, id);', 0],
      ...body.map(([text, at]): [string, number] => [`    ${text}`, at]),
      ['  }', 0],
      ['}', 0],
    );
  } else {
    out.push(...body);
  }
  out.push(['export {};', 0]);
  return { snippet, fileName, text: out.map(([text]) => text).join('\n') + '\n', sourceLines: out.map(([, at]) => at) };
}

/**
 * Type-checks every module in one program, resolving `cdk-kms-patterns` to `entry`
 * (the library's src/index.ts), and returns one message per diagnostic, each naming
 * the Markdown file and line.
 */
export function typeCheck(modules: readonly SnippetModule[], outDir: string, entry: string): string[] {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const m of modules) {
    fs.writeFileSync(path.join(outDir, m.fileName), m.text);
  }
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    experimentalDecorators: true,
    // A snippet shows a use; the values it creates need not be used again.
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths: { 'cdk-kms-patterns': [entry] },
  };
  const program = ts.createProgram(modules.map(m => path.join(outDir, m.fileName)), options);
  const messages: string[] = [];
  for (const m of modules) {
    const source = program.getSourceFile(path.join(outDir, m.fileName))!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
      const at = m.sourceLines[line] || m.snippet.line;
      messages.push(`${m.snippet.file}:${at}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return messages;
}
