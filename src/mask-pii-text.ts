/**
 * Masks personal data inside free text we did not write — a CRM's error message can echo
 * the phone number, email or message we submitted — before it is stored, logged or shown.
 * Two passes:
 * - the values CRMs quote in their validation messages (HubSpot: `"message":"<value> is not
 *   a valid number…"`, `"<value> was not one of the allowed options…"`; Salesforce: `data value
 *   too large: <value> (max length=…)`, `invalid email address: <value>`, `bad value for
 *   restricted picklist field: <value>`) become `[hidden]`;
 * - anything shaped like an email address, a phone number or a run of 7+ digits is masked
 *   as the dashboard masks phone numbers (the last two digits stay, so two can be told apart).
 */
const HUBSPOT_ECHO = /("(?:message|localizedErrorMessage)":")((?:[^"\\]|\\.)*?)( (?:is|was) not (?:a valid|one of))/g
const SALESFORCE_TOO_LARGE = /(data value too large: )(.*?)( \(max length=\d+\))/gs
const SALESFORCE_ECHO = /((?:invalid email address|bad value for restricted picklist field): )(.*?)($|(?=["\]}]))/gm
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,})\b/g
const PHONE_OR_DIGITS = /\+\d[\d\s().-]{5,}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\d{7,}/g

export function maskPiiInText (text: string): string {
  return text
    .replace(HUBSPOT_ECHO, (_match, before: string, _value: string, after: string) => `${before}[hidden]${after}`)
    .replace(SALESFORCE_TOO_LARGE, (_match, before: string, _value: string, after: string) => `${before}[hidden]${after}`)
    .replace(SALESFORCE_ECHO, (_match, before: string, _value: string, after: string) => `${before}[hidden]${after}`)
    .replace(EMAIL, (_match, first: string, tld: string) => `${first}•••@•••.${tld}`)
    .replace(PHONE_OR_DIGITS, (match) => match.replace(/\d(?=(?:\D*\d){2})/g, '•'))
}
