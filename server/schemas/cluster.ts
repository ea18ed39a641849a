// /cluster and /cluster.json: `?key=` names a key to look up.
import { Type, type Static } from 'typebox'

export const clusterQuery = Type.Object({
  key: Type.Optional(Type.String({ maxLength: 1000 }))
})

export type ClusterQuery = Static<typeof clusterQuery>

export const clusterQuerySchema = { querystring: clusterQuery }
