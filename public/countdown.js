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
  function tick () {
    const left = Math.ceil((leftAtLoad - (performance.now() - loaded)) / 1000)
    shown.replaceChildren()
    if (left > 0) {
      const count = document.createElement('strong')
      count.textContent = 'about ' + left + ' s'
      shown.append('Time left for ', code, ': ', count, '.')
      setTimeout(tick, 250)
    } else {
      shown.append('The TTL of ', code, ' has run out: memcached no longer returns it. Get it now to see None.')
    }
  }
  if (leftAtLoad > 0) tick()
})()
