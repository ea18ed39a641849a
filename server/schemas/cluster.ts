export interface ClusterQuery {
  key?: string
  /** The node to point out (the session page links to its own node this way). */
  node?: number
}

export const clusterQuerySchema = {
  querystring: {
    type: 'object',
    properties: {
      key: { type: 'string', maxLength: 1000 },
      node: { type: 'integer', minimum: 0, maximum: 999 }
    }
  }
} as const
