# API and worker image. The same image runs either role (ROLE=api|worker|all).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
# The `node` devDependency exists only to give npm scripts Node 24 on machines whose system Node is older;
# this image already has Node 24, so production installs skip dev dependencies.
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY schema ./schema
COPY migrations ./migrations
USER node
EXPOSE 8080
CMD ["node", "src/main.ts"]
