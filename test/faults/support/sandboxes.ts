import { createHubspotSandbox, type HubspotSandbox } from '../../../src/sandbox/hubspot/index.ts'
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../src/sandbox/salesforce/index.ts'

export interface Sandboxes {
  hubspot: HubspotSandbox
  salesforce: SalesforceSandbox
  hubspotUrl: string
  salesforceUrl: string
  /** What the service needs to talk to these sandboxes instead of starting its own. */
  env: Record<string, string>
  close: () => Promise<void>
}

/**
 * Both CRM sandboxes in the test process, so they (and what they hold) survive the
 * service's processes being killed.
 */
export async function startSandboxes (): Promise<Sandboxes> {
  const hubspot = createHubspotSandbox()
  const salesforce = createSalesforceSandbox()
  const [hubspotUrl, salesforceUrl] = await Promise.all([hubspot.listen(), salesforce.listen()])
  return {
    hubspot,
    salesforce,
    hubspotUrl,
    salesforceUrl,
    env: {
      HUBSPOT_ACCESS_TOKEN: hubspot.accessToken,
      HUBSPOT_BASE_URL: hubspotUrl,
      SALESFORCE_LOGIN_URL: salesforceUrl,
      SALESFORCE_CLIENT_ID: salesforce.clientId,
      SALESFORCE_CLIENT_SECRET: salesforce.clientSecret
    },
    close: async () => { await Promise.all([hubspot.close(), salesforce.close()]) }
  }
}

/** Posts a fault plan to a sandbox's HTTP control route, as an out-of-process operator would. */
export async function postFaults (baseUrl: string, plan: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${baseUrl}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(plan)
  })
  if (response.status !== 200) throw new Error(`fault injection answered ${response.status}`)
}

export async function sandboxState<T = Record<string, unknown>> (baseUrl: string): Promise<T> {
  return (await fetch(`${baseUrl}/__sandbox/state`)).json() as Promise<T>
}
