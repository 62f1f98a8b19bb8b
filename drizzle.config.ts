import { defineConfig } from 'drizzle-kit'

// Generation only: `npm run db:generate` writes plain SQL into migrations/; our own runner
// (src/db/migrate.ts) applies it, so no database URL is needed here.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
  migrations: { prefix: 'index' },
})
