// `docker compose up` for real (npm run test:compose, which sets up the engine: see
// scripts/test-compose.sh): the project's own docker-compose.yml and Dockerfile, unchanged, built
// and started; every service healthy, none as root; then, through port 9999 as a user reaches it,
// a session write on the node python-memcached picks (its copy on the next node of the chain), a
// playground command, /readyz, /metrics from inside the network; the session's home node stopped and started under the live
// session; every container stopping on its signal, and nothing left after `docker compose down`.
// Every step is bounded in time and says what it waited for.
// Not a *.test.ts file: `npm test` runs without a container engine.
import { after, before, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { compose, containers, imageSize, networks, waitFor, type Container } from './engine.ts'
import { csrfToken, sessionTable, unescapeHtml } from '../helper.ts'

const PROJECT = process.env.COMPOSE_CHECK_PROJECT ?? 'memcache-session-check'
const BASE = 'http://127.0.0.1:9999'
const MINUTE = 60_000
const answered = { ok: 0, total: 0 }

const up = (cs: Container[]) => cs.filter((c) => c.running)
const describe = (cs: Container[]) => cs.map((c) => `${c.service}: ${c.running ? 'running' : `exited ${c.exitCode}`}, health ${c.health}`).join('; ') || 'no containers'
const explainContainers = async () => `Containers: ${describe(await containers(PROJECT))}. Logs:\n${await compose(PROJECT, ['logs', '--tail', '20'], MINUTE).catch((e: Error) => e.message)}`
const allHealthy = async (count: number) => {
  const cs = await containers(PROJECT)
  return cs.length === count && cs.every((c) => c.running && c.health === 'healthy')
}

/** fetch, counted; `expected` is the status the step needs. */
async function call (path: string, init: RequestInit = {}, expected = 200): Promise<Response> {
  answered.total++
  const response = await fetch(BASE + path, { redirect: 'manual', ...init, signal: AbortSignal.timeout(10_000) })
  if (response.status === expected) answered.ok++
  return response
}

class Visitor {
  cookie = ''
  csrf = ''
  async page (path: string): Promise<string> {
    const response = await call(path, { headers: { cookie: this.cookie } })
    this.keep(response)
    const html = await response.text()
    assert.equal(response.status, 200, `GET ${path}: ${response.status}`)
    this.csrf = csrfToken(html, { optional: true }) ?? this.csrf
    return html
  }

  /** POSTs a form (after a page gave the CSRF token); follows the 303; the page it lands on. */
  async submit (path: string, form: Record<string, string>): Promise<string> {
    const response = await call(path, {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, ...form })
    }, 303)
    this.keep(response)
    await response.arrayBuffer()
    assert.equal(response.status, 303, `POST ${path}: ${response.status}`)
    return this.page(response.headers.get('location')!)
  }

  get sessionId (): string { return decodeURIComponent(this.cookie.slice('uc='.length)).slice(0, 32) }
  private keep (response: Response) {
    const set = response.headers.getSetCookie().find((c) => c.startsWith('uc='))
    if (set) this.cookie = set.split(';')[0]!
  }
}

/** What memcached in service `service` answers to `get key`, asked from inside its container. */
const getOnNode = (service: string, key: string) =>
  compose(PROJECT, ['exec', '-T', service, 'sh', '-c', `printf 'get ${key}\\r\\nquit\\r\\n' | nc -w 2 127.0.0.1 11211`], MINUTE)
const statOnNode = async (service: string, stat: string) =>
  Number(/STAT (\S+) (\d+)/.exec((await compose(PROJECT, ['exec', '-T', service, 'sh', '-c', "printf 'stats\\r\\nquit\\r\\n' | nc -w 2 127.0.0.1 11211"], MINUTE))
    .split('\n').find((l) => l.startsWith(`STAT ${stat} `)) ?? '')?.[2] ?? NaN)

const readyz = async () => await (await call('/readyz')).json() as { up: number, total: number }

/** The memcached server list the app was started with, as in docker-compose.yml. */
let servers: Array<{ host: string, port: number, weight: number }> = []
let total = 0
let replicas = 1
/** The session's route chain, python-memcached's pick first. */
let chain: string[] = []
const visitor = new Visitor()

before(async () => {
  // Leftovers of an earlier, interrupted run would make this one lie.
  await compose(PROJECT, ['down', '--remove-orphans', '--volumes'], 2 * MINUTE)
})

after(async () => {
  // A failed step must not leave the stack running (the last test checks a clean `down`).
  if ((await containers(PROJECT)).length > 0) await compose(PROJECT, ['down', '--remove-orphans', '--volumes'], 2 * MINUTE)
  console.log(`# requests answered as expected: ${answered.ok} of ${answered.total}`)
})

test('the images build from the project\'s Dockerfile', async (t: TestContext) => {
  const started = Date.now()
  await compose(PROJECT, ['build'], 20 * MINUTE)
  t.diagnostic(`build: ${((Date.now() - started) / 1000).toFixed(0)} s`)
})

test('docker compose up: every service turns healthy', async (t: TestContext) => {
  const started = Date.now()
  await compose(PROJECT, ['up', '-d'], 5 * MINUTE)
  total = (await compose(PROJECT, ['config', '--services'], MINUTE)).trim().split('\n').length
  await waitFor(`all ${total} services healthy`, () => allHealthy(total), 3 * MINUTE, explainContainers)
  t.diagnostic(`time to healthy (up -d to every service healthy): ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const all = await containers(PROJECT)
  // Nothing runs as root: the app as the image's `node`, memcached as `memcache`.
  for (const c of all) assert.equal(c.user, c.service === 'app' ? 'node' : 'memcache', `${c.service} runs as ${c.user || 'root'}`)
  const app = all.find((c) => c.service === 'app')!
  t.diagnostic(`app image: ${(await imageSize(app.image) / 1e6).toFixed(0)} MB`)
  const setting = app.env.find((e) => e.startsWith('MEMCACHED_SERVERS='))!.slice('MEMCACHED_SERVERS='.length)
  replicas = Number(app.env.find((e) => e.startsWith('SESSION_REPLICAS='))?.slice('SESSION_REPLICAS='.length) ?? 1)
  servers = setting.split(',').map((s) => {
    const [host, port, weight] = s.split(':')
    return { host: host!, port: Number(port), weight: Number(weight ?? 1) }
  })
})

test('a session write lands on the node python-memcached picks, its copy on the next node of the chain', async (t: TestContext) => {
  await visitor.page('/')
  const html = await visitor.submit('/', { action: 'set', key: 'name', val: 'Ada' })
  assert.equal(sessionTable(html).name, 'Ada')
  // The real python-memcached routes the id over the app's own server list: its _get_server, with
  // every connection refused, tries the id's home and then each re-hash step; that is the chain.
  chain = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys, memcache
servers = json.loads(sys.argv[1])
c = memcache.Client([('%s:%d' % (s['host'], s['port']), s['weight']) for s in servers])
tried = []
def refuse(host):
    tried.append(host.ip)
    return 0
memcache._Host.connect = refuse
c._get_server(sys.argv[2].encode())
print(json.dumps(list(dict.fromkeys(tried))))`, JSON.stringify(servers), visitor.sessionId], { encoding: 'utf8' })) as string[]
  t.diagnostic(`the session id's route chain: ${chain.join(' → ')}`)
  // SESSION_REPLICAS (default 1): the copies beyond the first, on the next nodes of the chain.
  const holders = chain.slice(0, 1 + replicas)
  for (const { host } of servers) {
    const answer = await getOnNode(host, visitor.sessionId)
    const role = host === chain[0] ? "python-memcached's pick" : 'the next node of the chain'
    if (holders.includes(host)) assert.match(answer, /^VALUE [0-9a-f]{32} \d+ \d+\r\n.*"name":"Ada"/s, `${host} (${role}) holds the session`)
    else assert.equal(answer.trim(), 'END', `${host} holds no copy`)
  }
})

/** The playground's own pool in docker-compose.yml: four nodes, weighted 4, 3, 1, 2. */
const PLAYGROUND_NODES = ['memcached-playground-1', 'memcached-playground-2', 'memcached-playground-3', 'memcached-playground-4']
const playgroundItems = async () => (await Promise.all(PLAYGROUND_NODES.map((service) => statOnNode(service, 'curr_items')))).reduce((sum, n) => sum + n, 0)

test('the playground runs a command on its own nodes', async () => {
  await visitor.page('/memcache')
  const before = await playgroundItems()
  const page = await visitor.submit('/memcache', { op: 'set', key: 'lesson', val: "'one'" })
  const transcript = unescapeHtml(/<section class="card console"[^]*?<\/section>/.exec(page)?.[0].replace(/<[^>]+>/g, '') ?? 'no console on the page')
  assert.ok(transcript.includes(">>> conn.set('lesson', 'one')\nTrue"), `the console shows the call and its answer; it shows: ${transcript.replace(/\s+/g, ' ')}`)
  // The key, and the console's history kept beside the visitor's keys: on the playground's nodes.
  const items = await playgroundItems()
  assert.ok(items > before, `the playground's nodes hold ${items} items, ${before} before the command`)
})

test('/readyz sees every node', async () => {
  const ready = await readyz()
  assert.deepEqual({ up: ready.up, total: ready.total }, { up: servers.length, total: servers.length })
})

test('/metrics answers inside the network (app:9464), not on the public port, and names no session', async () => {
  assert.equal((await call('/metrics', {}, 404)).status, 404)
  const text = await compose(PROJECT, ['exec', '-T', 'app', 'node', '-e', "fetch('http://127.0.0.1:9464/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))"], MINUTE)
  const nodesUp = text.split('\n').filter((line) => line.startsWith('memcached_node_up{pool="sessions"'))
  assert.equal(nodesUp.length, servers.length, text.slice(0, 2000))
  assert.ok(nodesUp.every((line) => line.endsWith(' 1')), nodesUp.join('\n'))
  assert.match(text, /^session_writes_total\{kind="created"\} [1-9]/m)
  assert.ok(!text.includes(visitor.sessionId), 'a session id in /metrics')
})

test('the session\'s home node stopped and started again: the app keeps serving', async (t: TestContext) => {
  assert.ok(chain.length > 0, 'the session and its route chain come from the step before, which failed')
  const node = chain[0]!
  await compose(PROJECT, ['stop', node], MINUTE)
  const stopped = (await containers(PROJECT)).find((c) => c.service === node)!
  assert.equal(stopped.running, false)
  t.diagnostic(`${node} stopped: exit code ${stopped.exitCode}`)
  assert.notEqual(stopped.exitCode, 137, `${node} ignored SIGTERM and was killed`)
  // /readyz answers from the app's node health, which its heartbeat renews every second (server/routes/health.ts).
  await waitFor('/readyz with one node down', async () => (await readyz()).up === servers.length - 1, 30_000, async () => JSON.stringify(await readyz()))
  for (let i = 0; i < 50; i++) await visitor.page('/')
  // With a copy on the next node of the chain, losing the home node loses nothing.
  if (replicas > 0) assert.equal(sessionTable(await visitor.page('/')).name, 'Ada', 'the session survives its home node')
  assert.equal(sessionTable(await visitor.submit('/', { action: 'set', key: 'during', val: 'outage' })).during, 'outage')

  await compose(PROJECT, ['start', node], MINUTE)
  await waitFor(`${node} healthy again`, () => allHealthy(total), 2 * MINUTE, explainContainers)
  await waitFor('/readyz with every node', async () => (await readyz()).up === servers.length, MINUTE, async () => JSON.stringify(await readyz()))
  for (let i = 0; i < 50; i++) await visitor.page('/')
})

test('page views keep being answered', async () => {
  for (let i = 0; i < 200; i++) await visitor.page(i % 2 ? '/' : '/cluster')
  assert.equal(answered.ok, answered.total, 'every request got the status its step expects')
})

test('every container stops on its signal; docker compose down leaves nothing', async (t: TestContext) => {
  const started = Date.now()
  await compose(PROJECT, ['stop'], 2 * MINUTE)
  t.diagnostic(`docker compose stop: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const cs = await containers(PROJECT)
  assert.equal(up(cs).length, 0, describe(cs))
  t.diagnostic(`exit codes: ${cs.map((c) => `${c.service} ${c.exitCode}`).join(', ')}`)
  for (const c of cs) assert.notEqual(c.exitCode, 137, `${c.service} ignored SIGTERM and was killed`)
  await compose(PROJECT, ['down', '--remove-orphans', '--volumes'], 2 * MINUTE)
  assert.deepEqual(await containers(PROJECT), [])
  assert.deepEqual(await networks(PROJECT), [])
})
