// Chapter 1 (/start) on real nodes: each node's command line rebuilt from its own stats settings,
// and the tutorial's telnet check against the playground's pool.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, eventually, startCluster } from '../helper.ts'
import { commandLine, rebuildFlags } from '../../server/start/command-line.ts'

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&#34;/g, '"')

test('/start: every node of both pools with its command line, pid and connections from its own stats', async (t) => {
  const sessions = await startCluster(t)
  const playground = await startCluster(t)
  const app = await buildTestApp(t, sessions, { PLAYGROUND_MEMCACHED_SERVERS: playground.serversSetting })
  const response = await app.inject({ url: '/start' })
  assert.equal(response.statusCode, 200)
  const page = text(response.body)
  assert.match(page, /The session cluster[\s\S]*The playground's pool/)
  for (const node of [...sessions.nodes, ...playground.nodes]) {
    // -m in MB as started (8 MB per unit of weight in the tests), the port, the address.
    assert.ok(page.includes(`memcached -m ${node.spec.memoryMb} -l 127.0.0.1 -p ${node.spec.port} -c 1024`), `command line of ${node.spec.port}`)
    assert.match(page, new RegExp(`127\\.0\\.0\\.1:${node.spec.port} · weight ${node.spec.weight}[\\s\\S]*?pid${node.pid}`))
  }
  assert.match(page, /connections\d+ open of 1,024 \(-c\)/)
  // Chapter 1 of the path, numbered, and it ends with the next chapter.
  assert.match(response.body, /<a href="\/start" aria-current="page"><span class="num">1<\/span> Start<\/a>/)
  assert.match(page, /Next: 2\. The client API/)
})

test('/start?check=n: the tutorial\'s telnet session with the playground\'s node n, as text protocol', async (t) => {
  const sessions = await startCluster(t)
  const playground = await startCluster(t)
  const app = await buildTestApp(t, sessions, { PLAYGROUND_MEMCACHED_SERVERS: playground.serversSetting })
  const node = playground.nodes[2]!
  const response = await app.inject({ url: '/start?check=2' })
  assert.equal(response.statusCode, 200)
  const page = text(response.body)
  assert.match(page, new RegExp(`\\$ telnet 127\\.0\\.0\\.1 ${node.spec.port}\\nTrying 127\\.0\\.0\\.1\\.\\.\\.\\nConnected to 127\\.0\\.0\\.1\\.\\nEscape character is '\\^]'\\.\\nversion\\nVERSION 1\\.\\d+\\.\\d+\\nstats\\nSTAT pid ${node.pid}\\n`))
  assert.match(page, new RegExp(`STAT tcpport ${node.spec.port}|STAT limit_maxbytes ${node.spec.memoryMb * 1024 * 1024}`))
  assert.match(page, /\nEND\nquit\nConnection closed by foreign host\./)

  // A stopped node: telnet's own words, not a page error (once the last answer, a second old at most, is gone).
  await node.stop('SIGKILL')
  let down = ''
  await eventually(async () => /Unable to connect/.test(down = text((await app.inject({ url: '/start?check=2' })).body)))
  assert.match(down, /telnet: Unable to connect to remote host: connect ECONNREFUSED/)
  assert.match(down, /node 2 127\.0\.0\.1:\d+ · weight 1\s*Did not answer: connect ECONNREFUSED/)

  const missing = await app.inject({ url: '/start?check=4' })
  assert.equal(missing.statusCode, 404)
  assert.match(text(missing.body), /There is no node 4 here/)
  assert.equal((await app.inject({ url: '/start?check=x' })).statusCode, 400)
})

test('rebuildFlags: the flags a node shows beyond memcached\'s defaults, each from its setting', () => {
  const flags = rebuildFlags({ maxbytes: String(16 * 1024 * 1024), inter: 'NULL', tcpport: '11211', maxconns: '256', udpport: '0', binding_protocol: 'ascii', item_size_max: String(128 * 1024), num_threads: '4', ssl_enabled: 'no' })
  assert.equal(commandLine(flags), 'memcached -m 16 -l 0.0.0.0 -p 11211 -c 256 -B ascii -I 128k')
  assert.deepEqual(flags[0], { flag: '-m', value: '16', from: 'maxbytes 16777216' })
})
