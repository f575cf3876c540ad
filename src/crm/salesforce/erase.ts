import type { Connection } from 'jsforce'
import type { ErasureResult, ErasureTarget } from '../connector.ts'
import { CrmPermanentError } from '../errors.ts'
import { chunk } from '../../chunk.ts'
import { MAX_COLLECTION_SIZE } from './batch-upsert.ts'
import type { SalesforceRecordError } from './errors.ts'
import { SALESFORCE_OBJECTS } from './external-id-fields.ts'

interface DeleteResult { id?: string, success: boolean, errors?: SalesforceRecordError[] }

/** Ids of `object` records whose `field` is one of `values` (SOQL `IN`, 200 values a query). */
async function idsWhere (conn: Connection, object: string, field: string, values: string[]): Promise<string[]> {
  const ids: string[] = []
  for (const batch of chunk([...new Set(values)], MAX_COLLECTION_SIZE)) {
    const records = await conn.sobject(object).find({ [field]: batch }, ['Id']) as Array<{ Id: string }>
    ids.push(...records.map((record) => record.Id))
  }
  return ids
}

/** Found by our External ID, plus the recorded ids that still exist (the field may have been edited). */
async function recordsOf (conn: Connection, object: string, externalIdField: string, keys: string[], recorded: string[]): Promise<string[]> {
  const byKey = keys.length > 0 ? await idsWhere(conn, object, externalIdField, keys) : []
  const others = recorded.filter((id) => !byKey.includes(id))
  return [...new Set([...byKey, ...(others.length > 0 ? await idsWhere(conn, object, 'Id', others) : [])])]
}

/**
 * sObject Collections delete, `DELETE /composite/sobjects?ids=…` (allOrNone defaults to false),
 * 200 ids a call; DeleteResults come back in the order of the ids
 * (https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-delete.html).
 * ENTITY_IS_DELETED means another run got there first; any other failure stops the erasure.
 */
async function destroy (conn: Connection, object: string, ids: string[]): Promise<void> {
  for (const batch of chunk(ids, MAX_COLLECTION_SIZE)) {
    const results = await conn.sobject(object).destroy(batch, { allOrNone: false }) as DeleteResult[]
    results.forEach((result, i) => {
      const errors = result.errors ?? []
      if (result.success || errors.every((e) => e.statusCode === 'ENTITY_IS_DELETED')) return
      const why = errors.map((e) => `${e.statusCode ?? 'UNKNOWN_EXCEPTION'}: ${e.message ?? ''}`).join('; ')
      throw new CrmPermanentError(`Salesforce did not delete ${object} ${batch[i]}: ${why}`)
    })
  }
}

/**
 * Erases one customer from Salesforce: their Tasks (messages) and Events (appointments),
 * then the Contact. Deleted records go to the org's Recycle Bin, which Salesforce empties
 * after 15 days.
 */
export async function eraseFromSalesforce (conn: Connection, target: ErasureTarget): Promise<ErasureResult> {
  const { contact, message, appointment } = SALESFORCE_OBJECTS
  const tasks = await recordsOf(conn, message.object, message.externalIdField,
    target.messages.map((m) => m.messageId), target.messages.flatMap((m) => m.crmId ?? []))
  await destroy(conn, message.object, tasks)
  const events = await recordsOf(conn, appointment.object, appointment.externalIdField,
    target.appointments.map((a) => a.appointmentId), target.appointments.flatMap((a) => a.crmId ?? []))
  await destroy(conn, appointment.object, events)
  const contacts = await recordsOf(conn, contact.object, contact.externalIdField, [target.customerId], target.contactCrmIds)
  await destroy(conn, contact.object, contacts)
  return { contact: contacts, message: tasks, appointment: events }
}
