import type { Config } from '../src/config.ts'
import type { CrmDefinition } from '../src/crm/registry.ts'
import type { BudgetSettings } from '../src/sync/rate-budget.ts'

/**
 * A CRM's rate budget as the service runs with no settings of its own (the definition's
 * defaults: HubSpot 100 per 10 s and half of a Free/Starter day's 250 000; Salesforce 250 per
 * 10 s and half of 100 000 a day), shared through PostgreSQL like in production.
 */
export function defaultBudget (definition: CrmDefinition): BudgetSettings {
  // With no section for the CRM in the configuration, a definition returns its defaults.
  return definition.budget({} as Config)
}
