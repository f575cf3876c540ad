import { CrmSetupError } from '../errors.ts'
import { formatProblem, problemsMessage } from '../mapping/mapping-problem.ts'
import type { MappingHolder } from '../mapping/mapping-holder.ts'
import { checkSalesforceMapping } from './check-mapping.ts'
import { describeObjects, type DescribedObject } from './describe-check.ts'
import type { SalesforceObject } from './external-id-fields.ts'

type Describe = (object: string) => Promise<DescribedObject>

/**
 * Start-up and `crm:setup`: read the mapping file, describe each object in use once, and
 * check the External ID fields and every mapped field against the org. Any problem disables
 * the connector with a message naming file, line and field.
 */
export async function prepareSalesforce (describe: Describe, mapping: MappingHolder, objects: SalesforceObject[]): Promise<void> {
  const fields = mapping.forSetup()
  const problems = checkSalesforceMapping(fields, objects, await describeObjects(describe, objects))
  if (problems.length > 0) throw new CrmSetupError(problemsMessage('Salesforce does not fit the field mapping', problems))
}

/** `crm:setup --check-mapping`: the same checks, as lines (Salesforce's checks create nothing anyway). */
export async function checkSalesforceSetup (describe: Describe, mapping: MappingHolder, objects: SalesforceObject[]): Promise<string[]> {
  const fields = mapping.orProblems()
  if (Array.isArray(fields)) return fields
  return checkSalesforceMapping(fields, objects, await describeObjects(describe, objects)).map(formatProblem)
}
