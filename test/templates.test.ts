import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ejs from 'ejs'
import { compileTemplates, escapeHtml } from '../server/templates.ts'

test('escapeHtml writes what EJS writes, for text with and without anything to escape', () => {
  const samples: unknown[] = ['plain', '', '<script>alert("x")</script>', "it's & <b>", 'ünïcødé ✓', 0, 42, false, null, undefined, { toString: () => '<o>' }]
  for (const value of samples) assert.equal(escapeHtml(value), ejs.escapeXML(value as string), String(value))
})

function views (files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'views-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

test('a page renders inside the layout, its includes resolved from the including template\'s folder', () => {
  const dir = views({
    'layout.ejs': '<main><%= title %>|<%- body %></main>',
    'page.ejs': '<%- include("partials/row", { item: "a&b" }) %>/<%= item %>',
    'partials/row.ejs': '[<%= title %>:<%= item %>:<%- include("cell") %>]',
    'partials/cell.ejs': '<%= item.toUpperCase() %>'
  })
  const templates = compileTemplates(dir, { locals: ['title', 'body', 'item'], debug: false })
  // The partial sees the page's locals and its own; the page's own `item` is untouched by the include.
  assert.equal(templates.page('page.ejs')({ title: '<T>', item: 'page' }), '<main>&lt;T&gt;|[&lt;T&gt;:a&amp;b:A&amp;B]/page</main>')
  assert.equal(templates.template('partials/cell.ejs')({ item: 'x' }), 'X')
})

test('a missing template is refused when it is asked for, naming it; an error in one names its line with debug on', () => {
  const dir = views({ 'layout.ejs': '<%- body %>', 'broken.ejs': 'one\n<%= missing.field %>', 'includes.ejs': '<%- include("nowhere") %>' })
  const templates = compileTemplates(dir, { locals: ['body', 'missing'], debug: true })
  assert.throws(() => templates.page('absent.ejs'), /no template views\/absent\.ejs/)
  assert.throws(() => templates.page('includes.ejs')({}), /no template views\/nowhere\.ejs/)
  assert.throws(() => templates.page('broken.ejs')({}), /broken\.ejs:2/)
})
