import type { SandboxEndpoint } from '../crm/connector.ts'
import { createHubspotSandbox } from './hubspot/index.ts'
import { createSalesforceSandbox } from './salesforce/index.ts'

export interface RunningSandbox extends SandboxEndpoint {
  close: () => Promise<void>
}

/**
 * The in-process stand-ins for CRMs, by CRM name: a CRM without credentials in
 * development syncs to its sandbox, started on a free loopback port. A CRM with no
 * sandbox here simply needs credentials.
 */
export const sandboxRegistry: Readonly<Record<string, () => Promise<RunningSandbox>>> = {
  async hubspot () {
    const sandbox = createHubspotSandbox()
    const url = await sandbox.listen(0, '127.0.0.1')
    return { url, credentials: { accessToken: sandbox.accessToken }, close: () => sandbox.close() }
  },
  async salesforce () {
    const sandbox = createSalesforceSandbox()
    const url = await sandbox.listen(0, '127.0.0.1')
    return { url, credentials: { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret }, close: () => sandbox.close() }
  }
}
