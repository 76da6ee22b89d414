import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** One import of a source file, of any form: `import … from`, `import '…'`, `import('…')`, `export … from`. */
export interface ImportEdge {
  spec: string;
  /** The file a relative specifier points at; null for packages and `node:` modules. */
  target: string | null;
  typeOnly: boolean;
  kind: 'static' | 'side-effect' | 'dynamic' | 'export';
}

export const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(n) ? [p] : [];
  });

/** Reads imports with TypeScript's own parser, so comments and strings never count and no form is missed. */
export function importsOfText(fileName: string, text: string): ImportEdge[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (spec: string, kind: ImportEdge['kind'], typeOnly: boolean) =>
    edges.push({ spec, kind, typeOnly, target: spec.startsWith('.') ? resolve(dirname(fileName), spec) : null });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, clause ? 'static' : 'side-effect', typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, 'export', node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      // A computed specifier could hide anything: record it so a rule can refuse it.
      add(arg && ts.isStringLiteralLike(arg) ? arg.text : '<computed>', 'dynamic', false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, 'static', true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

export const importsOf = (file: string): ImportEdge[] => importsOfText(file, readFileSync(file, 'utf8'));

/** Every import cycle among the given files (strongly connected components with more than one file, or a self-import). */
export function importCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, [...new Set(importsOf(f).flatMap((e) => (e.target && e.target !== '' ? [e.target] : [])))].filter((t) => t === f || files.includes(t))]));
  // Tarjan's algorithm.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) strong(f);
  return cycles;
}
