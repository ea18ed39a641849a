// The console's line read into a card's fields: the tutorial's syntax, literals only, Python's words for mistakes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseConsoleLine } from '../../server/playground/console-line.ts'

test('the tutorial\'s calls become the fields a card sends', () => {
  assert.deepEqual(parseConsoleLine("conn.set('k', 'v', 1)"), { op: 'set', card: 'console', key: 'k', val: "'v'", ttl: '1' })
  assert.deepEqual(parseConsoleLine("conn.set('number', '9')"), { op: 'set', card: 'console', key: 'number', val: "'9'" }) // '9' stays text
  assert.deepEqual(parseConsoleLine("conn.set('n', 10, time=60)"), { op: 'set', card: 'console', key: 'n', val: '10', ttl: '60' })
  assert.deepEqual(parseConsoleLine("conn.get_multi(['key5','key6'])"), { op: 'get_multi', card: 'console', keys: 'key5 key6' })
  assert.deepEqual(parseConsoleLine("conn.set_multi({'key1':'value1','key2': 2})"), { op: 'set_multi', card: 'console', pairs: "key1='value1'\nkey2=2" })
  assert.deepEqual(parseConsoleLine("conn.incr('number', 10)"), { op: 'incr', card: 'console', key: 'number', delta: '10' })
  assert.deepEqual(parseConsoleLine("conn.append('key5', \"it's after\")"), { op: 'append', card: 'console', key: 'key5', val: "it's after" })
  assert.deepEqual(parseConsoleLine("  gets('n')  "), { op: 'gets', card: 'console', key: 'n' })
  assert.deepEqual(parseConsoleLine("conn.delete_multi(['key3', 'key4'],)"), { op: 'delete_multi', card: 'console', keys: 'key3 key4' })
  assert.deepEqual(parseConsoleLine("conn.set('t', 'a\\tb\\x41')"), { op: 'set', card: 'console', key: 't', val: "'a\tbA'" })
})

test('what it does not read, said as Python would', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /Type a call/],
    ["mc.get('k')", /NameError: name 'mc' is not defined \(the console's client is conn\)/],
    ['conn.flush_all()', /AttributeError: 'Client' object has no attribute 'flush_all'/],
    ["conn.get('k'", /SyntaxError: expected ,/],
    ["conn.get('k) ", /SyntaxError: unterminated string literal/],
    ['conn.get(k)', /TypeError: get\(\) got an unexpected keyword argument 'k'|SyntaxError/],
    ['conn.get()', /TypeError: get\(\) needs 1 argument, got 0/],
    ["conn.get('a', 'b')", /TypeError: get\(\) takes at most 1 arguments/],
    ["conn.get('k'); conn.delete('k')", /SyntaxError: one call per line/],
    ["conn.get_multi('a')", /TypeError: get_multi\(\) takes a list of keys/],
    ["conn.set(1, 'v')", /TypeError: a key must be a str/],
    ["conn.set('k', __import__('os'))", /TypeError: set\(\) got an unexpected keyword argument '__import__'/], // read, never run
    ["conn.set('k', [[['deep']]])", /one level deep/],
    ["conn.incr('n', -1)", /TypeError: the amount must be a whole number/]
  ]
  for (const [line, message] of cases) assert.throws(() => parseConsoleLine(line), message, line)
})
