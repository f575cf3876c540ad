import { Client } from '@hubspot/api-client'
import { createDeadlineAgent } from './request-deadline.ts'

type HubspotClient = InstanceType<typeof Client>

/** The SDK APIs the connector uses. */
export interface HubspotApis {
  objects: HubspotClient['crm']['objects']['batchApi']
  associations: HubspotClient['crm']['associations']['v4']['batchApi']
  properties: HubspotClient['crm']['properties']['coreApi']
  groups: HubspotClient['crm']['properties']['groupsApi']
  /** For the GDPR delete of a contact (erasure). */
  contacts: HubspotClient['crm']['contacts']['basicApi']
}

/**
 * Builds the real SDK client pointed at `baseUrl` (HubSpot or the sandbox) with its own
 * retries and limiter OFF: its retry waits 10 s × attempt on a TEN_SECONDLY_ROLLING 429
 * (lib/src/services/decorators/RetryDecorator.js), longer than a whole call budget. The sync
 * job retries instead. Every request goes through a deadline agent (see request-deadline.ts).
 */
export function createHubspotApis (options: { accessToken: string, baseUrl: string, timeoutMs: number }): HubspotApis {
  const client = new Client({
    accessToken: options.accessToken,
    basePath: options.baseUrl.replace(/\/+$/, ''),
    numberOfApiCallRetries: 0,
    httpAgent: createDeadlineAgent(options.baseUrl, options.timeoutMs)
  })
  // Retry/limiter decorators live in a process-wide singleton that every `new Client()`
  // overwrites, and an API object is decorated when first built (lib/src/services/
  // ApiDecoratorService.js; discovery getters are lazy). Build ours now, while "no
  // decorators" is in force, so a later Client elsewhere cannot switch retries back on.
  return {
    objects: client.crm.objects.batchApi,
    associations: client.crm.associations.v4.batchApi,
    properties: client.crm.properties.coreApi,
    groups: client.crm.properties.groupsApi,
    contacts: client.crm.contacts.basicApi
  }
}
