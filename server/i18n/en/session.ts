// English: chapter 5, the session page, its notices and refusals, and its story of one view.
import { html } from '../html.ts'
import type { SessionErrorWords } from '../session-errors.ts'

export const session = {
  heading: 'Your session',
  intro: (ttl: string) => html`The signed cookie <code>uc</code> holds a session id; the session itself is a JSON dict stored in memcached under that id, on the node python-memcached's routing picks. Each visit slides its expiry to ${ttl} from now.`,
  changeIt: 'Change it',
  action: 'Action',
  key: 'Key',
  val: 'Val',
  submit: 'Submit',
  dataTitle: 'Session data',
  empty: 'Empty: set a key above.',
  keysOf: (first: string, last: string, total: string) => `Keys ${first}–${last} of ${total}.`,
  tableCaption: 'Keys and values of this session',
  keyCol: 'Key',
  valueCol: 'Value',
  more: (count: string) => `… ${count} more characters: the whole value`,
  pagingLabel: 'Pages of session keys',
  previousKeys: 'Previous keys',
  nextKeys: 'Next keys',
  pageOf: (page: number, pages: number) => `Page ${page} of ${pages}`,
  asStored: 'As stored in memcached',
  nothingStored: 'Stored: nothing yet: the first change stores it',
  onNode: ', on ',
  untilThen: '. Until then no node holds anything for you.',
  nodeTerm: 'Node',
  copiesTerm: 'Copies',
  noneAvailable: 'none available',
  comma: ', ',
  colon: ': ',
  semicolon: '; ',
  home: 'home, where python-memcached puts it',
  second: 'second copy, on the next node of its route chain',
  lagging: 'was behind, rewritten from the current copy',
  current: 'current',
  copyLabel: (label: string, weight: number) => `${label} (weight ${weight})`,
  versionTerm: 'Version',
  versionNote: '(counts the writes; carried in the flag bits above 16, which the Python original ignores)',
  casNone: 'none',
  casChanged: 'Your change was a compare-and-swap on each copy: memcached\'s CAS token before it, and after.',
  casAdded: 'nothing stored (added)',
  casNow: html`memcached's CAS token of each copy, as <code>gets</code> shows it; the next change writes only where it is still this.`,
  valueTerm: 'Value',
  cut: (chars: string, keys: string) => `The first ${chars} characters of the record (${keys} keys): the table above has every key, page by page, and a link to each value it cuts.`,
  endTitle: 'End session',
  endText: 'Deletes this session\'s record from memcached and clears its cookie, as a logout does.',
  endButton: 'End session',
  noSuchValue: 'There is no such key in your session.\n',
  notices: {
    saved: 'Saved.',
    deleted: 'Deleted.',
    unchanged: 'That key already had this value; nothing was written.',
    absent: 'There was no such key, so there was nothing to delete.',
    ended: 'Your session was ended: its record was deleted from memcached and its cookie cleared. A new one is stored when you change something.'
  },
  replaced: {
    expired: 'Your previous session had expired, or the memcached node holding it is unavailable, so a new session was started.',
    'max-age': 'Your previous session reached its maximum lifetime, so a new session was started.'
  },
  refusals: {
    'invalid-form': 'The form must be sent once, as fields action, key and val (application/x-www-form-urlencoded).',
    csrf: 'This form has expired or did not come from this site (CSRF check failed). It is shown again: submit it once more.'
  },
  tooManyChanges: (perMinute: number, unitKiB: number, retry: number) => `Too many changes from your address: ${perMinute} a minute at most (a value over ${unitKiB} KiB counts once per ${unitKiB} KiB). Try again in ${retry} s.`,
  tooManySessions: (perMinute: number, retry: number) => `Too many new sessions from your address: ${perMinute} a minute at most. Keep your cookie, or try again in ${retry} s.`,
  unknownAction: (action: string) => `Unknown action "${action}": use set or del.`,
  chooseAction: 'Choose an action: set or del.',
  emptyKey: 'The key must not be empty.',
  valueRequired: 'A value (val) is required to set a key; it may be empty.',
  /** The session package's refusals: it says them in English itself (server/i18n/session-errors.ts). */
  packageErrors: null as SessionErrorWords | null
}

export const story = {
  title: 'What this view asked memcached',
  nothing: 'Nothing: ',
  nothingStored: 'no session of yours is stored yet, and this port stores one only at your first change (lazy sessions), so a view without one costs memcached nothing.',
  noCommand: 'this view needed no command.',
  caption: 'Memcached commands this page view sent',
  command: 'Command',
  nodeCol: 'Node',
  answer: 'Answer',
  valueBytes: 'Value bytes',
  slides: 'A read also slides the session\'s expiry, in the same round trip; with two copies it asks both nodes at once.',
  original: 'What the Python original sends, every view (4 commands)',
  idle: 'Idle deadline',
  idleText: (ttl: string) => `: ${ttl} after this view; any view moves it on, and past it memcached forgets the session.`,
  size: 'Size',
  sizeText: (bytes: string, limit: string, percent: number) => `${bytes} of the ${limit} a session may hold (${percent}%; a change past it is refused).`,
  end: 'Absolute end',
  endText: ': however often you come back, the session ends then and a new one starts.',
  /** What each of the client's command names does (server/session-story.ts). */
  meanings: {
    gat: 'get and touch: reads it and slides its expiry, one round trip',
    gets: 'gets: reads it with its CAS token',
    get: 'get',
    getMulti: 'get_multi',
    cas: 'cas: writes it if unchanged',
    add: 'add',
    set: 'set',
    touch: 'touch: slides its expiry',
    delete: 'delete'
  } as Record<string, string>,
  answers: { found: 'found', nothing: 'nothing there', done: 'done', noAnswer: (code: string) => `no answer (${code})` },
  /** Why the Python original sends each of its four commands. */
  why: [
    'is the cookie\'s session there? (Session.__init__)',
    'read it again, to write it back',
    'the same record, to slide its expiry 20 minutes on',
    'the JSON the page shows (stored_text)'
  ],
  node: (index: number, address: string) => `node ${index} (${address})`,
  fresh: 'so a new session was started, with nothing in it.',
  listSeparator: '; ',
  maxAge: (hours: string, fresh: string) => `Your previous session reached its maximum lifetime (${hours} after it began, however often you came back), ${fresh}`,
  ended: (fresh: string) => `Your previous session was ended (End session, in another tab), ${fresh}`,
  unreachable: (silent: string, fresh: string) => `Your previous session is out of reach: the memcached node holding it is unavailable${silent ? ` (${silent})` : ''}, ${fresh} The old one may come back with its node, unless it expires first.`,
  gone: (idle: string, fresh: string) => `Your previous session is gone: memcached no longer had it (idle for more than ${idle}, or evicted to make room), ${fresh}`,
  minutes: (n: number) => `${n} minutes`,
  seconds: (n: number) => `${n} seconds`,
  hours: (n: number) => `${n} hours`
}
