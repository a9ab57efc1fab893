// Lint: typescript-eslint's recommended rules; `any` is an error in src/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['src/gen/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The pure core: no I/O, clock, randomness or timers (DESIGN.md §3).
    files: ['src/pbft/**/*.ts', 'src/fs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process'] }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'process', 'Buffer'],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'pure core: time comes from inputs' },
        { object: 'Math', property: 'random', message: 'pure core: no randomness' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date']", message: 'pure core: time comes from inputs' }],
    },
  },
);
