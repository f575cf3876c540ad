// Runs the test suite against one embedded PostgreSQL cluster shared by every test file:
// the migrated template is built once here and each file clones its own database from it.
// Arguments: test files or globs (default: unit, property, integration, browser); `--unit`
// runs the unit and property tests with no PostgreSQL at all; other arguments that start
// with `--` go to `node --test` (e.g. --test-reporter=spec, --test-name-pattern=…).
import { spawn } from 'node:child_process'
import { globSync } from 'node:fs'
import { enableCompileCache } from 'node:module'
import { fileURLToPath } from 'node:url'

// Every test file is a process that loads and compiles the same modules (pg-boss, both
// CRM clients, express, …); V8's compile cache on disk cuts that CPU by about a third.
process.env.NODE_COMPILE_CACHE ??= fileURLToPath(new URL('../node_modules/.cache/node-compile-cache', import.meta.url))
enableCompileCache(process.env.NODE_COMPILE_CACHE)
const { startTestCluster } = await import('./helpers/test-cluster.ts')

const UNIT_FILES = ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts']
const ALL_FILES = [...UNIT_FILES, 'test/integration/**/*.test.ts', 'test/browser/**/*.test.ts']
const args = process.argv.slice(2)
const unitOnly = args.includes('--unit')
const nodeFlags = args.filter((arg) => arg.startsWith('--') && arg !== '--unit')
const patterns = args.filter((arg) => !arg.startsWith('--'))
// node --test runs them in alphabetical order whatever the order given.
const files = (patterns.length > 0 ? patterns : unitOnly ? UNIT_FILES : ALL_FILES).flatMap((pattern) => globSync(pattern))

const cluster = unitOnly ? undefined : await startTestCluster()
// Three files at a time on two cores: about a third of the run is files waiting on retries,
// timeouts and the browser, which a third file fills (measured: 3 beat 2; 4 was no better).
const concurrency = process.env.TEST_CONCURRENCY || 3
const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...nodeFlags, ...files], {
  stdio: 'inherit',
  env: {
    ...process.env,
    ...(cluster ? { TEST_POSTGRES_URL: cluster.url, TEST_TEMPLATE_DATABASE: cluster.template } : { TEST_DATABASE: 'off' }),
    // Anything that reads the service's own variable (a spawned CLI) stays as quiet as the tests.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'silent'
  }
})
// Ctrl-C reaches the test runner too; stop the cluster once it has exited.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
const code = await new Promise<number>((resolve) => child.on('exit', (status) => resolve(status ?? 1)))
await cluster?.stop()
process.exit(code)
