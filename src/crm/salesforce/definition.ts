import type { CrmDefinition } from '../crm-definition.ts'
import { createSalesforceConnector } from './connector.ts'

/** Salesforce in the CRM registry: client credentials, an access token, or the sandbox's OAuth. */
export const salesforceDefinition: CrmDefinition = {
  name: 'salesforce',
  target: (config) => config.salesforce?.mode ?? 'off',
  budget (config) {
    const settings = config.salesforce
    return settings
      ? { limit: settings.requestsPer10s, windowMs: 10_000, dailyLimit: settings.dailyLimit, dailyShare: settings.dailyShare }
      : { limit: 250, windowMs: 10_000, dailyLimit: 100_000, dailyShare: 0.5 }
  },
  connect (config, deps, sandbox) {
    const salesforce = config.salesforce
    if (!salesforce) throw new Error('Salesforce is not configured')
    const base = { apiVersion: salesforce.apiVersion, ...deps }
    if (sandbox) {
      const { clientId = '', clientSecret = '' } = sandbox.credentials
      return createSalesforceConnector({ ...base, loginUrl: sandbox.url, clientId, clientSecret })
    }
    const credentials = salesforce.credentials
    if (!credentials) throw new Error('Salesforce credentials are not set')
    return credentials.kind === 'client-credentials'
      ? createSalesforceConnector({ ...base, loginUrl: credentials.loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret })
      : createSalesforceConnector({ ...base, instanceUrl: credentials.instanceUrl, accessToken: credentials.accessToken })
  }
}
