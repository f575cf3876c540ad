import { runner } from 'node-pg-migrate'
import { readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))
const MIGRATIONS_TABLE = 'pgmigrations'

/** Applies pending SQL migrations from `migrations/` (idempotent; takes an advisory lock). */
export async function runMigrations (databaseUrl: string, log: (message: string) => void = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    // Concurrent starters (several receivers) wait for each other instead of failing.
    advisoryLockMode: 'wait',
    log
  })
  return applied.map((migration) => migration.name)
}

/** True when every migration file has been applied (used by /readyz). */
export async function migrationsApplied (pool: pg.Pool): Promise<boolean> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql'))
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(*) FROM ${MIGRATIONS_TABLE} WHERE name = ANY($1::text[])`,
    [files.map((name) => name.replace(/\.sql$/, ''))]
  )
  return Number(rows[0]?.count) === files.length
}
