/** Back-office schema (PostgreSQL). Generate: npx drizzle-kit generate --config backoffice/drizzle.config.ts */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './backoffice/db/schema.ts',
  out: './backoffice/db/migrations',
});
