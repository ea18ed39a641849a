import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['node_modules', 'test-results', 'playwright-report', 'e2e/artifacts', 'packages/*/dist']
  }),
  {
    // The packages are installed by others: their source never reaches into the app, its tools or tests.
    files: ['packages/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/server/**', '**/tools/**', '**/test/**', '**/e2e/**', '**/bench/**', '../../*', '../../../*'],
          message: 'A package imports only its own files, Node, its dependencies and other packages by name.'
        }]
      }]
    }
  }
]
