// Messages that carry markup (a <code> in a sentence) are written as html`…`: the text around the
// values is the message's own, trusted; every value put into it is escaped as EJS's <%= %> does,
// so a message function can take a key a visitor typed. Templates print the result with <%- %>.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' }

export function escapeHtml (value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

/** Markup already escaped (a message, or a value inside one): html`` leaves it as it is. */
export class Html {
  readonly text: string
  constructor (text: string) { this.text = text }
  toString (): string { return this.text }
}

export function html (strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    out += (value instanceof Html ? value.text : escapeHtml(value)) + strings[i + 1]!
  }
  return new Html(out)
}
