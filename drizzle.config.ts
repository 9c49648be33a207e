import { defineConfig } from 'drizzle-kit';

/** The workstation's SQLite schema. The back office has its own: backoffice/drizzle.config.ts. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
});
