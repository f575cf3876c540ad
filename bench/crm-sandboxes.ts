import { createHubspotSandbox } from '../src/sandbox/hubspot/index.ts'
import { createSalesforceSandbox } from '../src/sandbox/salesforce/index.ts'

/**
 * Both CRM sandboxes in a process of their own, for the ingestion bench's *ours+sync*: 50 ms
 * latency, HubSpot's 100 requests / 10 s. A real CRM is another company's servers, so its CPU
 * and garbage collection are not the receiver's; in the receiver's process they were charged
 * to it. Prints `{"hubspot": …, "salesforce": …}` once listening; SIGTERM ends it.
 */
export type CrmSandboxes = {
  hubspot: { url: string, accessToken: string }
  salesforce: { url: string, clientId: string, clientSecret: string }
}

const hubspot = createHubspotSandbox({ rateLimit: { max: 100, intervalMs: 10_000 }, latencyMs: 50 })
const salesforce = createSalesforceSandbox({ latencyMs: 50 })
const [hubspotUrl, salesforceUrl] = await Promise.all([hubspot.listen(), salesforce.listen()])
const answer: CrmSandboxes = {
  hubspot: { url: hubspotUrl, accessToken: hubspot.accessToken },
  salesforce: { url: salesforceUrl, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret }
}
process.stdout.write(JSON.stringify(answer) + '\n')
process.on('SIGTERM', () => process.exit(0))
