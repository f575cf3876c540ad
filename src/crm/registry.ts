import type { Config } from '../config.ts'
import type { Metrics } from '../metrics.ts'
import type { ConnectorDeps, CrmConnector, CrmName } from './connector.ts'
import { createHubspotConnector } from './hubspot/index.ts'
import { createRateLimiter } from './rate-limiter.ts'
import { createSalesforceConnector } from './salesforce/index.ts'
import { createHubspotSandbox } from '../sandbox/hubspot/index.ts'
import { createSalesforceSandbox } from '../sandbox/salesforce/index.ts'

export interface ConnectorHandle {
  connector: CrmConnector
  /** Set when the connector talks to an in-process sandbox instead of the real CRM. */
  sandboxUrl?: string
  close: () => Promise<void>
}

// A margin under the published limit: the CRM counts arrivals, we count departures.
const LIMIT_MARGIN = 0.95

function deps (crm: CrmName, requestsPer10s: number, config: Config, metrics: Metrics): ConnectorDeps {
  return {
    timeoutMs: config.crmTimeoutMs,
    limiter: createRateLimiter({ max: Math.max(1, Math.floor(requestsPer10s * LIMIT_MARGIN)), intervalMs: 10_000 }),
    onRequest: (status) => metrics.crmRequests.inc({ crm, status: String(status) })
  }
}

/**
 * One entry per CRM: adding a CRM means adding its folder and a builder here. A CRM
 * without credentials gets its sandbox, started in-process on a free loopback port.
 */
export const connectorBuilders: Record<CrmName, (config: Config, metrics: Metrics) => Promise<ConnectorHandle | undefined>> = {
  async hubspot (config, metrics) {
    const hubspot = config.hubspot
    if (!hubspot) return undefined
    const base = { appointmentObject: hubspot.appointmentObject, portalId: hubspot.portalId, ...deps('hubspot', hubspot.requestsPer10s, config, metrics) }
    if (hubspot.mode === 'real' && hubspot.accessToken) {
      return { connector: createHubspotConnector({ ...base, accessToken: hubspot.accessToken, baseUrl: hubspot.baseUrl }), close: async () => {} }
    }
    const sandbox = createHubspotSandbox()
    const url = await sandbox.listen(0, '127.0.0.1')
    return {
      connector: createHubspotConnector({ ...base, accessToken: sandbox.accessToken, baseUrl: url }),
      sandboxUrl: url,
      close: () => sandbox.close()
    }
  },

  async salesforce (config, metrics) {
    const salesforce = config.salesforce
    if (!salesforce) return undefined
    const base = { apiVersion: salesforce.apiVersion, ...deps('salesforce', salesforce.requestsPer10s, config, metrics) }
    const credentials = salesforce.credentials
    if (salesforce.mode === 'real' && credentials) {
      const connector = credentials.kind === 'client-credentials'
        ? createSalesforceConnector({ ...base, loginUrl: credentials.loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret })
        : createSalesforceConnector({ ...base, instanceUrl: credentials.instanceUrl, accessToken: credentials.accessToken })
      return { connector, close: async () => {} }
    }
    const sandbox = createSalesforceSandbox()
    const url = await sandbox.listen(0, '127.0.0.1')
    return {
      connector: createSalesforceConnector({ ...base, loginUrl: url, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret }),
      sandboxUrl: url,
      close: () => sandbox.close()
    }
  }
}
