# Triage as a container: `docker build -t triage .`, then see compose.yaml for two replicas on
# PostgreSQL. The runtime stage holds production dependencies only, runs as the non-root `node`
# user and reports healthy once /readyz answers 200 (the database answers and is migrated).
# test/process/production-image.test.ts does what the runtime stage does (its COPY lines, read
# from this file) outside Docker and starts the result, so a runtime import kept in
# devDependencies, or a runtime file this file forgets, fails the tests.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY scripts ./scripts
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 TRIAGE_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Scripts stay off; the one patch Triage applies to a dependency is run by name (the driver guard).
COPY scripts/patch-postgres.mjs ./scripts/patch-postgres.mjs
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && node scripts/patch-postgres.mjs && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time from the package root: the SQL migrations and the console's page.
COPY migrations ./migrations
COPY adapters/console/page ./adapters/console/page
# The embedded default (no DATABASE_URL) keeps PGlite and the generated ingest token here.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# No curl in slim images: Node's own fetch asks /readyz.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
