import { defineConfig } from 'drizzle-kit';

/** The workstation's SQLite schema (identity tables in their own file). The back office has its own: backoffice/drizzle.config.ts. */
export default defineConfig({
  dialect: 'sqlite',
  schema: ['./db/schema.ts', './db/identity-schema.ts'],
  out: './db/migrations',
});
