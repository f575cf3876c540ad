// The composition root: the only place that reads the environment, opens pools, listens
// and handles signals. `node src/main.ts [all|receiver|worker]`.
import { ConfigError, loadConfig } from './config.ts'
import { createLogger } from './logger.ts'
import { startService, type Role } from './runtime/start-service.ts'

const roles: Role[] = ['all', 'receiver', 'worker']
const role = (process.argv[2] ?? process.env.ROLE ?? 'all') as Role
if (!roles.includes(role)) {
  console.error(`Unknown role "${role}": use one of ${roles.join(', ')}`)
  process.exit(2)
}

let config
try {
  config = loadConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}

const logger = createLogger({ level: config.logLevel })
const service = await startService({ config, role, logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'start-up failed')
  console.error(`start-up failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => { logger.error({ err: error }, 'unclean shutdown'); process.exit(1) }
    )
  })
}
