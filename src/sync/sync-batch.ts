import type pg from 'pg'
import type { CrmConnector, Linked, LinkedOrPending, RecordResult } from '../crm/connector.ts'
import { withTransaction } from '../db/pool.ts'
import { entityKey, parseEntityKey, type EntityRef } from '../mirror/entity-ref.ts'
import { loadAppointments, loadContacts, loadMessages } from '../mirror/load-state.ts'
import type { AppointmentState, ContactState, MessageState } from '../mirror/states.ts'
import { quietCustomers, stillArriving, type ArrivalWindow } from './arriving-customers.ts'
import { chunk } from '../chunk.ts'
import { roomIn, type CallShape } from './call-room.ts'
import { callCrm, type CallOutcome, type Outcome } from './crm-call.ts'
import { lockVersions } from './entity-versions.ts'
import { loadRecords, WAITING_FOR_CONTACT_ERROR, writtenHash, type SyncRecord } from './sync-records.ts'

/** `waitingFor`: a message or appointment that cannot go before its contact (a customer id) is in the CRM. */
/** `deferred`: a contact-only change held back while the rate budget is the bottleneck (see `deferContactUpdates`). */
/** `arriving`: a new contact whose customer's events are still coming, or a record linked to it, and how long its hold lasts if nothing more comes (see `holdArrivingContacts`). */
/** `held`: the part-filled rest of a call, left for a later, fuller one (see `fillCalls`). */
export type EntityOutcome = Outcome | { ok: true, unchanged: true } | { ok: true, missing: true } | { ok: true, deferred: true } | { ok: true, arriving: true, waitMs: number } | { ok: true, held: true } | { ok: false, error: string, retryable: true, waitingFor: string, whole?: undefined }

export interface SyncBatchOptions {
  /**
   * While the rate budget is the bottleneck: a contact already in the CRM whose copy there is
   * younger than this (ms) is not written now but `deferred` — most contact changes are
   * "last message / last contact" from a message that is itself being written, and a later
   * write of the contact carries them all. The caller queues it again; nothing is marked
   * synced, so its final state always goes (never older than this bound while deferred, once
   * no work queued beside it is waiting: a fetch takes it last, see sync-queue.ts).
   * With `rideAlong` (the connector's call shape), a contact put off still goes when the
   * calls this batch makes anyway have room for it: there it costs no call.
   * With `settledAfterMs` and `fillCalls`, a contact put off whose customer has been quiet
   * that long — its state as good as final — may also complete the part-filled last call
   * that `fillCalls` would hold, so that call goes now, full; only when enough of them fill
   * it, and never in a call of their own. Without them the last call waited while the
   * contacts it would have carried were queued again for a later one: the final states of
   * a burst's contacts went in three calls where two would do.
   */
  deferContactUpdates?: { maxStaleMs: number, now?: number, rideAlong?: CallShape, settledAfterMs?: number }
  /**
   * While writing every change as it comes would take more calls than the budget sustains:
   * a contact not yet in the CRM whose customer's events are still arriving (see
   * arriving-customers.ts) is not written yet but `arriving`, and so are its messages and
   * appointments, which cannot go without it. Its first write then carries what arrived
   * meanwhile — one write instead of a first write now and another with the final state.
   * The caller queues them again, for when the hold ends if nothing more comes for the
   * customer (`waitMs`); `maxHoldMs` bounds the wait. With `only` (entity keys), the
   * hold applies only to the customers of those entities.
   */
  holdArrivingContacts?: ArrivalWindow & { only?: ReadonlySet<string> }
  /**
   * While more is queued than this batch holds, or changes come faster than the budget
   * sustains: write each kind in full calls only (`recordsPerCall`) — all kinds together for a
   * connector with `upsertTogether`, whose calls carry them together; the part-filled rest is
   * `held` — queued again, so it fills a later call. A new contact held takes its messages
   * and appointments in this batch with it (they cannot go without it). Whether a record may
   * be held (again) is the caller's to say (`mayHold`, by entity key); when fewer may be
   * held than the part-filled rest, everything goes now. With `recordsPerCollection` (calls
   * made of collections of one kind, see call-room.ts) what is held is whole collections.
   */
  fillCalls?: CallShape & { mayHold: (key: string) => boolean }
}

/**
 * Syncs a batch of entities to one CRM: contacts first (messages and appointments are
 * associated to the contact's CRM id), then messages, then appointments, each kind in as
 * few batch calls as the connector allows. Entities whose current state was already
 * written cost nothing: the same hash of what the connector would write (`writtenHash`), so a
 * change its mapping does not write is none for it. Contacts are only ever written by their own job (one
 * at a time per contact), so an older state can never overwrite a newer one; a message
 * whose contact has no CRM id yet waits (retries) and its contact is named in
 * `contactsNeeded` so the caller can queue that contact's job.
 */
export async function syncBatch (deps: { pool: pg.Pool, connector: CrmConnector }, refs: EntityRef[], signal?: AbortSignal, options: SyncBatchOptions = {}): Promise<{ outcomes: Map<string, EntityOutcome>, contactsNeeded: string[], versions: Map<string, number> }> {
  const { connector } = deps
  const ids = (type: EntityRef['type']) => refs.filter((ref) => ref.type === type).map((ref) => ref.id)
  // One read transaction: the version lock first (it waits for applies in flight), then the
  // state, each statement with a snapshot taken after the lock (see entity-versions.ts).
  const { versions, messages, appointments, contacts, records, arriving, quiet } = await withTransaction(deps.pool, async (client) => {
    const versions = await lockVersions(client, refs)
    const messages = await loadMessages(client, ids('message'))
    const appointments = await loadAppointments(client, ids('appointment'))
    const contacts = await loadContacts(client, ids('contact'))
    const linkedCustomers = [...messages.values(), ...appointments.values()].map((state) => state.customerId)
    const customers = [...new Set([...ids('contact'), ...linkedCustomers])]
    const records = await loadRecords(client, connector.name, [
      ...customers.map((id) => ({ type: 'contact' as const, id })),
      ...refs.filter((ref) => ref.type !== 'contact')
    ])
    const hold = options.holdArrivingContacts
    const newCustomers = customers.filter((id) => !records.get(entityKey({ type: 'contact', id }))?.crmId)
    const only = hold?.only
    const customerOf = (ref: EntityRef) => ref.type === 'contact' ? ref.id : ref.type === 'message' ? messages.get(ref.id)?.customerId : appointments.get(ref.id)?.customerId
    const holdFor = only ? new Set(refs.filter((ref) => only.has(entityKey(ref))).map(customerOf)) : undefined
    const candidates = holdFor ? newCustomers.filter((id) => holdFor.has(id)) : newCustomers
    const arriving = hold ? await stillArriving(client, candidates, hold) : new Map<string, number>()
    // Contacts in the CRM are the ones that may be put off, and so fill a call (settledFillers).
    const settledAfterMs = options.deferContactUpdates?.settledAfterMs
    const quiet = settledAfterMs !== undefined && options.fillCalls
      ? await quietCustomers(client, ids('contact').filter((id) => records.get(entityKey({ type: 'contact', id }))?.crmId), settledAfterMs)
      : new Set<string>()
    return { versions, messages, appointments, contacts, records, arriving, quiet }
  })
  const outcomes = new Map<string, EntityOutcome>()
  const contactsNeeded = new Set<string>()
  const record = (key: string): SyncRecord | undefined => records.get(key)

  // Contacts first: messages and appointments need their CRM ids.
  const putOff: Array<{ key: string, state: ContactState, hash: string }> = []
  const contactWrites = ids('contact').flatMap((id) => {
    const key = entityKey({ type: 'contact', id })
    const state = contacts.get(id)
    if (!state) { outcomes.set(key, { ok: true, missing: true }); return [] }
    const hash = writtenHash(connector, 'contact', state)
    if (hash === record(key)?.syncedHash && record(key)?.crmId) { outcomes.set(key, { ok: true, unchanged: true }); return [] }
    const waitMs = arriving.get(id)
    if (waitMs !== undefined) { outcomes.set(key, { ok: true, arriving: true, waitMs }); return [] }
    const defer = options.deferContactUpdates
    const syncedAt = record(key)?.syncedAt
    if (defer && record(key)?.crmId && syncedAt && (defer.now ?? Date.now()) - syncedAt.getTime() < defer.maxStaleMs) {
      putOff.push({ key, state, hash })
      return []
    }
    return [{ key, state, hash }]
  })
  /** Contacts put off, their copies in the CRM oldest first: the order they ride along or fill calls in. */
  const oldestCopyFirst = (a: { key: string }, b: { key: string }) => (record(a.key)?.syncedAt?.getTime() ?? 0) - (record(b.key)?.syncedAt?.getTime() ?? 0)
  /** Of the contacts put off, `room` go (`oldestCopyFirst`); the others are `deferred`. */
  function rideAlong (room: number): Array<{ key: string, state: ContactState, hash: string }> {
    const oldestFirst = putOff.sort(oldestCopyFirst)
    for (const item of oldestFirst.slice(room)) outcomes.set(item.key, { ok: true, deferred: true })
    return oldestFirst.slice(0, room)
  }
  /**
   * Settled contacts put off (`deferContactUpdates.settledAfterMs`) that complete the calls
   * `counts` take, when the fill would hold their part-filled last call and would hold
   * nothing once they are in it (`heldWith`). Taken out of those put off; none otherwise.
   */
  function settledFillers (counts: number[], heldWith: (fillers: typeof putOff) => Set<string>): typeof putOff {
    const fill = options.fillCalls
    if (!fill || quiet.size === 0 || heldWith([]).size === 0) return []
    const settled = putOff.filter((item) => quiet.has(item.state.customerId)).sort(oldestCopyFirst)
    const fillers = settled.slice(0, roomIn(fill, counts, 0, settled.length, together !== undefined))
    if (fillers.length === 0 || heldWith(fillers).size > 0) return []
    const taken = new Set(fillers)
    putOff.splice(0, putOff.length, ...putOff.filter((item) => !taken.has(item)))
    return fillers
  }
  const shape = options.deferContactUpdates?.rideAlong
  // A CRM that takes several objects in one call gets the contacts with their messages and
  // appointments, a new contact's records linked to it in the same call; its calls are
  // filled by all kinds together (below), not each kind on its own.
  const together = connector.upsertTogether
  const contactsNow = together ? contactWrites : fullCallsOnly([...contactWrites, ...settledFillers([contactWrites.length], (fillers) => heldRest([...contactWrites, ...fillers]))])
  const pendingContacts = together ? new Set(contactsNow.map((item) => item.state.customerId)) : undefined
  if (!together) {
    const riders = rideAlong(shape ? roomIn(shape, [contactsNow.length], 0, putOff.length, false) : 0)
    await write([...contactsNow, ...riders], (states) => connector.upsertContacts(states, signal), (state) => state.customerId)
  }

  const contactCrmId = (customerId: string): string | null => {
    const key = `contact:${customerId}`
    const outcome = outcomes.get(key)
    if (outcome && 'crmId' in outcome) return outcome.crmId
    return record(key)?.crmId ?? null
  }

  // Messages and appointments, each linked to its contact's CRM id. Those with no CRM id
  // recorded are new as far as we know: the connector may create them with their link inline.
  const newKeys = { message: new Set<string>(), appointment: new Set<string>() }
  /** Why a message or appointment cannot go: its contact has no CRM id, and is not written with it. */
  function waitForContact (key: string, customerId: string): void {
    const contactOutcome = outcomes.get(`contact:${customerId}`)
    if (!contactOutcome) contactsNeeded.add(customerId)
    const why = contactOutcome && !contactOutcome.ok ? contactOutcome.error : 'contact not in the CRM yet'
    const error = `${WAITING_FOR_CONTACT_ERROR} ${customerId}: ${why}`
    // The CRM failed its contact's call as a whole: the CRM's failure is this record's too
    // (read again with its contact, no attempt spent), not a wait of its own.
    const whole = contactOutcome && !contactOutcome.ok ? contactOutcome.whole : undefined
    outcomes.set(key, whole ? { ok: false, error, retryable: true, whole } : { ok: false, error, retryable: true, waitingFor: customerId })
  }

  /** `pendingContact`: written with its contact, whose CRM id (and so this record's hash) is known after the call. */
  function linked<T extends MessageState | AppointmentState> (type: 'message' | 'appointment', states: Map<string, T>) {
    return ids(type).flatMap((id): Array<{ key: string, state: LinkedOrPending<T>, hash: string, pendingContact?: string }> => {
      const key = entityKey({ type, id })
      const state = states.get(id)
      if (!state) { outcomes.set(key, { ok: true, missing: true }); return [] }
      const crmId = contactCrmId(state.customerId)
      const waitMs = crmId ? undefined : arriving.get(state.customerId)
      if (waitMs !== undefined) { outcomes.set(key, { ok: true, arriving: true, waitMs }); return [] }
      const contactOutcome = outcomes.get(`contact:${state.customerId}`)
      if (!crmId && contactOutcome && 'held' in contactOutcome) { outcomes.set(key, { ok: true, held: true }); return [] }
      if (!crmId && pendingContacts?.has(state.customerId)) {
        if (!record(key)?.crmId) newKeys[type].add(id)
        return [{ key, state: { ...state, contactCrmId: null }, hash: '', pendingContact: state.customerId }]
      }
      if (!crmId) { waitForContact(key, state.customerId); return [] }
      const full: Linked<T> = { ...state, contactCrmId: crmId }
      const hash = writtenHash(connector, type, full)
      if (hash === record(key)?.syncedHash && record(key)?.crmId) { outcomes.set(key, { ok: true, unchanged: true }); return [] }
      if (!record(key)?.crmId) newKeys[type].add(id)
      return [{ key, state: full, hash }]
    })
  }
  if (together) {
    // Filled each on its own, a fetch of one call's worth that mixes kinds held every kind
    // as a part-filled rest, and the next fetch, full again, did the same: Salesforce's
    // worker read 24 full fetches in 3 s and wrote nothing until their holds ran out.
    const messageItems = linked('message', messages)
    const appointmentItems = linked('appointment', appointments)
    const heldOf = (kinds: Array<Array<{ key: string }>>) => options.fillCalls?.recordsPerCollection ? heldCollections(kinds) : heldRest(kinds.flat())
    const contactItems = [...contactsNow, ...settledFillers([contactsNow.length, messageItems.length, appointmentItems.length],
      (fillers) => heldOf([[...contactsNow, ...fillers], messageItems, appointmentItems]))]
    const kinds: Array<Array<{ key: string }>> = [contactItems, messageItems, appointmentItems]
    const heldKeys = heldOf(kinds)
    for (const key of heldKeys) outcomes.set(key, { ok: true, held: true })
    const sending = new Set(kinds.flat().filter((item) => !heldKeys.has(item.key)).map((item) => item.key))
    const heldContacts = new Set(contactItems.filter((item) => !sending.has(item.key)).map((item) => item.state.customerId))
    // A record to be written with its new contact is held with it.
    const going = <T extends { key: string, pendingContact?: string }>(items: T[]) => items.filter((item) => {
      if (item.pendingContact && heldContacts.has(item.pendingContact)) outcomes.set(item.key, { ok: true, held: true })
      return sending.has(item.key) && !(item.pendingContact && heldContacts.has(item.pendingContact))
    })
    const contactsGoing = contactItems.filter((item) => sending.has(item.key))
    const messagesGoing = going(messageItems)
    const appointmentsGoing = going(appointmentItems)
    const counts = [contactsGoing.length, messagesGoing.length, appointmentsGoing.length]
    const riders = rideAlong(shape ? roomIn(shape, counts, 0, putOff.length, true) : 0)
    await writeTogether(together, [...contactsGoing, ...riders], messagesGoing, appointmentsGoing)
  } else {
    const messageWrites = fullCallsOnly(linked('message', messages))
    const appointmentWrites = fullCallsOnly(linked('appointment', appointments))
    // Nothing is pending without upsertTogether: every contactCrmId here is a CRM id.
    await write(messageWrites as Array<{ key: string, state: Linked<MessageState>, hash: string }>, (states) => connector.upsertMessages(states, signal, { newKeys: newKeys.message }), (state) => state.messageId)
    await write(appointmentWrites as Array<{ key: string, state: Linked<AppointmentState>, hash: string }>, (states) => connector.upsertAppointments(states, signal, { newKeys: newKeys.appointment }), (state) => state.appointmentId)
  }
  return { outcomes, contactsNeeded: [...contactsNeeded], versions }

  /**
   * One connector call for the lot. A record written with its new contact is hashed with the
   * contact's CRM id the call returned; when the contact failed, it waits for it as it would
   * have had the contact gone first.
   */
  async function writeTogether (
    upsertTogether: NonNullable<CrmConnector['upsertTogether']>,
    contactItems: Array<{ key: string, state: ContactState, hash: string }>,
    messageItems: Array<{ key: string, state: LinkedOrPending<MessageState>, hash: string, pendingContact?: string }>,
    appointmentItems: Array<{ key: string, state: LinkedOrPending<AppointmentState>, hash: string, pendingContact?: string }>
  ): Promise<void> {
    const items = [...contactItems, ...messageItems, ...appointmentItems]
    if (items.length === 0) return
    const results = await callCrm(items.map((item) => item.key), () => upsertTogether({
      contacts: contactItems.map((item) => item.state),
      messages: messageItems.map((item) => item.state),
      appointments: appointmentItems.map((item) => item.state)
    }, signal))
    const settle = (key: string, hash: string, result: CallOutcome | undefined) => {
      if (result) outcomes.set(key, result.ok ? { ok: true, crmId: result.crmId, hash, skipped: result.skipped } : result)
    }
    for (const item of contactItems) settle(item.key, item.hash, results.get(item.key))
    for (const item of [...messageItems, ...appointmentItems]) {
      if (!item.pendingContact) { settle(item.key, item.hash, results.get(item.key)); continue }
      const contactOutcome = outcomes.get(`contact:${item.pendingContact}`)
      if (!contactOutcome || !('crmId' in contactOutcome)) { waitForContact(item.key, item.pendingContact); continue }
      settle(item.key, writtenHash(connector, parseEntityKey(item.key).type, { ...item.state, contactCrmId: contactOutcome.crmId }), results.get(item.key))
    }
  }

  /** With `fillCalls`: the items that make full calls; the rest of the last call is held, if all of it may be. */
  function fullCallsOnly<T extends { key: string }> (items: T[]): T[] {
    const held = heldRest(items)
    for (const key of held) outcomes.set(key, { ok: true, held: true })
    return items.filter((item) => !held.has(item.key))
  }

  /** What `fillCalls` holds of these items (by key): the part-filled rest of the last call, if all of it may be. */
  function heldRest (items: Array<{ key: string }>): Set<string> {
    const fill = options.fillCalls
    const rest = fill ? items.length % fill.recordsPerCall : 0
    if (!fill || rest === 0) return new Set()
    const holdable = items.filter((item) => fill.mayHold(item.key))
    return holdable.length < rest ? new Set() : new Set(holdable.slice(-rest).map((item) => item.key))
  }

  /**
   * `fillCalls` for calls of collections (a kind each): the collections of a part-filled last
   * call are held, smallest first and contacts last (a contact held keeps its records back
   * too), and only collections whose every record may be held. A fetch of one call's worth
   * mixing kinds makes six collections where five fill a call: the sixth, often a handful of
   * records, went in a call of its own. Within a kind, the records that may not wait go in its
   * first collections, so its part-filled last one is of records that may, when enough of them
   * may (as `heldRest` picks them): in the fetch's order, one record held before in every
   * collection kept them all back, and the spill went in a call of its own.
   */
  function heldCollections (kinds: Array<Array<{ key: string }>>): Set<string> {
    const fill = options.fillCalls as CallShape & { recordsPerCollection: number, mayHold: (key: string) => boolean }
    const perCall = Math.max(1, Math.floor(fill.recordsPerCall / fill.recordsPerCollection))
    const mustGoFirst = (items: Array<{ key: string }>) => [...items.filter((item) => !fill.mayHold(item.key)), ...items.filter((item) => fill.mayHold(item.key))]
    const collections = kinds.flatMap((items, kind) => chunk(mustGoFirst(items), fill.recordsPerCollection).map((records) => ({ kind, records })))
    const extra = collections.length % perCall
    const holdable = collections.filter((c) => c.records.every((item) => fill.mayHold(item.key)))
      .sort((a, b) => Number(a.kind === 0) - Number(b.kind === 0) || a.records.length - b.records.length)
    if (extra === 0 || holdable.length < extra) return new Set()
    return new Set(holdable.slice(0, extra).flatMap((c) => c.records.map((item) => item.key)))
  }

  async function write<S> (items: Array<{ key: string, state: S, hash: string }>, upsert: (states: S[]) => Promise<RecordResult[]>, idOf: (state: S) => string) {
    if (items.length === 0) return
    const keyById = new Map(items.map((item) => [idOf(item.state), item]))
    const results = await callCrm([...keyById.keys()], () => upsert(items.map((item) => item.state)))
    for (const [id, result] of results) {
      const item = keyById.get(id)
      if (!item) continue
      outcomes.set(item.key, result.ok ? { ok: true, crmId: result.crmId, hash: item.hash, skipped: result.skipped } : result)
    }
  }
}
