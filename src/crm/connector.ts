import type { AppointmentState, ContactState, EntityType, MessageState } from '../mirror/states.ts'
import type { MappingDescription } from './mapping/describe-mapping.ts'

/**
 * The contract every CRM folder implements (`src/crm/<name>/`). The sync worker owns
 * ordering, batching, coalescing and retries; a connector only writes the current state
 * of records it is given, in as few API calls as the CRM allows, and reports per record.
 */

/** A message or appointment, with the CRM id of the contact it belongs to. */
export type Linked<T> = T & { contactCrmId: string }

/** A message or appointment whose contact's CRM id is known, or null when its contact goes in the same write (`upsertTogether`). */
export type LinkedOrPending<T> = T & { contactCrmId: string | null }

/** A batch's contacts with their messages and appointments, written together (`upsertTogether`). */
export interface RecordsTogether {
  contacts: ContactState[]
  messages: Array<LinkedOrPending<MessageState>>
  appointments: Array<LinkedOrPending<AppointmentState>>
}

/**
 * What the sync knows about a batch: `newKeys` are records with no CRM id recorded, which a
 * connector may CREATE (with their association inline) instead of upserting — it must still
 * fall back to the upsert when the CRM already has one (never a duplicate).
 */
export interface WriteHints { newKeys?: ReadonlySet<string> }

export type RecordResult =
  /**
   * `skipped`: fields not written because the mapping says `if_empty` and the CRM already holds
   * another value (someone else owns it); present when the record's object has if_empty fields.
   */
  | { key: string, ok: true, crmId: string, skipped?: string[] }
  | { key: string, ok: false, error: string, retryable: boolean }

/**
 * One customer's records in one CRM, to erase. The connector also finds records by our id
 * properties (a record we wrote but never heard back about still goes), and deletes the
 * CRM ids we recorded even when those properties were changed in the CRM.
 */
export interface ErasureTarget {
  customerId: string
  /** Contact record ids we recorded for the customer. */
  contactCrmIds: string[]
  /** `channel` decides where a message lives (HubSpot: communication or note); null if unknown. */
  messages: Array<{ messageId: string, channel: string | null, crmId: string | null }>
  appointments: Array<{ appointmentId: string, crmId: string | null }>
}

/** The CRM ids of what was deleted, per entity type (empty when there was nothing left). */
export type ErasureResult = Record<EntityType, string[]>
/** A field we write whose value in the CRM is not what the sync would write now. */
export interface FieldDifference { field: string, expected: unknown, actual: unknown }

/** One CRM record that carries one of our ids, compared with what the sync would write now. */
export interface CrmCopy {
  crmId: string
  /** Only fields the mapping writes, compared as the CRM stores them (instants, numbers). */
  differences: FieldDifference[]
  /** Messages and appointments: whether the record is associated with the contact it was given. */
  linkedToContact?: boolean
}

/** What a reconciliation read found under one of our ids: no copy (missing), one, or several (duplicates). */
export interface ReadBack { key: string, copies: CrmCopy[] }

export interface CrmConnector {
  readonly name: CrmName
  /**
   * Makes sure the CRM is ready for our records (creates missing HubSpot properties,
   * checks Salesforce External ID fields). Throws CrmSetupError when it cannot be used.
   */
  prepare: (signal?: AbortSignal) => Promise<void>
  /**
   * Checks the field mapping file against the CRM's live schema and changes nothing (for
   * `npm run crm:setup -- --check-mapping`); one line per problem, naming file, line and property.
   */
  checkMapping?: (signal?: AbortSignal) => Promise<string[]>
  /** The field mapping in effect, for the dashboard. */
  describeMapping?: () => MappingDescription
  /** Results are keyed by customerId. */
  upsertContacts: (contacts: ContactState[], signal?: AbortSignal) => Promise<RecordResult[]>
  /** Results are keyed by messageId. */
  upsertMessages: (messages: Array<Linked<MessageState>>, signal?: AbortSignal, hints?: WriteHints) => Promise<RecordResult[]>
  /** Results are keyed by appointmentId. */
  upsertAppointments: (appointments: Array<Linked<AppointmentState>>, signal?: AbortSignal, hints?: WriteHints) => Promise<RecordResult[]>
  /**
   * Optional, for a CRM whose API takes records of several objects in one call (Salesforce's
   * Composite request): writes a batch's contacts, messages and appointments together, in as
   * few calls as that allows. A message or appointment whose `contactCrmId` is null links to
   * its contact among `contacts` (by `customerId`), written in the same call or an earlier
   * one; when that contact fails, it is not written and fails, retryable. Results are keyed
   * by entity key (`contact:<customerId>`, `message:<messageId>`, `appointment:<appointmentId>`).
   */
  upsertTogether?: (records: RecordsTogether, signal?: AbortSignal) => Promise<RecordResult[]>
  /**
   * Optional: what the upserts would send for this record — its object and fields after the
   * mapping, the contact it links to — or undefined when it cannot say (the mapping refuses the
   * state: the upsert reports that). The sync hashes this, not the mirror's state, to know when
   * a record is unchanged for this CRM: every message changes its contact's `last_message`,
   * which Salesforce's default mapping does not write, and rewriting the Contact the same each
   * time spent its records (and fired the org's Contact automation) for nothing.
   */
  writtenForm?: (entity: EntityType, state: ContactState | Linked<MessageState> | Linked<AppointmentState>) => unknown
  /**
   * Deletes the customer's contact, messages and appointments from the CRM (GDPR erasure).
   * Idempotent: records that are already gone are not an error.
   */
  eraseCustomer: (target: ErasureTarget, signal?: AbortSignal) => Promise<ErasureResult>
  /**
   * Reconciliation (optional): reads back what the CRM holds under our ids, in batch reads by
   * the id property, and compares it with what the matching upsert* would write for the same
   * states. One ReadBack per record the mapping accepts; keyed like the upserts.
   */
  readContacts?: (contacts: ContactState[], signal?: AbortSignal) => Promise<ReadBack[]>
  readMessages?: (messages: Array<Linked<MessageState>>, signal?: AbortSignal) => Promise<ReadBack[]>
  readAppointments?: (appointments: Array<Linked<AppointmentState>>, signal?: AbortSignal) => Promise<ReadBack[]>
  /** How full this CRM's rate budget is right now (≥ 1: the budget is the bottleneck). */
  budgetUsage?: () => Promise<number>
  /**
   * Records one write call carries and calls a second the budget allows: with the rate at which
   * records change, the sync sees whether writing every change as it comes would make the
   * budget the bottleneck (see src/sync/batch-pacing.ts). `windowCallsPerSecond`: what the
   * short window alone allows, which `budgetUsage` is measured against; `windowMs`, its length.
   * `recordsPerCollection`: a call carries its records in collections of one kind of at most
   * this many (Salesforce's Composite: five sObject Collections of 200); none, one a call.
   */
  capacity?: () => { recordsPerCall: number, recordsPerCollection?: number, callsPerSecond: number, windowCallsPerSecond?: number, windowMs?: number }
  /** Link to the record in the CRM's UI, when the connector knows one. */
  recordUrl?: (entity: EntityType, crmId: string) => string | undefined
}

/** A CRM's registry name (`hubspot`, `salesforce`, …): queue names, labels and URLs derive from it. */
export type CrmName = string

/** A stand-in for the CRM (its sandbox): where it listens and the credentials it accepts. */
export interface SandboxEndpoint {
  url: string
  credentials: Readonly<Record<string, string>>
}

/** What every connector factory receives besides its own credentials. */
export interface ConnectorDeps {
  /** Upper bound for every single HTTP call to the CRM (CRM_TIMEOUT_MS). */
  timeoutMs: number
  /** Awaited before every HTTP call to the CRM. */
  limiter: {
    acquire: (signal?: AbortSignal) => Promise<void>
    pause: (ms: number) => void | Promise<void>
    /** Fed every response's headers, so the budget adapts to what the CRM reports. */
    observe?: (headers: Record<string, string | string[] | undefined>) => void | Promise<void>
    /** How full the rate budget is (≥ 1: it is the bottleneck); see rate-limiter.ts. */
    usage?: () => number | Promise<number>
    /** The calls a second the budget sustains all day (see rate-limiter.ts). */
    readonly callsPerSecond?: number
    /** The calls a second its short window allows (what `usage` is measured against). */
    readonly windowCallsPerSecond?: number
    /** How long that window is (ms). */
    readonly windowMs?: number
  }
  /** Called once per HTTP response (status code) or failure ('timeout' | 'error'). */
  onRequest?: (status: number | 'timeout' | 'error') => void
}
