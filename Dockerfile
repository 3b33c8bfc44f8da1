# syntax=docker/dockerfile:1
# One image for the gateway and the example services (see docker-compose.yml).
#   gateway:  docker run -p 4000:4000 IMAGE serve --config FILE --stage prod
#             (or GATEHOUSE_CONFIG, GATEHOUSE_STAGE, GATEHOUSE_PORT, … instead of flags)
#   services: docker run --entrypoint node IMAGE dist/subgraphs/accounts/index.js   (PORT, HOST)

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# Dependencies are installed once: the build's node_modules, without the dev ones, is what the image
# runs (better-sqlite3's native module was compiled here, for this same base image).
RUN npm run build && npm prune --omit=dev && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
# GATEHOUSE_HOST: a container is reached from outside itself (the gateway's own default is 127.0.0.1).
# GATEHOUSE_SQLITE: the bundled schema/gatehouse.yaml keeps its embedded store in the data volume.
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=true \
    GATEHOUSE_HOST=0.0.0.0 \
    GATEHOUSE_SQLITE=/app/data/gatehouse.db
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY schema ./schema
COPY deploy/gatehouse.compose.yaml ./deploy/gatehouse.compose.yaml
# The embedded stores (SQLite: API keys, the registry) write here; mount a volume to keep them.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 4000
# Slim images have no curl: node asks /health itself. The port follows GATEHOUSE_PORT; a gateway
# moved with --port instead needs its own healthcheck (compose services set theirs).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GATEHOUSE_PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve", "--config", "deploy/gatehouse.compose.yaml", "--stage", "prod"]
