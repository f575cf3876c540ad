// `npm run db:migrate`: applies pending SQL migrations (and pg-boss's schema) to
// DATABASE_URL, or to the embedded development database when it is unset.
import { loadConfig } from '../config.ts'
import { createBoss } from '../db/boss.ts'
import { runMigrations } from '../db/migrate.ts'
import { createLogger } from '../logger.ts'
import { openDatabase } from '../db/open-database.ts'

const config = loadConfig(process.env)
const logger = createLogger({ level: config.logLevel })
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger })
try {
  const applied = await runMigrations(database.url, (message) => logger.debug({ migration: message }, 'migrate'))
  const boss = createBoss({ connectionString: database.url, logger })
  await boss.start() // installs or upgrades pg-boss's schema
  await boss.stop({ graceful: false })
  console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'Database is up to date.')
} finally {
  await database.stop()
}
