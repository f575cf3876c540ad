/**
 * A JSON.parse failure, said without quoting the body. V8's messages quote up to ~10
 * characters around the error ("Unexpected token 'x', ..."+1555123"... is not valid
 * JSON"), and that text is stored, logged and shown on the dashboard: a phone number or a
 * message would leak through it. Keep V8's fixed wording before " in JSON" (it names the
 * category and never contains body text) and turn its character position into a byte
 * offset.
 */
export function describeJsonError (error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : ''
  const positioned = /^([^"]*?) (in|after) JSON at position (\d+)/.exec(message)
  if (positioned) {
    const [, category = '', where, position] = positioned
    return `body is not valid JSON: ${lowerFirst(category)}${where === 'after' ? ' after the value' : ''} at byte ${byteOffset(text, Number(position))}`
  }
  if (message === 'Unexpected end of JSON input') return `body is not valid JSON: unexpected end at byte ${Buffer.byteLength(text)}`
  // "Unexpected token 'x', <quoted body> is not valid JSON": no position, and the rest is body text.
  if (message.startsWith('Unexpected token')) return 'body is not valid JSON: unexpected character'
  return 'body is not valid JSON'
}

function byteOffset (text: string, position: number): number {
  return Buffer.byteLength(text.slice(0, position))
}

function lowerFirst (text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
