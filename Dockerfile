# Multi-stage: dependencies are installed in a build stage; the runtime image holds production
# dependencies only and runs as the non-root `node` user. Node 24 runs the TypeScript sources
# directly (type stripping, Node >= 22.18): no build step, no loader.
# No `# syntax=` line: it makes BuildKit fetch a frontend image from Docker Hub before building,
# which fails where no registry is reachable (our CI); nothing here needs a newer syntax.
# NODE_ENV comes from the environment (docker-compose.yml); with production, COOKIE_SECRET is required.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The workspaces' manifests, so npm ci links the packages (their sources come in the runtime stage).
COPY packages/client/package.json ./packages/client/
COPY packages/fastify/package.json ./packages/fastify/
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV PORT=9999 HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node packages ./packages
COPY --chown=node:node server ./server
# tools/: the local memcached nodes main.ts starts when MEMCACHED_SERVERS is unset (compose sets it).
COPY --chown=node:node tools ./tools
COPY --chown=node:node views ./views
COPY --chown=node:node public ./public
USER node
EXPOSE 9999
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:9999/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "server/main.ts"]
