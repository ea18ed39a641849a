// The playground's cards, in the tutorial's order (set and get, then its second example, a TTL of a
// second, then add, replace...): what each teaches and which fields it asks for.
import { TTL_DEMO_SECONDS, type CardId, type Op } from './commands.ts'

export interface Field {
  name: 'key' | 'val' | 'ttl' | 'keys' | 'pairs' | 'delta'
  label: string
  kind?: 'textarea'
  placeholder?: string
  inputmode?: 'numeric'
}

/** The chapters the cards are on: 2, the client API, and 3, two clients with gets and cas. */
export type PlaygroundPage = '/memcache' | '/cas'

export interface Card {
  op: Op
  page: PlaygroundPage
  title: string
  lesson: string
  fields: Field[]
  submit: string
}

const key: Field = { name: 'key', label: 'Key', placeholder: 'k' }
const val: Field = { name: 'val', label: 'Value', placeholder: "'v' or 10" }
const ttl: Field = { name: 'ttl', label: 'TTL (seconds, optional)', inputmode: 'numeric', placeholder: '0 = no expiry' }

export const CARDS: Card[] = [
  { op: 'set', page: '/memcache', title: 'set', lesson: 'Stores a value under a key, replacing any old one. An optional TTL makes it expire.', fields: [key, val, ttl], submit: 'Run set' },
  { op: 'get', page: '/memcache', title: 'get', lesson: 'Reads a key: the value, or None when it is missing or expired.', fields: [key], submit: 'Run get' },
  { op: 'ttl_demo', page: '/memcache', title: 'Expiry', lesson: `Sets a key with a ${TTL_DEMO_SECONDS}-second TTL and reads it back at once. The card then shows the time left; get it again once it has run out: it is gone.`, fields: [{ ...key, placeholder: 'temp' }, val], submit: `Set with a ${TTL_DEMO_SECONDS} s TTL` },
  { op: 'add', page: '/memcache', title: 'add', lesson: 'Stores only if the key does not exist yet; False otherwise.', fields: [key, val], submit: 'Run add' },
  { op: 'replace', page: '/memcache', title: 'replace', lesson: 'Stores only if the key already exists; False otherwise.', fields: [key, val], submit: 'Run replace' },
  { op: 'set_multi', page: '/memcache', title: 'set_multi', lesson: 'Stores many keys in one round trip per node. Returns the keys that failed: [] when all were stored.', fields: [{ name: 'pairs', label: 'key=value, one per line', kind: 'textarea', placeholder: 'k1=v1\nk2=10' }], submit: 'Run set_multi' },
  { op: 'get_multi', page: '/memcache', title: 'get_multi', lesson: 'Reads many keys at once; missing keys are left out of the dict.', fields: [{ name: 'keys', label: 'Keys (space or comma separated)', placeholder: 'k1 k2 k3' }], submit: 'Run get_multi' },
  { op: 'delete', page: '/memcache', title: 'delete', lesson: 'Removes a key.', fields: [key], submit: 'Run delete' },
  { op: 'delete_multi', page: '/memcache', title: 'delete_multi', lesson: 'Removes many keys at once.', fields: [{ name: 'keys', label: 'Keys (space or comma separated)', placeholder: 'k1 k2' }], submit: 'Run delete_multi' },
  { op: 'append', page: '/memcache', title: 'append', lesson: 'Adds text after the stored value; False when the key is missing.', fields: [key, { name: 'val', label: 'Text' }], submit: 'Run append' },
  { op: 'prepend', page: '/memcache', title: 'prepend', lesson: 'Adds text before the stored value; False when the key is missing.', fields: [key, { name: 'val', label: 'Text' }], submit: 'Run prepend' },
  { op: 'incr', page: '/memcache', title: 'incr', lesson: 'Adds to a number stored as a key; None when the key is missing.', fields: [key, { name: 'delta', label: 'By (default 1)', inputmode: 'numeric' }], submit: 'Run incr' },
  { op: 'decr', page: '/memcache', title: 'decr', lesson: 'Subtracts from a number; memcached never goes below 0.', fields: [key, { name: 'delta', label: 'By (default 1)', inputmode: 'numeric' }], submit: 'Run decr' },
  { op: 'cas_race', page: '/cas', title: 'Two clients, one CAS', lesson: 'The summary of the lesson above, in one click: conn1 and conn2 both read the number and both write it plus one. conn1\'s cas stores; conn2\'s is refused because the key changed, so conn2 reads again and retries: no increment is lost.', fields: [{ ...key, placeholder: 'n' }], submit: 'Run the race' }
]

/** The chapter page that shows a card (the two clients are chapter 3's; an unknown card: the client API's). */
export function pageOf (card: CardId | null): PlaygroundPage {
  if (card === 'conn1' || card === 'conn2') return '/cas'
  return CARDS.find((c) => c.op === card)?.page ?? '/memcache'
}

export function cardsOn (page: PlaygroundPage): Card[] {
  return CARDS.filter((c) => c.page === page)
}
