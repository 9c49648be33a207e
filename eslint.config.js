// Lint: where code may run is enforced by import zones (VS Code's common/node/electron-main idea):
//  - only the shell (electron/main.ts, electron/preload.ts, electron/shell/**) imports `electron`;
//  - shared/ imports no Node, no Electron, no DOM-only code, and nothing outside shared/;
//  - renderer/ imports shared/ and browser packages, never the core, Node or Electron;
//  - backoffice/ never imports the workstation core or the renderer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Bare built-in names go in `paths` (exact module names): as gitignore-style patterns they would
// also match our own files, e.g. ./events.
const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url', 'util', 'stream', 'zlib', 'events'];
const builtinPaths = (message) => NODE_BUILTINS.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.scratch/**', 'db/migrations/**', 'backoffice/db/migrations/**', '**/*.d.ts', '.onewindow/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', window: 'readonly', document: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only the shell (electron/main.ts, electron/preload.ts, electron/shell/) may import electron.' }] }],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ runs everywhere: no Electron.' }, ...builtinPaths('shared/ runs in the renderer too: no Node built-ins.')],
          patterns: [
            { group: ['node:*'], message: 'shared/ runs in the renderer too: no Node built-ins.' },
            { group: ['**/electron/**', '**/renderer/**', '**/backoffice/**', '**/db/**', 'react', 'react-dom', 'antd'], message: 'shared/ imports only shared/ and pure libraries.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the core only through the contract client.' }, ...builtinPaths('The renderer is sandboxed: no Node built-ins.')],
          patterns: [
            { group: ['node:*'], message: 'The renderer is sandboxed: no Node built-ins.' },
            { group: ['**/electron/**', '**/backoffice/**', '**/db/**', 'better-sqlite3', 'better-sqlite3-multiple-ciphers', 'drizzle-orm', 'drizzle-orm/*'], message: 'The renderer imports shared/ only, never the core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['backoffice/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The back office is a server: no Electron.' }],
          patterns: [{ group: ['**/electron/**', '**/renderer/**'], message: 'The back office never imports the workstation core or its renderer.' }],
        },
      ],
    },
  },
  {
    // Tests poke at raw JSON responses; typing every one of them buys nothing.
    files: ['tests/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['scripts/**', 'bin/**', '*.config.*'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
