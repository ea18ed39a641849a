// The expiry card's countdown, moving: the page says how long the key had left when it was made;
// this counts that down in place (from the server's own clock, so a skewed client clock does not
// matter). Without JavaScript the page still says it, once.
(function () {
  const shown = document.querySelector('.ttl-left[data-expires-at][data-now]')
  if (!shown) return
  const leftAtLoad = Number(shown.dataset.expiresAt) - Number(shown.dataset.now)
  const loaded = performance.now()
  const code = document.createElement('code')
  code.textContent = shown.dataset.key
  // The page's language (<html lang>, server/i18n): its words for the countdown.
  const zh = document.documentElement.lang.startsWith('zh')
  const words = zh
    ? { about: (n) => '约 ' + n + ' 秒', left: (c, n) => [c, ' 的剩余时间：', n, '。'], out: (c) => [c, ' 的 TTL 已到期：memcached 不再返回它。现在 get 一下，会看到 None。'] }
    : { about: (n) => 'about ' + n + ' s', left: (c, n) => ['Time left for ', c, ': ', n, '.'], out: (c) => ['The TTL of ', c, ' has run out: memcached no longer returns it. Get it now to see None.'] }
  function tick () {
    const left = Math.ceil((leftAtLoad - (performance.now() - loaded)) / 1000)
    shown.replaceChildren()
    if (left > 0) {
      const count = document.createElement('strong')
      count.textContent = words.about(left)
      shown.append(...words.left(code, count))
      setTimeout(tick, 250)
    } else {
      shown.append(...words.out(code))
    }
  }
  if (leftAtLoad > 0) tick()
})()
