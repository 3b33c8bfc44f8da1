# syntax=docker/dockerfile:1
# One image for the gateway and the example services (see docker-compose.yml).
#   gateway:  docker run -p 4000:4000 IMAGE serve --config FILE --stage prod
#   services: docker run --entrypoint node IMAGE dist/subgraphs/accounts/index.js   (PORT, HOST)

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=true
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schema ./schema
COPY deploy/gatehouse.compose.yaml ./deploy/gatehouse.compose.yaml
USER node
EXPOSE 4000
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve", "--config", "deploy/gatehouse.compose.yaml", "--stage", "prod"]
