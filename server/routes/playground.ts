// The tutorial's client API, call by call, on real memcached: GET /memcache shows a card per step
// and the visitor's console (their last runs); POST /memcache runs one command in the visitor's
// own namespace, records it in that console and answers 303 back to the card (POST/redirect/GET:
// Back and Reload never resend a command).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { CSRF_FIELD, csrfToken, type Session } from '@memcache-session/fastify'
import { isNodeFailure } from '@memcache-session/client'
import { cardsOn, pageOf, type PlaygroundPage } from '../playground/cards.ts'
import { cardOf, CLIENT_CARDS, runCommand, TTL_DEMO_SECONDS, type CardId, type PlaygroundInput, type Transcript } from '../playground/commands.ts'
import { cleared, emptyHistory, HISTORY_LENGTH, MAX_REMEMBERED_KEYS, loadHistory, recordRun, updateHistory, type History } from '../playground/history.ts'
import { keysNamed, MAX_MULTI_KEYS, MAX_VALUE_BYTES, PlaygroundInputError } from '../playground/input.ts'
import { parseConsoleLine } from '../playground/console-line.ts'
import { MAX_KEY_BYTES, visitorNamespace, type Namespace } from '../playground/namespace.ts'
import { clientBucket, KeyRateLimiter } from '../playground/rate-limit.ts'
import { tsConnect } from '../playground/typescript-lines.ts'
import { guardedSession } from '../plugins/csrf.ts'
import { playgroundClearSchema, playgroundFormSchema } from '../schemas/playground.ts'
import { MESSAGES } from '../i18n/messages.ts'

/** A refusal answered at once (no redirect): nothing ran, nothing was recorded. */
interface Refusal {
  status: number
  card: CardId | null
  message: string
  form: PlaygroundInput
}

export default async function playgroundRoutes (app: FastifyInstance) {
  const { config } = app
  // The playground's own pool when configured (see README), else the session cluster; client B is
  // the tutorial's second terminal, with connections of its own (playground/pool.ts).
  const { a: clientA, b: clientB } = app.playgroundPool!
  // The connect line the transcripts start from, as the tutorial writes it: ['host:port'], or with
  // weights [('host:port', 4), ...].
  const weighted = clientA.nodes.some((n) => n.address.weight !== 1)
  const serverList = `[${clientA.nodes.map((n) => (weighted ? `('${n.label}', ${n.address.weight})` : `'${n.label}'`)).join(', ')}]`
  // The same opening in each view: Python's connect line, our client's constructor, the connections.
  const wireOpening = [`# one connection per node (${clientA.nodes.map((n) => n.label).join(', ')}), speaking ${clientA.protocol === 'binary' ? "memcached's binary protocol: each request named by its opcode" : 'the meta protocol, text lines'}`]
  const opening = (name: string, python: string[]) => ({ python, ts: tsConnect(name, clientA.nodes.map((n) => n.address), clientA.protocol), wire: wireOpening })
  const connect = {
    conn: opening('conn', ['import memcache', `conn = memcache.Client(${serverList})`]),
    conn1: opening('conn1', [`conn1 = memcache.Client(${serverList}, cache_cas=True)`]),
    conn2: opening('conn2', [`conn2 = memcache.Client(${serverList}, cache_cas=True)`])
  }
  const limiter = new KeyRateLimiter(config.playgroundKeysPerMinute)
  const namespaceOf = (session: Session): Namespace => visitorNamespace(config.cookieSecrets[0]!, session.id)

  function render (reply: FastifyReply, page: PlaygroundPage, session: Session, namespace: Namespace, history: History, refusal?: Refusal) {
    reply.code(refusal?.status ?? 200).header('cache-control', 'no-store')
    const last = history.entries.at(-1)
    const forms: History['forms'] = { ...history.forms }
    if (refusal?.card) forms[refusal.card] = refusal.form
    return reply.view(app.templates.page(page === '/cas' ? 'cas.ejs' : 'playground.ejs'), {
      title: page === '/cas' ? 'Two clients, gets and cas' : 'The client API',
      cards: cardsOn(page),
      csrf: csrfToken(config.cookieSecrets, session.id),
      csrfField: CSRF_FIELD,
      pg: {
        connect,
        keyPrefix: namespace.keyPrefix,
        maxKeyBytes: MAX_KEY_BYTES,
        maxValueKiB: MAX_VALUE_BYTES / 1024,
        maxMultiKeys: MAX_MULTI_KEYS,
        maxTtlSeconds: config.playgroundMaxTtlSeconds,
        ttlDemoSeconds: TTL_DEMO_SECONDS,
        history: history.entries,
        calls: consoleCalls(history),
        // The newest run of each card is shown in the card; an input error only while it is the newest run.
        latest: latestPerCard(history),
        ttlDemo: history.demo ?? null,
        historyLength: HISTORY_LENGTH,
        // How many keys "Delete my keys" would delete.
        rememberedKeys: history.keys.length,
        maxRememberedKeys: MAX_REMEMBERED_KEYS,
        flash: refusal ? { card: refusal.card, message: refusal.message, status: refusal.status } : (last?.error ?? null),
        forms,
        // Chapter 3's two clients: each one's own runs, and the token its newest gets returned.
        clients: page === '/cas' ? CLIENT_CARDS.map((id) => clientPanel(history, id)) : [],
        now: Date.now()
      }
    })
  }

  /** The console, or an empty one with a notice when the playground's memcached does not answer. */
  async function historyOrNotice (namespace: Namespace): Promise<{ history: History, unavailable: boolean }> {
    try {
      return { history: await loadHistory(clientA, namespace.historyKey), unavailable: false }
    } catch (error) {
      if (!isNodeFailure(error)) throw error
      return { history: emptyHistory(), unavailable: true }
    }
  }

  async function showPage (page: PlaygroundPage, request: FastifyRequest, reply: FastifyReply) {
    const { session } = await app.sessions.open(request, reply)
    const namespace = namespaceOf(session)
    const { history, unavailable } = await historyOrNotice(namespace)
    return render(reply, page, session, namespace, history, unavailable ? { status: 200, card: null, message: MESSAGES[request.language].playground.unavailable, form: {} } : undefined)
  }
  app.get('/memcache', function showPlayground (request, reply) { return showPage('/memcache', request, reply) })
  app.get('/cas', function showCas (request, reply) { return showPage('/cas', request, reply) })

  const formGuard = app.formGuard(async (request, reply, { session }, { reason, form }) => {
    const namespace = namespaceOf(session)
    const { history } = await historyOrNotice(namespace)
    // The console's clean-up buttons answer in the console.
    const card = form?.what !== undefined ? 'console' : cardOf(form ?? {})
    const words = MESSAGES[request.language].playground
    return reason === 'csrf'
      ? render(reply, pageOf(card), session, namespace, history, { status: 403, card, message: words.csrf, form: form?.what !== undefined ? {} : form ?? {} })
      : render(reply, pageOf(card), session, namespace, history, { status: 400, card: null, message: words.invalidForm, form: {} })
  })

  app.withTypeProvider<TypeBoxTypeProvider>().post('/memcache', { schema: playgroundFormSchema, attachValidation: true, preHandler: formGuard }, async function runPlayground (request, reply) {
    const { session } = guardedSession(request)
    const namespace = namespaceOf(session)
    let form: PlaygroundInput = request.body
    // The console's line is read into the fields a card sends, then runs as they do.
    let unreadable: string | null = null
    if (form.line !== undefined) {
      try {
        form = { ...parseConsoleLine(form.line), line: form.line }
        if (form.op === 'cas') form.token = consoleToken((await historyOrNotice(namespace)).history, form.key)
      } catch (error) {
        if (!(error instanceof PlaygroundInputError)) throw error
        unreadable = error.in(MESSAGES[request.language].inputErrors)
        form = { card: 'console', line: form.line }
      }
    }
    const card = unreadable === null ? cardOf(form) : 'console'
    const refuse = async (refusal: Refusal) => render(reply, pageOf(card), session, namespace, (await historyOrNotice(namespace)).history, refusal)
    const rate = limiter.take(clientBucket(request.ip), keysNamed(form.op, form))
    if (!rate.allowed) {
      reply.header('retry-after', String(rate.retryAfterSeconds))
      return refuse({ status: 429, card, message: MESSAGES[request.language].playground.tooMany(config.playgroundKeysPerMinute, rate.retryAfterSeconds), form })
    }

    let entry
    try {
      if (unreadable !== null) throw new PlaygroundInputError(unreadable)
      entry = { at: Date.now(), transcript: await runCommand({ a: clientA, b: clientB, namespace, maxTtlSeconds: config.playgroundMaxTtlSeconds }, form) }
    } catch (error) {
      if (!(error instanceof PlaygroundInputError)) throw error
      // An unknown op has no card: its message goes at the top of the page.
      entry = { at: Date.now(), error: { card, message: error.in(MESSAGES[request.language].inputErrors), ...(error.field ? { field: error.field } : {}) } }
    }
    await recordRun(clientA, namespace.historyKey, config.playgroundMaxTtlSeconds, entry, form)
    const shownIn = entry.transcript?.card ?? entry.error?.card ?? 'console'
    const anchor = shownIn === 'console' ? 'console' : shownIn
    return reply.header('cache-control', 'no-store').redirect(`${pageOf(entry.transcript?.card ?? entry.error?.card ?? null)}#${anchor}`, 303)
  })

  // The console's clean-up, through the same guard (CSRF) and rate limit as a command: "Clear"
  // empties the console and keeps the keys; "Delete my keys" runs delete_multi over every key the
  // visitor's commands named (history.ts remembers them), in their namespace only, each batch shown
  // in the console as the run it is.
  app.withTypeProvider<TypeBoxTypeProvider>().post('/memcache/clear', { schema: playgroundClearSchema, attachValidation: true, preHandler: formGuard }, async function clearPlayground (request, reply) {
    const { session } = guardedSession(request)
    const namespace = namespaceOf(session)
    const { what } = request.body
    const { history } = await historyOrNotice(namespace)
    const refuse = (refusal: Refusal) => render(reply, '/memcache', session, namespace, history, refusal)
    const words = MESSAGES[request.language].playground
    if (what !== 'console' && what !== 'keys') return refuse({ status: 400, card: 'console', message: words.chooseClear, form: {} })
    const rate = limiter.take(clientBucket(request.ip), what === 'keys' ? Math.max(1, history.keys.length) : 1)
    if (!rate.allowed) {
      reply.header('retry-after', String(rate.retryAfterSeconds))
      return refuse({ status: 429, card: 'console', message: words.tooMany(config.playgroundKeysPerMinute, rate.retryAfterSeconds), form: {} })
    }
    const ttl = config.playgroundMaxTtlSeconds
    if (what === 'console') {
      await updateHistory(clientA, namespace.historyKey, ttl, cleared)
    } else {
      const keys = history.keys
      for (let i = 0; i < keys.length; i += MAX_MULTI_KEYS) {
        const batch = keys.slice(i, i + MAX_MULTI_KEYS)
        const transcript = await runCommand({ a: clientA, b: clientB, namespace, maxTtlSeconds: ttl }, { op: 'delete_multi', card: 'console' }, batch)
        await recordRun(clientA, namespace.historyKey, ttl, { at: Date.now(), transcript }, { card: 'console' })
      }
      // Forgotten only once deleted: a batch that failed (a node down) left its keys remembered.
      await updateHistory(clientA, namespace.historyKey, ttl, (h) => ({ ...h, keys: h.keys.filter((k) => !keys.includes(k)) }))
    }
    return reply.header('cache-control', 'no-store').redirect('/memcache#console', 303)
  })
}

function latestPerCard (history: History) {
  const latest: Partial<Record<CardId, NonNullable<History['entries'][number]['transcript']>>> = {}
  for (const entry of history.entries) if (entry.transcript) latest[entry.transcript.card] = entry.transcript
  return latest
}

/** One of chapter 3's clients: its last runs, oldest first, and what its cas form sends back. */
function clientPanel (history: History, id: CardId) {
  const runs = history.entries.flatMap((e) => (e.transcript?.card === id ? [e.transcript] : [])).slice(-6)
  const gets = runs.findLast((t: Transcript) => t.op === 'gets')
  return { id, runs, token: gets?.token ?? null, key: gets?.key ?? null }
}

/** The token of the console's newest gets of `key`: python-memcached's cache_cas, kept in the console. */
function consoleToken (history: History, key: string | undefined): string | undefined {
  return history.entries.findLast((e) => e.transcript?.card === 'console' && e.transcript.op === 'gets' && e.transcript.key === key)?.transcript?.token
}

/** Every call the console has run, newest first, once each: the input line's history (a datalist). */
function consoleCalls (history: History): string[] {
  // Short calls only: a 60 KiB set is no line to run again by picking it, and would weigh on every page.
  const calls = history.entries.flatMap((e) => e.transcript?.lines.map((l) => l.call) ?? []).filter((c) => c.startsWith('conn.') && c.length <= 200)
  return [...new Set(calls.reverse())]
}
