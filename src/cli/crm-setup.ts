// `npm run crm:setup`: prepares each configured CRM on demand — creates HubSpot's custom
// properties, checks Salesforce's External ID fields, checks the field mapping against the
// CRM's live schema — and says what is missing.
// `npm run crm:setup -- --check-mapping`: only checks the field mapping files (nothing is
// created) and exits 1 on any problem, so a fork can run it in CI.
import { loadConfig } from '../config.ts'
import { CrmSetupError } from '../crm/errors.ts'
import { crmRegistry } from '../crm/registry.ts'
import { createMetrics } from '../metrics.ts'
import { sandboxRegistry } from '../sandbox/registry.ts'
import { connectCrm } from '../sync/start-connectors.ts'

const checkOnly = process.argv.includes('--check-mapping')
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
  const against = handle.sandboxUrl ? ' (sandbox — set credentials to set up the real CRM)' : ''
  try {
    if (checkOnly) {
      const problems = await handle.connector.checkMapping?.(AbortSignal.timeout(60_000)) ?? []
      if (problems.length > 0) failed = true
      console.log(problems.length === 0
        ? `${definition.name}: field mapping OK${against}`
        : `${definition.name}: field mapping has ${problems.length} problem(s)${against}:\n  ${problems.join('\n  ')}`)
    } else {
      await handle.connector.prepare(AbortSignal.timeout(60_000))
      console.log(`${definition.name}: ready${against}`)
    }
  } catch (error) {
    failed = true
    console.error(`${definition.name}: ${error instanceof CrmSetupError ? 'NOT READY' : 'failed'}: ${(error as Error).message}`)
  } finally {
    await handle.close()
  }
}
process.exit(failed ? 1 : 0)
