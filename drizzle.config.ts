import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/core/vault/schema.ts',
  out: './src/core/vault/migrations',
});
