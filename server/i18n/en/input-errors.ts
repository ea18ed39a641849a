// English: what the playground's checks say of a form or console line (server/playground/input.ts,
// console-line.ts, commands.ts...). A PlaygroundInputError carries a function of these words, so
// the page says it in its language. Python's own error lines (SyntaxError: ..., TypeError: ...)
// are not here: the console prints them as Python does.
export const inputErrors = {
  enterKey: 'Enter a key.',
  keyTooLong: (bytes: number, max: number) => `The key is ${bytes} bytes; playground keys may have at most ${max} (memcached's 250 less your namespace prefix).`,
  badKey: (reason: string) => `That key cannot be used: ${reason}.`,
  enterValue: 'Enter a value.',
  valueTooBig: (kib: number) => `The value is over ${kib} KiB, the playground's limit.`,
  badTtl: (max: number) => `The TTL must be a whole number of seconds from 0 to ${max} (30 days).`,
  badDelta: 'The amount must be a whole number from 0 to 2^64-1.',
  enterKeys: 'Enter one or more keys, separated by spaces or commas.',
  tooManyKeys: (max: number) => `At most ${max} keys at once.`,
  enterPairs: 'Enter one key=value pair per line.',
  tooManyPairs: (max: number) => `At most ${max} pairs at once.`,
  notPair: (line: string) => `"${line}" is not key=value.`,
  pairsTooBig: (kib: number) => `The values add up to over ${kib} KiB.`,
  concatTooBig: (op: string, bytes: number, kib: number) => `${op} refused: the value would be ${bytes} bytes, over the playground's ${kib} KiB limit.`,
  concatGaveUp: (op: string) => `${op} gave up: the key kept changing while it ran. Run it again.`,
  raceChanged: 'The key changed during the race; run it again.',
  unknownCommand: (op: string) => `Unknown command${op ? ` "${op}"` : ''}.`,
  getsFirst: 'Run gets first: cas needs the token it returned.',
  typeACall: 'Type a call, for example conn.set(\'k\', \'v\', 1).',
  lineTooLong: (kib: number) => `That line is over ${kib} KiB.`,
  multiKeyChars: 'That key cannot be used here: set_multi keys may not contain = or a line break.',
  multiValueBreak: 'In set_multi a value may not contain a line break here.'
}

export type InputWords = typeof inputErrors
