import neostandard from 'neostandard'

export default neostandard({
  ts: true,
  ignores: ['node_modules', 'test-results', 'playwright-report', 'e2e/artifacts']
})
