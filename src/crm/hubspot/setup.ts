import { CrmSetupError } from '../errors.ts'
import { formatProblem, problemsMessage } from '../mapping/mapping-problem.ts'
import type { MappingHolder } from '../mapping/mapping-holder.ts'
import type { HubspotCall } from './call.ts'
import { checkHubspotMapping, wantedProperties } from './check-mapping.ts'
import type { HubspotApis } from './client.ts'
import type { AppointmentObject } from './mapping-spec.ts'
import { asSetupErrors, listProperties, notUnique, provisionProperties } from './provision.ts'

/**
 * Start-up and `crm:setup`: read the mapping file, create the agentclara_* properties it
 * needs, then check every mapped property against the portal's live property list.
 */
export async function prepareHubspot (
  apis: HubspotApis, call: HubspotCall, mapping: MappingHolder, appointmentObject: AppointmentObject, signal?: AbortSignal
): Promise<void> {
  const fields = mapping.forSetup()
  const { properties } = await provisionProperties(apis, call, wantedProperties(fields, appointmentObject), signal)
  const problems = checkHubspotMapping(fields, appointmentObject, properties)
  if (problems.length > 0) throw new CrmSetupError(problemsMessage('HubSpot does not fit the field mapping', problems))
}

/** `crm:setup --check-mapping`: the same checks without creating anything. */
export async function checkHubspotSetup (
  apis: HubspotApis, call: HubspotCall, mapping: MappingHolder, appointmentObject: AppointmentObject, signal?: AbortSignal
): Promise<string[]> {
  const fields = mapping.orProblems()
  if (Array.isArray(fields)) return fields
  const wanted = wantedProperties(fields, appointmentObject)
  const lists = await asSetupErrors(() => listProperties(apis, call, Object.keys(wanted), signal))
  return [...notUnique(wanted, lists), ...checkHubspotMapping(fields, appointmentObject, lists, wanted).map(formatProblem)]
}
