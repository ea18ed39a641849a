// connect-memcached 3.x, as the benchmark peers use it (bench/peers): a store class for a session module.
declare module 'connect-memcached' {
  function connectMemcached (session: { Store: unknown }): new (options: { hosts: string[], ttl?: number }) => unknown
  export default connectMemcached
}
