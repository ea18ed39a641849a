// /cluster and /cluster.json: `?key=` names a key to look up; `?node=` points out one node (the
// session page links to its own node this way).
import { Type, type Static } from 'typebox'

export const clusterQuery = Type.Object({
  key: Type.Optional(Type.String({ maxLength: 1000 })),
  node: Type.Optional(Type.Integer({ minimum: 0, maximum: 999 }))
})

export type ClusterQuery = Static<typeof clusterQuery>

export const clusterQuerySchema = { querystring: clusterQuery }
