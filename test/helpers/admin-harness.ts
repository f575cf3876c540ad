import request from 'supertest'
import { createAdminRouter } from '../../src/admin/index.ts'
import { createApp } from '../../src/http/create-app.ts'
import { createLogger } from '../../src/logger.ts'
import { logIn } from './admin-login.ts'
import { startReceiverHarness, TEST_SECRET, type ReceiverHarness } from './receiver-harness.ts'

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789'

/** The receiver harness with the dashboard mounted and a logged-in supertest agent. */
export async function startAdminHarness (options: { traceUrl?: (traceId: string) => string } = {}): Promise<ReceiverHarness & { agent: ReturnType<typeof request.agent> }> {
  const h = await startReceiverHarness()
  const logger = createLogger({ level: 'silent' })
  const admin = createAdminRouter({ pool: h.pool, boss: h.boss, adminToken: ADMIN_TOKEN, crms: [{ name: 'hubspot' }, { name: 'salesforce' }], logger, traceUrl: options.traceUrl })
  const app = createApp({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin] })
  const agent = request.agent(app)
  await logIn(agent, ADMIN_TOKEN)
  return { ...h, app, agent }
}
