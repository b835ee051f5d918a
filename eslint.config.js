import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'migrations/**', 'coverage/**', '**/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Resolvers and domain operations are typed from the SDL (generated/resolvers.ts): no `any` there.
    files: ['subgraphs/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // Nothing but a subgraph's resolver map (resolvers/index.ts) and its index.ts reach into resolvers/.
    files: ['subgraphs/**/*.ts', 'lib/**/*.ts', 'scripts/**/*.ts', 'gateway/**/*.ts'],
    ignores: ['subgraphs/*/resolvers/**', 'subgraphs/*/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/resolvers/*', '**/mutations/*'],
              message: 'Only the resolver map imports resolvers; domain operations live in the subgraph’s modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['subgraphs/*/resolvers/**'],
    ignores: ['subgraphs/*/resolvers/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*.js', '!./index.js'],
              message: 'One file per GraphQL type: share helpers through a module outside resolvers/.',
            },
          ],
        },
      ],
    },
  },
);
