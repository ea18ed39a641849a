// The packages as someone else installs them: both packed (scripts/pack-packages.ts: built
// .js and .d.ts, manifests pointing at dist), installed from their tarballs into an empty project
// with fastify from the registry, and a plain JavaScript app (consumer-app.mjs)
// run on them against four real memcached nodes: a page view, writes with CAS, a node stopped and
// the session still served from its copy, under every Node line found (runtimes.ts: this one, and
// Node 22 or 24 from .ci, which scripts/test.sh fetches); and a TypeScript file type-checked against
// their .d.ts. Takes about a minute (npm's cache makes installs fast).
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { packPackages } from '../../scripts/pack-packages.ts'
import { startCluster } from '../support/nodes.ts'
import { consumerRuntimes, REQUIRED_MAJORS, type Runtime } from './runtimes.ts'

const root = new URL('../../', import.meta.url)
const rootManifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { dependencies: Record<string, string> }

function npm (args: string[], cwd: string): void {
  const cli = process.env.npm_execpath
  const [command, prefix] = cli && cli.endsWith('.js') ? [process.execPath, [cli]] : ['npm', []]
  execFileSync(command, [...prefix, ...args], { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, npm_config_update_notifier: 'false' } })
}

interface View { stored: boolean, nodes: number[], data: Record<string, string> }

test('a plain JavaScript app on the packed packages: a page view, writes with CAS, a node stopped and the session still served', { timeout: 300_000 }, async (t) => {
  const project = mkdtempSync(join(tmpdir(), 'memcache-session-consumer-'))
  t.after(() => rmSync(project, { recursive: true, force: true }))
  const started = Date.now()
  const tarballs = packPackages(join(project, 'tarballs'))
  const packed = Date.now()
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  const fromRegistry = ['fastify'].map((name) => `${name}@${rootManifest.dependencies[name]}`)
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, ...fromRegistry], project)
  const installed = Date.now()
  copyFileSync(new URL('test/packages/consumer-app.mjs', root), join(project, 'app.mjs'))
  // Node strips no types under node_modules: the app runs only if the packages ship JavaScript.
  const installedManifest = JSON.parse(readFileSync(join(project, 'node_modules/@memcache-session/client/package.json'), 'utf8'))
  assert.equal(installedManifest.exports['.'].default, './dist/index.js')
  // The .d.ts type-check as a TypeScript user compiles them: strict, without skipLibCheck.
  copyFileSync(new URL('test/packages/consumer-types.ts', root), join(project, 'consumer-types.ts'))
  const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root))
  execFileSync(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node',
    '--typeRoots', fileURLToPath(new URL('node_modules/@types', root)), 'consumer-types.ts'], { cwd: project, stdio: ['ignore', 'inherit', 'inherit'] })

  const installedAt = Date.now()
  const runtimes = consumerRuntimes()
  for (const runtime of runtimes) {
    await t.test(`the app on Node ${runtime.version}`, (t) => runApp(t, project, runtime))
  }
  for (const major of REQUIRED_MAJORS.filter((major) => !runtimes.some((r) => r.major === major))) {
    await t.test(`the app on Node ${major}`, { skip: `no Node ${major} here (scripts/test.sh fetches it into .ci/.node${major}; or name one in CONSUMER_NODES)` }, () => {})
  }
  t.diagnostic(`pack ${((packed - started) / 1000).toFixed(1)} s, install ${((installed - packed) / 1000).toFixed(1)} s, app runs ${((Date.now() - installedAt) / 1000).toFixed(1)} s`)
})

/** The scenario: a page view, writes with CAS, a node stopped and the session still served. */
async function runApp (t: TestContext, project: string, runtime: Runtime): Promise<void> {
  const started = Date.now()
  const cluster = await startCluster(t, [4, 3, 1, 2], 'meta')
  const app = spawn(runtime.path, ['app.mjs'], { cwd: project, env: { ...process.env, SERVERS: JSON.stringify(cluster.servers) }, stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => { app.kill('SIGKILL') })
  const [line] = await Promise.race([
    once(createInterface({ input: app.stdout! }), 'line') as Promise<[string]>,
    once(app, 'exit').then(([code]) => { throw new Error(`the consumer app exited (${code})`) })
  ])
  const ready = JSON.parse(line) as { port: number, node: string }
  assert.equal(ready.node, runtime.version, 'the app runs on the Node it was started with')
  const base = `http://127.0.0.1:${ready.port}`

  let cookie = ''
  const visit = async (path: string, method = 'GET'): Promise<View> => {
    const response = await fetch(`${base}${path}`, { method, headers: cookie ? { cookie } : {} })
    assert.equal(response.status, 200, `${method} ${path}: ${await response.clone().text()}`)
    const set = response.headers.get('set-cookie')
    if (set) cookie = set.split(';')[0]!
    return await response.json() as View
  }

  const first = await visit('/')
  assert.equal(first.stored, false, 'a first visit stores nothing (lazy session)')
  assert.match(cookie, /^sid=/)
  await visit('/set?key=name&value=Ada', 'POST')
  // Concurrent writes to one session: each is a compare-and-swap, retried when another came first.
  await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => visit(`/set?key=${key}&value=${key}`, 'POST')))
  const view = await visit('/')
  assert.deepEqual(view.data, { name: 'Ada', a: 'a', b: 'b', c: 'c', d: 'd', e: 'e' })
  assert.equal(view.stored, true)

  const [home, copy] = view.nodes
  assert.notEqual(home, copy, 'two copies, on two nodes')
  await cluster.nodes[home!]!.stop('SIGKILL')
  const afterStop = await visit('/')
  assert.deepEqual(afterStop.data, view.data, `served from the copy on node ${copy} with node ${home} stopped`)
  t.diagnostic(`Node ${runtime.version}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
