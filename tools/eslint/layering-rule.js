// The import directions of DESIGN.md as a lint rule: shared ← core ← main/server; shared ← renderer;
// shared ← preload. Resolves relative specifiers against the importing file so "../../x" is judged by
// where it lands, not how it is spelled.
import { builtinModules } from 'node:module';
import path from 'node:path';

const LAYERS = [
  ['electron/core', 'core'],
  ['electron/main', 'main'],
  ['electron/preload', 'preload'],
  ['electron/server', 'server'],
  ['shared', 'shared'],
  ['renderer', 'renderer'],
];

const ALLOWED = {
  shared: ['shared'],
  core: ['shared', 'core'],
  main: ['shared', 'core', 'main'],
  server: ['shared', 'core', 'server'],
  preload: ['shared', 'preload'],
  renderer: ['shared', 'renderer'],
};

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Packages a layer must not use, and why; the message tells the reader where the code belongs. */
const FORBIDDEN_PACKAGES = {
  shared: [[(s) => s === 'electron', 'shared runs everywhere; Electron belongs in electron/main'],
    [(s) => NODE_BUILTINS.has(s) || s.startsWith('node:'), 'shared runs in the browser too; Node APIs belong in electron/core'],
    [(s) => s === 'react' || s.startsWith('react/') || s === 'react-dom' || s.startsWith('react-dom/'), 'shared holds no UI; React belongs in renderer']],
  core: [[(s) => s === 'electron' || s.startsWith('electron/'), 'the core never imports electron: it must run under plain Node; take what you need as a port'],
    [(s) => s === 'react' || s.startsWith('react-dom'), 'the core holds no UI']],
  server: [[(s) => s === 'electron', 'the browser server runs without Electron']],
  renderer: [[(s) => s === 'electron', 'the renderer reaches the core only through a Transport'],
    [(s) => NODE_BUILTINS.has(s) || s.startsWith('node:'), 'the renderer runs in a browser sandbox; Node APIs belong in electron/core']],
  preload: [],
  main: [],
};

// Renderer inner walls (DESIGN.md rule 9, STRUCTURE.md "Renderer moves"), judged on repository paths:
// [importer matches, target matches, why]. Test files (*.test.ts(x)) and renderer/testing/ may use testing/.
const repoPath = (file, root) => path.relative(root, file).split(path.sep).join('/');
const isRendererTest = (rel) => /\.test\.tsx?$/.test(rel) || rel.startsWith('renderer/testing/');
const RENDERER_WALLS = [
  [(rel) => rel.startsWith('renderer/features/'), (to) => to.startsWith('renderer/app/'), 'renderer features never import the app shell; window-wide services live in renderer/platform/'],
  [(rel) => /^renderer\/(platform|ui)\//.test(rel), (to) => /^renderer\/(app|features)\//.test(to), 'renderer/platform/ and renderer/ui/ are the floor below the features and the shell'],
  [(rel) => rel.startsWith('renderer/') && !isRendererTest(rel), (to) => to.startsWith('renderer/testing/'), 'production code never imports test code (renderer/testing/); only *.test.ts(x) files may'],
];
function rendererWallViolations(fromRel, toRel) {
  return RENDERER_WALLS.filter(([importer, target]) => importer(fromRel) && target(toRel)).map(([, , why]) => why);
}

export function layerOf(file, root) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  // Build configuration (vite.config.ts beside the renderer) runs in Node at build time.
  if (/(^|\/)[^/]*\.config\.[cm]?[jt]s$/.test(rel)) return null;
  for (const [prefix, layer] of LAYERS) if (rel === prefix || rel.startsWith(`${prefix}/`)) return layer;
  return null;
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import directions between Standby layers (DESIGN.md rule 1)' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const from = layerOf(file, root);
    if (!from) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = layerOf(path.resolve(path.dirname(file), specifier), root);
        if (target && !ALLOWED[from].includes(target)) {
          context.report({ node, message: `Layer "${from}" must not import from "${target}" (${specifier}). Allowed: ${ALLOWED[from].join(', ')}. See DESIGN.md, rule 1.` });
        }
        for (const why of rendererWallViolations(repoPath(file, root), repoPath(path.resolve(path.dirname(file), specifier), root))) {
          context.report({ node, message: `${specifier}: ${why}. See DESIGN.md, rule 9.` });
        }
        return;
      }
      for (const [matches, why] of FORBIDDEN_PACKAGES[from]) {
        if (matches(specifier)) context.report({ node, message: `Layer "${from}" must not import "${specifier}": ${why}.` });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0].value);
      },
    };
  },
};

export default { rules: { layering: layeringRule } };
