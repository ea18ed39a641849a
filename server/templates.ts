// Every EJS template in views/, compiled once at start, each page a plain function of its data
// that renders inside views/layout.ejs. @fastify/view still sends the pages (routes call
// `reply.view(page, data)` with one of these functions, which it calls with its merged data); what
// this module does instead of EJS's own `include` and @fastify/view's layout is resolve every
// include at start. Per render, EJS's include looks the partial's file up on disk (an existsSync
// for each include) and copies the options and every local; @fastify/view's layout merges the data
// twice and looks both templates up by name: together about a tenth of a page view's CPU
// (bench/README.md, "Towards the floor").
import ejs from 'ejs'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

export type Locals = Record<string, unknown>
export type Render = (locals: Locals) => string

/** A template as EJS compiles it with `client: true`: its locals, the escape, include and rethrow functions. */
type ClientFunction = (locals: Locals, escape: (value: unknown) => string, include: (path: string, data?: Locals) => string, rethrow?: unknown) => string

const SPECIAL = /[&<>'"]/
const SPECIALS = /[&<>'"]/g
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' }

/**
 * EJS's escapeXML, with its output (the same five entities; nothing for null and undefined), but
 * a string with nothing to escape, nearly every one a page prints, is returned as it is.
 */
export function escapeHtml (value: unknown): string {
  if (value === undefined || value === null) return ''
  const text = String(value)
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ENTITIES[c]!) : text
}

export interface Templates {
  /** A page: `name` (e.g. 'index.ejs') rendered with its data, inside the layout as `body`. */
  page (name: string): Render
  /** One template alone, without the layout (a partial, or a page's body). */
  template (name: string): Render
}

/**
 * Compiles every .ejs file under `dir`. `locals` are the names the templates read (declared as
 * plain variables, instead of EJS's `with (locals)`); `debug` keeps EJS's line tracking, for
 * errors that name the template's line, at a cost on every render.
 */
export function compileTemplates (dir: string, { locals, debug }: { locals: readonly string[], debug: boolean }): Templates {
  const compiled = new Map<string, ClientFunction>()
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ejs'))) {
    const filename = join(dir, file)
    compiled.set(file, ejs.compile(readFileSync(filename, 'utf8'), {
      client: true, filename, _with: false, destructuredLocals: [...locals], compileDebug: debug, escape: escapeHtml
    }) as unknown as ClientFunction)
  }

  // Each template's includes, by the path it names (relative to its own folder, extension optional).
  const renderers = new Map<string, Render>()
  function renderer (name: string): Render {
    const known = renderers.get(name)
    if (known) return known
    const fn = compiled.get(name)
    if (!fn) throw new Error(`no template views/${name}`)
    const includes = new Map<string, Render>()
    const include = (locals: Locals) => (path: string, data?: Locals) => {
      let target = includes.get(path)
      if (!target) {
        target = renderer(relative(dir, join(dir, dirname(name), path.endsWith('.ejs') ? path : `${path}.ejs`)))
        includes.set(path, target)
      }
      // The partial sees the includer's locals and its own data, as with EJS's include. (Not as an
      // object whose prototype is the locals: V8 turns every such prototype into a slow object.)
      return target(data ? { ...locals, ...data } : locals)
    }
    const render: Render = (locals) => fn(locals, escapeHtml, include(locals))
    renderers.set(name, render)
    return render
  }

  const layout = renderer('layout.ejs')
  const pages = new Map<string, Render>()
  return {
    template: renderer,
    page (name) {
      let page = pages.get(name)
      if (!page) {
        const body = renderer(name)
        // @fastify/view hands a page function a fresh object of its own (its defaults, reply.locals, the data).
        page = (locals) => {
          locals.body = body(locals)
          return layout(locals)
        }
        pages.set(name, page)
      }
      return page
    }
  }
}
