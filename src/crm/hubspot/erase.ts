import type { ErasureResult, ErasureTarget } from '../connector.ts'
import { CrmPermanentError } from '../errors.ts'
import { chunk } from '../../chunk.ts'
import { MAX_BATCH } from './batch-upsert.ts'
import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import { ID_PROPERTY, messageObjectFor } from './mapping.ts'

type Context = { apis: HubspotApis, call: HubspotCall, signal?: AbortSignal }

/**
 * HubSpot ids of the `objectType` records whose `idProperty` is one of `values`. Values that
 * match nothing come back as `errors` in a 207, which the SDK returns without throwing.
 */
async function existing (ctx: Context, objectType: string, idProperty: string, values: string[]): Promise<string[]> {
  const found: string[] = []
  for (const batch of chunk([...new Set(values)], MAX_BATCH)) {
    // Record ids are the default key; HubSpot wants idProperty only for other unique properties.
    const { data } = await ctx.call(`${objectType} batch read`, () => ctx.apis.objects.readWithHttpInfo(objectType, {
      ...(idProperty === 'hs_object_id' ? {} : { idProperty }), inputs: batch.map((id) => ({ id })), properties: [idProperty], propertiesWithHistory: []
    }), ctx.signal)
    found.push(...data.results.map((record) => record.id))
  }
  return found
}

/** Found by our id property, plus the recorded ids that still exist (the property may have been edited). */
async function recordsOf (ctx: Context, objectType: string, idProperty: string, keys: string[], recorded: string[]): Promise<string[]> {
  const byKey = keys.length > 0 ? await existing(ctx, objectType, idProperty, keys) : []
  const others = recorded.filter((id) => !byKey.includes(id))
  const stillThere = others.length > 0 ? await existing(ctx, objectType, 'hs_object_id', others) : []
  return [...new Set([...byKey, ...stillThere])]
}

/**
 * `POST /crm/v3/objects/{objectType}/batch/archive` with `{inputs: [{id}]}` answers 204 with
 * no body (https://developers.hubspot.com/docs/api-reference/latest/crm/objects/custom-objects/batch/delete-custom-objects).
 * Archived records sit in HubSpot's recycle bin for 90 days before HubSpot purges them.
 */
async function archive (ctx: Context, objectType: string, ids: string[]): Promise<void> {
  for (const batch of chunk(ids, MAX_BATCH)) {
    await ctx.call(`${objectType} batch archive`, () => ctx.apis.objects.archiveWithHttpInfo(objectType, { inputs: batch.map((id) => ({ id })) }), ctx.signal)
  }
}

/**
 * `POST /crm/v3/objects/contacts/gdpr-delete` with `{objectId, idProperty}` permanently deletes
 * the contact and answers 204 (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/gdpr/gdpr-delete-contact).
 * A contact that is already gone answers 404: for an erasure, that is done too.
 */
async function gdprDelete (ctx: Context, input: { objectId: string, idProperty?: string }): Promise<void> {
  try {
    await ctx.call('contact GDPR delete', () => ctx.apis.contacts.purgeWithHttpInfo(input), ctx.signal)
  } catch (error) {
    if (!(error instanceof CrmPermanentError && error.status === 404)) throw error
  }
}

/**
 * Erases one customer from HubSpot: their communications and notes, their meetings (or 0-421
 * appointments), then the contact itself with HubSpot's GDPR delete. Engagements go first:
 * the GDPR delete removes the contact's associations, after which nothing would lead to them
 * but our id properties.
 */
export async function eraseFromHubspot (
  apis: HubspotApis, call: HubspotCall, appointmentObject: 'meetings' | 'appointments', target: ErasureTarget, signal?: AbortSignal
): Promise<ErasureResult> {
  const ctx: Context = { apis, call, signal }
  const result: ErasureResult = { contact: [], message: [], appointment: [] }
  for (const objectType of ['communications', 'notes'] as const) {
    // A message whose channel we no longer know may be either.
    const mine = target.messages.filter((m) => m.channel === null || messageObjectFor(m.channel) === objectType)
    if (mine.length === 0) continue
    const ids = await recordsOf(ctx, objectType, ID_PROPERTY.message, mine.map((m) => m.messageId), mine.flatMap((m) => m.crmId ?? []))
    await archive(ctx, objectType, ids)
    result.message.push(...ids)
  }
  if (target.appointments.length > 0) {
    const objectType = appointmentObject === 'appointments' ? '0-421' : 'meetings'
    const ids = await recordsOf(ctx, objectType, ID_PROPERTY.appointment,
      target.appointments.map((a) => a.appointmentId), target.appointments.flatMap((a) => a.crmId ?? []))
    await archive(ctx, objectType, ids)
    result.appointment.push(...ids)
  }
  const byKey = await existing(ctx, 'contacts', ID_PROPERTY.contact, [target.customerId])
  if (byKey.length > 0) await gdprDelete(ctx, { objectId: target.customerId, idProperty: ID_PROPERTY.contact })
  const others = await recordsOf(ctx, 'contacts', 'hs_object_id', [], target.contactCrmIds.filter((id) => !byKey.includes(id)))
  for (const id of others) await gdprDelete(ctx, { objectId: id })
  result.contact.push(...byKey, ...others)
  return result
}
