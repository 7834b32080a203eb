# API and worker image. The same image runs either role (ROLE=api|worker|all).
# Not `npm ci`: npm 11 rejects this lock file because it omits other platforms' optional msgpackr-extract
# binaries, although `npm install` resolves the same tree from it (scripts/install.sh says the same).

# The explorer's bundle needs dev dependencies (esbuild, cytoscape); only its output goes into the image.
FROM node:24-bookworm-slim AS explorer
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm install --no-audit --no-fund --loglevel=error
COPY src/explorer ./src/explorer
COPY scripts/build-web.sh ./scripts/build-web.sh
RUN bash scripts/build-web.sh --force

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
# The `node` devDependency exists only to give npm scripts Node 24 on machines whose system Node is older;
# this image already has Node 24, so production installs skip dev dependencies.
RUN npm install --omit=dev --no-audit --no-fund --loglevel=error
COPY src ./src
COPY schema ./schema
COPY migrations ./migrations
COPY --from=explorer /app/dist/explorer ./dist/explorer
USER node
EXPOSE 8080
CMD ["node", "src/main.ts"]
