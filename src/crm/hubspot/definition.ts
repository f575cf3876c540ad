import type { CrmDefinition } from '../crm-definition.ts'
import { createMappingHolder } from '../mapping/mapping-holder.ts'
import { createHubspotConnector } from './connector.ts'
import { DEFAULT_HUBSPOT_MAPPING_FILE, HUBSPOT_MAPPING_SPEC, hubspotObjectsInUse, loadHubspotMapping } from './mapping-spec.ts'

/** HubSpot in the CRM registry: a private app's access token, or the sandbox's. */
export const hubspotDefinition: CrmDefinition = {
  name: 'hubspot',
  target: (config) => config.hubspot?.mode ?? 'off',
  budget (config) {
    const settings = config.hubspot
    return settings
      ? { limit: settings.requestsPer10s, windowMs: 10_000, dailyLimit: settings.dailyLimit, dailyShare: settings.dailyShare }
      : { limit: 100, windowMs: 10_000, dailyLimit: 250_000, dailyShare: 0.5 }
  },
  connect (config, deps, sandbox) {
    const hubspot = config.hubspot
    if (!hubspot) throw new Error('HubSpot is not configured')
    const base = { appointmentObject: hubspot.appointmentObject, portalId: hubspot.portalId, mappingFile: hubspot.mappingFile, ...deps }
    if (sandbox) return createHubspotConnector({ ...base, accessToken: sandbox.credentials.accessToken ?? '', baseUrl: sandbox.url })
    if (!hubspot.accessToken) throw new Error('HUBSPOT_ACCESS_TOKEN is not set')
    return createHubspotConnector({ ...base, accessToken: hubspot.accessToken, baseUrl: hubspot.baseUrl })
  },
  describeMapping (config) {
    const file = config.hubspot?.mappingFile ?? DEFAULT_HUBSPOT_MAPPING_FILE
    const appointmentObject = config.hubspot?.appointmentObject ?? 'meetings'
    return createMappingHolder(HUBSPOT_MAPPING_SPEC, file, hubspotObjectsInUse(appointmentObject), () => loadHubspotMapping(file, appointmentObject)).describe()
  }
}
