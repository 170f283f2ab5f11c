# syntax=docker/dockerfile:1
# One image for every Assay process; the command picks which one runs:
#   docker run assay:local                                 # gateway (default)
#   docker run assay:local dist/apps/tenancy/src/main.js   # a service, the worker, or dist/tools/migrate.js

# npm 11 honours package.json#allowScripts, so only the install scripts approved there run.
FROM node:20-bookworm-slim AS npm
RUN npm install -g npm@11.19.1 --no-fund --no-audit --no-update-notifier
WORKDIR /app
COPY package.json package-lock.json ./

# Full install (with devDependencies) and the build into dist/: swc for every process, Vite for the
# supplier portal page (dist/apps/portal-web, served by the gateway), the composed supergraph.
FROM npm AS build
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts=false --no-fund --no-audit
COPY . .
RUN npm run build

# Runtime dependencies only.
FROM npm AS prod-deps
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts=false --no-fund --no-audit

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Code stays root-owned; the app user may write only its data dir and the blob store.
RUN mkdir -p /app/.assay /data/blobs && chown node:node /app/.assay /data/blobs
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
ENTRYPOINT ["node", "--enable-source-maps"]
CMD ["dist/apps/gateway/src/main.js"]
