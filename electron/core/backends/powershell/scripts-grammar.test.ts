import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT_DIRECTORY } from './script-catalog.ts';

/**
 * Parses every script with the tree-sitter PowerShell grammar (web-tree-sitter + the grammar's
 * prebuilt .wasm), so a syntax error fails the build. The grammar is a dev dependency still to be
 * agreed; until it is installed, STANDBY_PS_GRAMMAR_WASM and STANDBY_WEB_TREE_SITTER may point at
 * copies, and without either the test says it is skipped rather than passing silently.
 */
const require = createRequire(import.meta.url);
function locate(): { wasm: string; runtime: string } | null {
  try {
    return { wasm: join(require.resolve('tree-sitter-powershell/package.json'), '..', 'tree-sitter-powershell.wasm'), runtime: require.resolve('web-tree-sitter') };
  } catch {
    const wasm = process.env.STANDBY_PS_GRAMMAR_WASM;
    const runtime = process.env.STANDBY_WEB_TREE_SITTER;
    return wasm && runtime && existsSync(wasm) && existsSync(runtime) ? { wasm, runtime } : null;
  }
}
const grammar = locate();

interface SyntaxNode { type: string; isMissing: boolean; startPosition: { row: number; column: number }; children: SyntaxNode[] }
interface TreeSitter {
  Parser: { init(): Promise<void>; new(): { setLanguage(language: unknown): void; parse(text: string): { rootNode: SyntaxNode } | null } };
  Language: { load(path: string): Promise<unknown> };
}

describe.skipIf(!grammar)('PowerShell scripts against the tree-sitter grammar', () => {
  it('parses every script without an error node', async () => {
    const { Parser, Language } = (await import(grammar!.runtime)) as TreeSitter;
    await Parser.init();
    const parser = new Parser();
    parser.setLanguage(await Language.load(grammar!.wasm));
    const problems: string[] = [];
    const walk = (file: string, node: SyntaxNode) => {
      if (node.type === 'ERROR' || node.isMissing) { problems.push(`${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.type}`); return; }
      for (const child of node.children) walk(file, child);
    };
    const files = readdirSync(DEFAULT_SCRIPT_DIRECTORY).filter((f) => f.endsWith('.ps1'));
    for (const file of files) walk(file, parser.parse(readFileSync(join(DEFAULT_SCRIPT_DIRECTORY, file), 'utf8'))!.rootNode);
    // The grammar must see a broken script as broken, or a pass proves nothing.
    const broken = parser.parse('if ($a { Get-VM }\n')!.rootNode;
    const brokenProblems: string[] = [];
    const before = problems.length;
    walk('(broken sample)', broken);
    brokenProblems.push(...problems.splice(before));
    expect(brokenProblems.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
