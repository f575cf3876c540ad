// `npm run crm:setup`: prepares each configured CRM on demand — creates HubSpot's custom
// properties, checks Salesforce's External ID fields — and says what is missing.
import { loadConfig } from '../config.ts'
import { CrmSetupError } from '../crm/errors.ts'
import { connectorBuilders } from '../crm/registry.ts'
import { createMetrics } from '../metrics.ts'

const config = loadConfig(process.env)
const metrics = createMetrics({ defaultMetrics: false })
let failed = false
for (const [name, build] of Object.entries(connectorBuilders)) {
  const handle = await build(config, metrics)
  if (!handle) {
    console.log(`${name}: not configured (no credentials), skipped`)
    continue
  }
  try {
    await handle.connector.prepare(AbortSignal.timeout(60_000))
    console.log(`${name}: ready${handle.sandboxUrl ? ' (sandbox — set credentials to set up the real CRM)' : ''}`)
  } catch (error) {
    failed = true
    console.error(`${name}: ${error instanceof CrmSetupError ? 'NOT READY' : 'failed'}: ${(error as Error).message}`)
  } finally {
    await handle.close()
  }
}
process.exit(failed ? 1 : 0)
