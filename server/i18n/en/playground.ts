// English: chapters 2 and 3, the playground (its cards' words are server/playground/cards.ts's own).
import { html } from '../html.ts'
import { CARDS } from '../../playground/cards.ts'

/** Each card's title, lesson and button, by op. */
export const cards: Record<string, { title: string, lesson: string, submit: string }> = Object.fromEntries(CARDS.map((c) => [c.op, { title: c.title, lesson: c.lesson, submit: c.submit }]))
/** Each card field's label and placeholder, by `op.field`. */
export const fields: Record<string, { label: string, placeholder?: string }> = Object.fromEntries(CARDS.flatMap((c) => c.fields.map((f) => [`${c.op}.${f.name}`, { label: f.label, ...(f.placeholder !== undefined ? { placeholder: f.placeholder } : {}) }])))

export const playground = {
  heading: '2. The client API',
  intro: html`Every call the tutorial teaches, in its order, run for real on memcached and answered the way the tutorial's Python session shows it. Values are read like Python literals: <code>10</code> is an integer, <code>'10'</code> or any other text is a string.`,
  limits: (prefix: string, maxKeyBytes: number, maxValueKiB: number, maxMultiKeys: number, ttl: string) => html`Your keys are yours alone: a key you type as <code>k</code> is stored as <code>${prefix}k</code>, a namespace derived from your session (never your session id), so no other visitor sees or changes them, and nothing here can touch a session. Limits: keys up to ${maxKeyBytes} bytes, values up to ${maxValueKiB} KiB (after append and prepend too), ${maxMultiKeys} keys per multi call, and every key expires within ${ttl} (a TTL of 0 means that long here).`,
  tocLabel: 'Tutorial steps',
  console: 'Your console',
  transcriptLabel: 'Console transcript',
  nothingRun: (remembered: number, historyLength: number) => `Nothing run yet${remembered > 0 ? ' (your ' + (remembered === 1 ? 'key is' : remembered + ' keys are') + ' still stored)' : ''}. Type a call below, or run a card: each run is added here, oldest first (the last ${historyLength} are kept), so a sequence such as set → get → expiry → get reads as one session.`,
  refused: 'refused: ',
  refused429: 'refused (HTTP 429), not run: ',
  lineLabel: 'Python line',
  run: 'Run',
  lineHelp: html`One call per line, as the tutorial writes it: <code>conn.set('k', 'v', 1)</code>, <code>conn.get_multi(['a', 'b'])</code>, <code>conn.gets('n')</code> then <code>conn.cas('n', 100)</code>. The same commands and limits as the cards; the calls you ran are offered as you type.`,
  clear: 'Clear the console',
  deleteKeys: (count: number) => `Delete my keys (${count})`,
  clearHelp: (count: number, max: number) => html`Clear empties the console and keeps your keys. Delete my keys runs <code>delete_multi</code> over the ${count === 1 ? 'key' : count + ' keys'} your commands named (the newest ${max} are remembered), in your namespace only.`,
  backToConsole: 'Back to your console',
  showAs: 'Show as',
  wire: 'Wire',
  resultOf: (title: string) => `Result of ${title}`,
  locateTitle: (stored: string) => `Locate ${stored} on the cluster page`,
  timeLeft: (key: string, left: number) => html`Time left for <code>${key}</code>: <strong class="ttl-count">about ${left} s</strong> (when this page was made; memcached counts in whole seconds).`,
  ranOut: (key: string, ago: number) => html`The TTL of <code>${key}</code> has run out${ago >= 1 ? ' ' + ago + ' s ago' : ''}: memcached no longer returns it.`,
  getNow: (key: string) => `Get ${key} now`,
  // What the routes answer (server/routes/playground.ts).
  unavailable: 'The playground\'s memcached is not answering: your console cannot be shown, and commands will fail until it is back.',
  csrf: 'This form has expired or did not come from this site (CSRF check failed). Submit it again.',
  invalidForm: 'Each field may be sent once, as text.',
  tooMany: (perMinute: number, retry: number) => `Too many playground commands from your address: ${perMinute} keys a minute at most. Try again in ${retry} s.`,
  chooseClear: 'Choose what to clear: the console, or your keys.'
}

export const cas = {
  heading: '3. Two clients, gets and cas',
  intro: html`Two clients read the same number and both write it back changed: whoever writes second silently undoes the first one's change. The tutorial's answer is <code>gets</code>, which reads a value with its CAS token (a version number memcached keeps for every item), and <code>cas</code>, which writes only if the item still has that version. The one who comes second is told False and must read again.`,
  tocLabel: 'On this page',
  byHand: 'conn1 and conn2, by hand',
  byHandText: html`The tutorial's <code>s1.py</code> and <code>s2.py</code>, side by side: two clients, each on its own connections, made with <code>memcache.Client([...], cache_cas=True)</code> so that <code>cas</code> sends the token of that client's last <code>gets</code>. Interleave them as the two terminals do:`,
  steps: [
    html`<code>conn1.set('n', 9)</code>`,
    html`<code>conn1.gets('n')</code>, then <code>conn2.gets('n')</code>: both read 9, each with the same token`,
    html`<code>conn1.cas('n', 99)</code>: True, the item is now at a new version`,
    html`<code>conn2.cas('n', 100)</code>: False, its token is out of date; <code>conn2.gets('n')</code> reads 99 and a cas after it works`
  ],
  ran: (client: string) => `What ${client} ran`,
  key: 'Key',
  value: 'Value',
  newValue: (key: string) => html`<span>New value for <code>${key}</code></span>`,
  casAfterGets: 'cas comes after a gets: it sends the token that gets returned.',
  alsoInConsole: html`Every run here is also in <a href="/memcache#console">your console</a>.`
}
