import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layering from './tools/eslint/layering-rule.js';

const root = import.meta.dirname;

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.vite/', 'out/', 'test-results/', 'playwright-report/', 'e2e/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { standby: layering },
    rules: {
      'standby/layering': ['error', { root }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['renderer/**'], languageOptions: { globals: globals.browser } },
  { files: ['electron/**', 'scripts/**', 'bench/**', 'e2e/**', 'tools/**', '*.config.*'], languageOptions: { globals: globals.node } },
);
