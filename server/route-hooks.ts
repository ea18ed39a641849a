// A hook for one route, added from an `onRoute` hook: what only some routes need is bound to
// them when they are added, so that the rest pay nothing per request and the hook needs no look
// at `request.routeOptions` (a getter that builds a dozen-field object on every call).
import type { onRequestHookHandler, RouteOptions } from 'fastify'

/** Appends `hook` to the route's own onRequest hooks (after any the route declares). */
export function addRouteOnRequest (route: RouteOptions, hook: onRequestHookHandler): void {
  const own = route.onRequest
  route.onRequest = own === undefined ? [hook] : Array.isArray(own) ? [...own, hook] : [own, hook]
}
