/**
 * PII masking for the dashboard: phone numbers and message text are hidden unless the
 * operator asks (and that is logged). Names and ids stay visible: they are how an
 * operator finds a delivery.
 */
const PHONE_KEY = /phone/i
const CONTENT_KEY = /^(content|message|text|body)$/i

export function maskPhone (phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined) return null
  const digits = phone.replace(/\D/g, '')
  if (digits.length <= 2) return '•'.repeat(phone.length)
  // Keep the last two digits so an operator can tell numbers apart.
  const visible = digits.slice(-2)
  return `${phone.startsWith('+') ? '+' : ''}${'•'.repeat(digits.length - 2)}${visible}`
}

export function maskContent (content: string): string {
  return `[hidden: ${[...content].length} characters]`
}

/** Masks a parsed JSON value by key, at any depth. */
export function maskJson (value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (PHONE_KEY.test(key)) return maskPhone(value)
    if (CONTENT_KEY.test(key)) return maskContent(value)
    return value
  }
  if (Array.isArray(value)) return value.map((item) => maskJson(item, key))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskJson(v, k)]))
  }
  return value
}

/**
 * Masks text that is not valid JSON (a quarantined body): the values of content-like
 * keys, of phone-like keys, and anything shaped like a phone number (a `+` and digits, or 7+ digits in a row).
 */
export function maskText (text: string): string {
  return text
    .replace(/("(?:content|message|text|body)"\s*:\s*)"(?:[^"\\]|\\.)*"?/gi, (_m, prefix: string) => `${prefix}"[hidden]"`)
    .replace(/("[^"]*phone[^"]*"\s*:\s*)"((?:[^"\\]|\\.)*)"?/gi, (_m, prefix: string, phone: string) => `${prefix}"${maskPhone(phone)}"`)
    .replace(/\+\d[\d\s().-]{5,}\d|\d{7,}/g, (match) => match.replace(/\d(?=(?:\D*\d){2})/g, '•'))
}

/** Pretty-prints a raw body, masked unless `reveal`. */
export function showRawBody (raw: string, reveal: boolean): string {
  try {
    const parsed: unknown = JSON.parse(raw)
    return JSON.stringify(reveal ? parsed : maskJson(parsed), null, 2)
  } catch {
    return reveal ? raw : maskText(raw)
  }
}
