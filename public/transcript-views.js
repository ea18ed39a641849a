// The transcripts' view switch (Python, TypeScript, wire) works without this script: each switch
// is radio buttons that the stylesheet reads. This makes one choice apply to every transcript on
// the page, and remembers it for the next page (localStorage; nothing is sent to the server).
(function () {
  const KEY = 'transcript-view'
  const VIEWS = ['python', 'ts', 'wire']
  function choose (view) {
    for (const input of document.querySelectorAll('.view-switch input.view-' + view)) input.checked = true
  }
  let saved = null
  try { saved = localStorage.getItem(KEY) } catch {}
  if (VIEWS.includes(saved)) choose(saved)
  document.addEventListener('change', function (event) {
    const input = event.target
    if (!input.matches || !input.matches('.view-switch input') || !VIEWS.includes(input.value)) return
    choose(input.value)
    try { localStorage.setItem(KEY, input.value) } catch {}
  })
})()
