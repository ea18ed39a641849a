// A strict application/x-www-form-urlencoded parser for @fastify/formbody. The default one
// (fast-querystring) keeps malformed percent-escapes as literal text, so "%E0%A4%A" would be
// stored as a key; here it is a 400. Repeated names become arrays, which the route schemas refuse.

export class FormEncodingError extends Error {
  override name = 'FormEncodingError'
  readonly statusCode = 400
}

export function parseForm (body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null)
  if (body === '') return fields
  for (const pair of body.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decode(eq === -1 ? pair : pair.slice(0, eq))
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1))
    const existing = fields[name]
    if (existing === undefined) fields[name] = value
    else if (Array.isArray(existing)) existing.push(value)
    else fields[name] = [existing, value]
  }
  return fields
}

function decode (text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text // most fields: nothing to decode
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    throw new FormEncodingError('The form is not valid URL encoding (a malformed %-escape).')
  }
}
