// express-session with the connect-memcached store on Express 5: the most common Node answer.
// Settings: resave false and rolling false (the store's touch slides the expiry), saveUninitialized false.
import express from 'express'
import session from 'express-session'
import connectMemcached from 'connect-memcached'
import { COOKIE_NAME, hosts, page, port, secret, TTL_SECONDS } from './shared.ts'

const MemcachedStore = connectMemcached(session)
const app = express()
app.disable('x-powered-by')
app.use(express.urlencoded({ extended: false }))
app.use(session({
  secret,
  name: COOKIE_NAME,
  cookie: { secure: false, httpOnly: true, sameSite: 'lax', maxAge: TTL_SECONDS * 1000 },
  resave: false,
  saveUninitialized: false,
  store: new MemcachedStore({ hosts, ttl: TTL_SECONDS }) as session.Store
}))

declare module 'express-session' {
  interface SessionData { data: Record<string, string> }
}

app.get('/', (request, response) => {
  response.type('html').send(page(request.session.data ?? {}))
})

app.post('/', (request, response) => {
  const { key, val } = request.body as { key: string, val: string }
  request.session.data = { ...(request.session.data ?? {}), [key]: val }
  response.redirect(303, '/')
})

app.listen(port, '127.0.0.1')
