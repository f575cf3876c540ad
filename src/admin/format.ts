import { maskPiiInText } from '../mask-pii-text.ts'

/** Small display helpers the templates receive as `it.fmt`. Output is escaped by eta. */
const CRM_LABELS: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce' }

export const fmt = {
  /** "HubSpot" for hubspot; a CRM without a label shows its registry name. */
  crmLabel (name: string): string {
    return CRM_LABELS[name] ?? name
  },
  time (value: Date | string | null | undefined): string {
    if (value === null || value === undefined) return '—'
    const date = value instanceof Date ? value : new Date(value)
    return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
  },
  excerpt (text: string | null | undefined, max = 140): string {
    if (!text) return ''
    const chars = [...text]
    return chars.length > max ? `${chars.slice(0, max).join('')}…` : text
  },
  /** Stored error text, PII masked (rows from before masking-at-write may hold some). */
  error (text: string | null | undefined, max = 140): string {
    return text ? fmt.excerpt(maskPiiInText(text), max) : ''
  },
  age (seconds: number | null | undefined): string {
    if (seconds === null || seconds === undefined) return '—'
    if (seconds < 60) return `${Math.round(seconds)} s`
    if (seconds < 3600) return `${Math.round(seconds / 60)} min`
    if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`
    return `${(seconds / 86_400).toFixed(1)} d`
  },
  /** A query string from filters, leaving out empty ones. */
  query (params: Record<string, string | number | null | undefined>): string {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== '') search.set(key, String(value))
    }
    const text = search.toString()
    return text ? `?${text}` : ''
  }
}
