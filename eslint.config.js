import tseslint from 'typescript-eslint';

const chatSdks = {
  patterns: [
    { group: ['@slack/*'], message: 'src/ is the core: chat SDKs belong in adapters/ (ARCHITECTURE.md).' },
    { group: ['discord.js', 'discord.js/*', 'discord-api-types', 'discord-api-types/*'], message: 'src/ is the core: chat SDKs belong in adapters/.' },
    { group: ['**/adapters', '**/adapters/*', '**/adapters/**'], message: 'Only src/main.ts wires adapters into the core.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'migrations/', '.triage/', 'bench/out/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: { 'no-restricted-imports': ['error', chatSdks] },
  },
);
