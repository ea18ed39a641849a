// The benchmark's peers answer with the app's own session page (bench/peers/shared.ts), so that
// the ratios measure session handling rather than page size: it must render, and hold what ours
// holds. (After the pages gained a language, it answered a 500 and the bench measured error pages.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { page } from '../bench/peers/shared.ts'

test('the peers\' page is the session page, its story card and the session\'s keys in it', () => {
  const html = page({ name: 'bench' })
  assert.match(html, /^<!DOCTYPE html>\s*<html lang="en">/)
  assert.match(html, /What this view asked memcached/)
  assert.match(html, /<td[^>]*>name<\/td>/)
  assert.match(html, /bench/)
  assert.doesNotMatch(html, /undefined|NaN/)
})
