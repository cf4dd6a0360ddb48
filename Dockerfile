# Production image: the app runs TypeScript directly through tsx (a runtime dependency).
FROM node:22-slim

ENV PUPPETEER_SKIP_DOWNLOAD=1
WORKDIR /app
RUN chown node:node /app
USER node

# Dependencies first, so this layer is reused until package-lock.json changes.
# Plain `npm ci` (not --omit=dev): the lockfile is installed as CI tests it.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .

ENV NODE_ENV=production \
    PORT=3000
EXPOSE 3000
CMD ["npm", "start"]
