import type { CrmDefinition } from '../crm-definition.ts'
import { createMappingHolder } from '../mapping/mapping-holder.ts'
import { createSalesforceConnector } from './connector.ts'
import { DEFAULT_SALESFORCE_MAPPING_FILE, loadSalesforceMapping, SALESFORCE_MAPPING_SPEC, salesforceObjectsInUse } from './mapping-spec.ts'

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
    const base = { apiVersion: salesforce.apiVersion, personObject: salesforce.personObject, mappingFile: salesforce.mappingFile, ...deps }
    if (sandbox) {
      const { clientId = '', clientSecret = '' } = sandbox.credentials
      return createSalesforceConnector({ ...base, loginUrl: sandbox.url, clientId, clientSecret })
    }
    const credentials = salesforce.credentials
    if (!credentials) throw new Error('Salesforce credentials are not set')
    return credentials.kind === 'client-credentials'
      ? createSalesforceConnector({ ...base, loginUrl: credentials.loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret })
      : createSalesforceConnector({ ...base, instanceUrl: credentials.instanceUrl, accessToken: credentials.accessToken })
  },
  describeMapping (config) {
    const file = config.salesforce?.mappingFile ?? DEFAULT_SALESFORCE_MAPPING_FILE
    const personObject = config.salesforce?.personObject ?? 'Contact'
    return createMappingHolder(SALESFORCE_MAPPING_SPEC, file, salesforceObjectsInUse(personObject), () => loadSalesforceMapping(file, personObject)).describe()
  }
}
