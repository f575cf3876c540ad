/**
 * Reconciliation reports name the field that drifted but never show its content: phone
 * numbers and message text are PII. The last two characters and the length are enough to
 * tell two values apart (the dashboard masks phone numbers the same way).
 */
export function maskValue (value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)'
  const chars = [...String(value)]
  if (chars.length <= 4) return '•'.repeat(chars.length)
  return `${'•'.repeat(Math.min(chars.length - 2, 6))}${chars.slice(-2).join('')} (${chars.length} chars)`
}
