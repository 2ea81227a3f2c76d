// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries from ../shared/DESIGN.md. Each zone lists what it may NOT import; a file gets the
 * union of the restrictions of every zone it lies in (ESLint would otherwise let the last one win).
 */
const NODE_BUILTINS = [
  'fs',
  'fs/promises',
  'path',
  'os',
  'child_process',
  'net',
  'tls',
  'http',
  'https',
  'crypto',
  'events',
  'stream',
  'url',
  'util',
  'worker_threads',
  'dgram',
  'dns',
  'readline',
  'zlib',
  'buffer',
];
const PROCESS_AND_SOCKETS = [
  'node:child_process',
  'child_process',
  'node:net',
  'net',
  'node:tls',
  'tls',
  'ssh2',
  'node:dgram',
  'dgram',
];

const R = {
  electron: {
    group: ['electron', 'electron/*'],
    message:
      'Bad layering: only src/main/index.ts, window.ts and ipc/electron-ipc.ts (and preload) import electron.',
  },
  node: {
    group: ['node:*'],
    names: NODE_BUILTINS,
    message: 'Bad layering: this layer runs without Node; keep it to plain TypeScript.',
  },
  sqlite: {
    group: [],
    names: ['better-sqlite3'],
    message: 'Bad layering: only src/main/inventory touches SQLite.',
  },
  sockets: {
    group: [],
    names: PROCESS_AND_SOCKETS,
    message: 'Bad layering: only src/main/hosts opens sockets or starts processes.',
  },
  ui: {
    group: ['react', 'react-dom', 'react-dom/*', '@patternfly/*', 'zustand', '@tanstack/*'],
    message: 'Bad layering: UI libraries belong to the renderer.',
  },
  main: {
    group: ['**/main/**', '**/main'],
    message: 'Bad layering: renderer, preload and cli meet main only through src/shared.',
  },
  renderer: { group: ['**/renderer/**'], message: 'Bad layering: nothing imports the renderer.' },
  preload: { group: ['**/preload/**'], message: 'Bad layering: nothing imports preload.' },
  cli: { group: ['**/cli/**'], message: 'Bad layering: nothing imports the CLI.' },
  inventory: {
    group: ['**/inventory/**', '**/inventory'],
    message: 'Bad layering: this module may not use repositories; a service joins them.',
  },
  hosts: {
    group: ['**/hosts/**', '**/hosts'],
    message: 'Bad layering: this module may not use host drivers; a service joins them.',
  },
  services: {
    group: ['**/services/**', '**/operations/**', '**/tasks/**', '**/ipc/**', '**/app'],
    message: 'Bad layering: imports point from ipc to services to pure modules, never back.',
  },
  mainPeers: {
    group: ['**/scheduler/**', '**/virt/**', '**/cloudinit/**'],
    message: 'Bad layering: pure modules import only src/shared/domain.',
  },
  upward: {
    group: [],
    // main's own ipc/ and composition root, reached upward (src/shared/ipc is the contract: allowed).
    regex: '^(\\.\\./)+(ipc(/.*)?|app|index|window)$',
    message: 'Bad layering: services and operations never import ipc/ or the composition root (app.ts).',
  },
  uiState: {
    group: ['**/stores/**', '**/stores', '**/features/**'],
    message: "Bad layering: the renderer's api/ is the typed client; it imports no UI state or feature.",
  },
  sharedUp: {
    group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/cli/**'],
    message: 'Bad layering: src/shared imports nothing above it.',
  },
};

/**
 * The optional native binding: npm builds it only where libvirt-dev is installed, so no typechecked file may
 * name it where TypeScript resolves the name. src/main/hosts/drivers/libvirt-binding.ts declares the part of
 * its API the driver uses and imports it by a specifier held in a variable.
 */
const LIBVIRT_BINDING = '@unraid/libvirt';
const LIBVIRT_MESSAGE =
  `${LIBVIRT_BINDING} is optional (built only where libvirt-dev is installed), and naming it here makes the ` +
  'typecheck need it: use importLibvirtBinding() and its types from src/main/hosts/drivers/libvirt-binding.ts.';
const LIBVIRT_IMPORT = { name: LIBVIRT_BINDING, message: LIBVIRT_MESSAGE };
/** The forms no-restricted-imports does not see: import(), typeof import(), import x = require(), require(). */
const LIBVIRT_SYNTAX = [
  `ImportExpression[source.value='${LIBVIRT_BINDING}']`,
  `TSImportType[source.value='${LIBVIRT_BINDING}']`,
  `TSExternalModuleReference[expression.value='${LIBVIRT_BINDING}']`,
  `CallExpression[callee.name='require'][arguments.0.value='${LIBVIRT_BINDING}']`,
].map((selector) => ({ selector, message: LIBVIRT_MESSAGE }));

/**
 * Exact module names go to `paths` (a bare pattern such as "events" would also match "../api/events");
 * globs go to `patterns`. Tests may use Node wherever they sit.
 * @param {string[]} files @param {Array<{group: string[], regex?: string, names?: string[], message: string}>} rules
 */
const zone = (files, rules, ignores = []) => ({
  files,
  ignores: [...ignores, '**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          ...rules.flatMap((r) => (r.names ?? []).map((name) => ({ name, message: r.message }))),
          LIBVIRT_IMPORT,
        ],
        patterns: rules
          .filter((r) => r.group.length > 0 || r.regex)
          .map((r) =>
            r.regex ? { regex: r.regex, message: r.message } : { group: r.group, message: r.message },
          ),
      },
    ],
  },
});

const ELECTRON_FILES = [
  'src/main/index.ts',
  'src/main/window.ts',
  'src/main/ipc/electron-ipc.ts',
  'src/main/electron-secrets.ts',
  'src/main/file-dialog.ts',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  { files: ['src/cli/**', 'bench/**', 'scripts/**', 'tests/**'], rules: { 'no-console': 'off' } },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // Everywhere (the zones below repeat the import rule, as the last matching one wins).
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [LIBVIRT_IMPORT] }],
      'no-restricted-syntax': ['error', ...LIBVIRT_SYNTAX],
    },
  },

  // The zones.
  zone(['src/shared/**'], [R.sharedUp, R.node, R.electron, R.sqlite, R.sockets, R.ui]),
  zone(
    ['src/renderer/**'],
    [R.main, R.preload, R.cli, R.node, R.electron, R.sqlite, R.sockets],
    ['src/renderer/src/api/**'],
  ),
  zone(
    ['src/renderer/src/api/**'],
    [R.main, R.preload, R.cli, R.node, R.electron, R.sqlite, R.sockets, R.uiState],
  ),
  zone(['src/preload/**'], [R.main, R.renderer, R.cli, R.node, R.sqlite, R.sockets, R.ui]),
  zone(['src/cli/**'], [R.renderer, R.preload, R.electron, R.sqlite, R.sockets, R.ui]),
  zone(
    ['src/main/**'],
    [R.renderer, R.preload, R.cli, R.electron, R.sqlite, R.sockets, R.ui],
    [
      ...ELECTRON_FILES,
      'src/main/inventory/**',
      'src/main/hosts/**',
      'src/main/scheduler/**',
      'src/main/virt/**',
      'src/main/cloudinit/**',
      'src/main/stats/usage/**',
      'src/main/services/**',
      'src/main/operations/**',
      'src/main/tasks/**',
    ],
  ),
  zone(
    ['src/main/services/**', 'src/main/operations/**', 'src/main/tasks/**'],
    [R.renderer, R.preload, R.cli, R.electron, R.sqlite, R.sockets, R.ui, R.upward],
  ),
  zone(ELECTRON_FILES, [R.renderer, R.preload, R.cli, R.sqlite, R.sockets, R.ui]),
  zone(
    ['src/main/inventory/**'],
    [R.renderer, R.preload, R.cli, R.electron, R.sockets, R.ui, R.hosts, R.services, R.mainPeers],
  ),
  zone(
    ['src/main/hosts/**'],
    [R.renderer, R.preload, R.cli, R.electron, R.sqlite, R.ui, R.inventory, R.services, R.mainPeers],
  ),
  zone(
    ['src/main/scheduler/**', 'src/main/virt/**', 'src/main/cloudinit/**'],
    [
      R.renderer,
      R.preload,
      R.cli,
      R.electron,
      R.sqlite,
      R.sockets,
      R.ui,
      R.inventory,
      R.hosts,
      R.services,
      R.node,
    ],
  ),
  // Live usage: the parsers and rates are pure (text in, records out); the poller around them brings I/O.
  zone(
    ['src/main/stats/usage/**'],
    [
      R.renderer,
      R.preload,
      R.cli,
      R.electron,
      R.sqlite,
      R.sockets,
      R.ui,
      R.inventory,
      R.hosts,
      R.services,
      R.node,
    ],
  ),
  zone(['tests/**', 'bench/**'], [R.renderer, R.electron]),
  // Small units where they were asked for: the engine and the operations (a step per file or small group).
  {
    files: ['src/main/tasks/**/*.ts', 'src/main/operations/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
);
