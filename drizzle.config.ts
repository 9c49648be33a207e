import { defineConfig } from 'drizzle-kit';

/**
 * The workstation's SQLite schema: db/schema.ts plus one db/<capability>-schema.ts per
 * capability that owns tables. The back office has its own: backoffice/drizzle.config.ts.
 */
export default defineConfig({
  dialect: 'sqlite',
  schema: ['./db/schema.ts', './db/*-schema.ts'],
  out: './db/migrations',
});
