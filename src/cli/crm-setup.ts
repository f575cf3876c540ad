// `npm run crm:setup`: prepares each configured CRM on demand — creates HubSpot's custom
// properties, checks Salesforce's External ID fields — and says what is missing.
import { loadConfig } from '../config.ts'
import { CrmSetupError } from '../crm/errors.ts'
import { crmRegistry } from '../crm/registry.ts'
import { createMetrics } from '../metrics.ts'
import { sandboxRegistry } from '../sandbox/registry.ts'
import { connectCrm } from '../sync/start-connectors.ts'

const config = loadConfig(process.env)
const metrics = createMetrics({ defaultMetrics: false })
const startSandbox = async (crm: string) => sandboxRegistry[crm]?.()
let failed = false
for (const definition of crmRegistry) {
  const handle = await connectCrm(definition, { config, metrics, startSandbox })
  if (!handle) {
    console.log(`${definition.name}: not configured (no credentials), skipped`)
    continue
  }
  try {
    await handle.connector.prepare(AbortSignal.timeout(60_000))
    console.log(`${definition.name}: ready${handle.sandboxUrl ? ' (sandbox — set credentials to set up the real CRM)' : ''}`)
  } catch (error) {
    failed = true
    console.error(`${definition.name}: ${error instanceof CrmSetupError ? 'NOT READY' : 'failed'}: ${(error as Error).message}`)
  } finally {
    await handle.close()
  }
}
process.exit(failed ? 1 : 0)
