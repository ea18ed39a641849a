// The part of hashring 3.x this project uses (ketama-compatible weighted consistent hashing).
declare module 'hashring' {
  type Servers = Record<string, { weight: number }>
  class HashRing {
    constructor (servers: Servers, algorithm?: string, options?: { compatibility?: 'ketama' | 'hash_ring', 'max cache size'?: number })
    get (key: string): string | undefined
    range (key: string, size?: number, unique?: boolean): string[]
  }
  export default HashRing
}
