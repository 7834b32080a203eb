// Lint: typescript-eslint's recommended rules on top of ESLint's, zero warnings allowed (see `npm run lint`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'scripts/neo4j/target/', 'test/fixtures/', 'dist/', 'test/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The explorer runs in the browser and reports to the user through the page, not the console.
    files: ['src/explorer/**'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', sessionStorage: 'readonly', fetch: 'readonly' } },
  },
  {
    files: ['scripts/**', 'test/**'],
    // Tests poke at parsed JSON documents; typing every fixture shape would add noise, not safety.
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
