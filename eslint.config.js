// Lint: JavaScript's and typescript-eslint's recommended rules; formatting is prettier's alone.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'data/', 'migrations/', 'bench/out/', 'bench/scratch/', 'coverage/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // control characters are the point of the COPY and CSV code that matches them
      'no-control-regex': 'off',
    },
  },
)
