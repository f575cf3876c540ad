import type { CrmDefinition } from './crm-definition.ts'
import { hubspotDefinition } from './hubspot/definition.ts'
import { salesforceDefinition } from './salesforce/definition.ts'

export type { CrmDefinition, CrmTarget } from './crm-definition.ts'

/**
 * The list of CRMs, the only one in the code base: queues, workers, the dashboard's
 * filters, metrics and `npm run crm:setup` all derive from it. Adding a CRM means adding
 * its folder (`src/crm/<name>/`, with a `definition.ts`) and a line here.
 */
export const crmRegistry: readonly CrmDefinition[] = [hubspotDefinition, salesforceDefinition]
