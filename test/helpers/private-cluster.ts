import { startTestCluster } from './test-cluster.ts'

// Run by test-database.ts (as a child process) when a test file runs on its own, without
// test/run-tests.ts: it owns the cluster so the test process can exit when its tests end,
// and it stops the cluster when that process goes away (IPC channel closed).
const cluster = await startTestCluster().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? error.message : String(error) })
  process.exit(1)
})
let stopping: Promise<void> | undefined
const stop = () => {
  stopping ??= cluster.stop().finally(() => process.exit(0))
  return stopping
}
process.on('disconnect', () => { stop().catch(() => {}) })
if (!process.connected) stop().catch(() => {}) // the test process is gone already
process.on('SIGINT', () => { stop().catch(() => {}) })
process.on('SIGTERM', () => { stop().catch(() => {}) })
process.send?.({ url: cluster.url, template: cluster.template })
