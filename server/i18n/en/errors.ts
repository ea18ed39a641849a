// English: the error pages (server/plugins/error-pages.ts) and the form guard's cross-origin refusal.
export const errors = {
  unavailable: { heading: 'Session storage is unavailable', message: 'No memcached node answered in time. The page will work again as soon as a node is back; please retry in a moment.' },
  refused: 'Request refused',
  badRequest: 'Bad request',
  failed: { heading: 'Something went wrong', message: 'The error was logged. Please try again.' },
  badUrl: 'This address is not a valid URL: each % in it must start a %-escape of two hex digits (such as %20).',
  notFound: { heading: 'Not found', message: (url: string) => `Nothing lives at ${url}.` },
  back: 'Back to your session',
  crossOrigin: (reason: string) => `This request came from another site (${reason}), so it was refused. Send the form from this site's own page.`,
  otherOrigin: 'its Origin is another site'
}
