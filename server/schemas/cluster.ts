export interface ClusterQuery {
  key?: string
}

export const clusterQuerySchema = {
  querystring: {
    type: 'object',
    properties: { key: { type: 'string', maxLength: 1000 } }
  }
} as const
