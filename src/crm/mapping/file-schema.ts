import { z } from 'zod'
import { SOURCE_FIELDS, type MappedEntity } from './source-fields.ts'
import type { MappingSpec } from './mapping-types.ts'

/** The shape of a mapping file (the meaning of each entry is checked in build-entries.ts). */

const ENTITIES: MappedEntity[] = ['customer', 'message', 'appointment']

const unknownKeys = (what: string, allowed: readonly string[]) => (issue: { code?: string, keys?: string[] }) =>
  issue.code === 'unrecognized_keys' ? `unknown ${what} ${issue.keys?.map((k) => `"${k}"`).join(', ')}: use ${allowed.join(', ')}` : undefined

const ENTRY_KEYS = ['source', 'value', 'transform', 'target', 'policy', 'empty']

function entrySchema (entity: MappedEntity) {
  const sources = Object.keys(SOURCE_FIELDS[entity]) as [string, ...string[]]
  return z.strictObject({
    source: z.enum(sources, { error: `source must be one of the ${entity} fields: ${sources.join(', ')}` }).optional(),
    value: z.union([z.string(), z.number(), z.boolean()], { error: 'value must be text, a number or true/false' }).optional(),
    transform: z.unknown().optional(),
    target: z.string({ error: 'target (the CRM property to write) is required' }).min(1, { error: 'target must not be empty' }),
    policy: z.enum(['always', 'if_empty', 'never'], { error: 'policy must be always, if_empty or never' }).default('always'),
    empty: z.enum(['write', 'skip'], { error: 'empty must be write or skip' }).default('write')
  }, { error: unknownKeys('key', ENTRY_KEYS) })
    .refine((entry) => (entry.source === undefined) !== (entry.value === undefined),
      { error: 'give either source (an AgentClara field) or value (a constant), not both or neither' })
}

export type RawEntry = z.infer<ReturnType<typeof entrySchema>>

export function mappingFileSchema (spec: MappingSpec) {
  const entity = (name: MappedEntity) => {
    const objects = spec.objects[name]
    const list = z.array(entrySchema(name), { error: 'a list of entries (- { source: …, target: … })' })
    return z.strictObject(Object.fromEntries(objects.map((object) => [object, list.optional()])),
      { error: unknownKeys(`${spec.crm} object`, objects) }).optional()
  }
  return z.strictObject({
    version: z.literal(1, { error: 'version: 1 is the only format so far' }),
    customer: entity('customer'),
    message: entity('message'),
    appointment: entity('appointment')
  }, { error: unknownKeys('section', ['version', ...ENTITIES]) })
}

export type RawMappingFile = Partial<Record<MappedEntity, Record<string, RawEntry[] | undefined>>> & { version: 1 }

export { ENTITIES }
