/**
 * A connector's `writtenForm` (connector.ts): `form()`, or undefined when the mapping refuses
 * the state. The upsert then reports that refusal as the record's error, and the sync, with no
 * form to compare, writes as it would have.
 */
export function writtenFormOf (form: () => unknown): unknown {
  try {
    return form()
  } catch {
    return undefined
  }
}
