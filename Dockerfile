# wsgate's local stack in a container: the emulator (API Gateway WebSocket + @connections + pages) running the
# app's handlers. DynamoDB comes from docker-compose.yml (DynamoDB Local, or LocalStack with --profile localstack).
FROM node:22-slim

WORKDIR /app
ENV NODE_ENV=production \
    npm_config_update_notifier=false

COPY package.json package-lock.json .npmrc ./
# Runtime dependencies only (tsx runs the TypeScript handlers; no build step).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node tsconfig.json serverless.yml ./
COPY --chown=node:node domain ./domain
COPY --chown=node:node infrastructure ./infrastructure
COPY --chown=node:node local ./local
COPY --chown=node:node web ./web

USER node
EXPOSE 3001 3000

# The page server answers /config.json once the emulator accepts connections.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/config.json').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Inside a container the emulator must listen on all interfaces for the published ports to reach it.
CMD ["node", "--import", "tsx", "local/cli.ts", "--config", "serverless.yml", "--host", "0.0.0.0", "--port", "3001", "--http-port", "3000"]
