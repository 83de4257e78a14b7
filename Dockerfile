# syntax=docker/dockerfile:1

# One image for both processes: the API is the default command and the Temporal worker runs
# with `node --import tsx worker/main.ts`. tsx runs the TypeScript source directly, so nothing
# is compiled; the build stage is there because tsx strips types without checking them, and a
# release should not be built from code that does not typecheck.

# Debian (glibc), not Alpine: the Temporal core bridge ships prebuilt binaries for glibc only.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
# The runtime stage installs its own production-only node_modules, so the dev ones stay here.
RUN npm run typecheck && rm -rf node_modules

FROM ${NODE_IMAGE} AS runtime
# The Temporal core bridge verifies TLS (Temporal Cloud, TLS-enabled clusters) against the
# system trust store, which the slim image does not ship.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The config's default API_HOST (127.0.0.1) is unreachable from outside a container.
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=8400
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
# Copied from the build stage rather than the context so the typecheck gates the image.
COPY --from=build /app ./
# Source and node_modules stay root-owned (read-only to the app); only DATA_DIR is writable.
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 8400
# No curl in the slim image; Node's own fetch does the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.API_PORT || 8400) + '/health').then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm/npx: a wrapper process would swallow SIGTERM and skip graceful shutdown.
CMD ["node", "--import", "tsx", "api/server.ts"]
