// whatsapp-web.js depends on puppeteer; this project never downloads a browser build (it uses Debian's chromium,
// see adapters/channels/whatsapp-web/README.md), whoever runs `npm install` and whether or not they set
// PUPPETEER_SKIP_DOWNLOAD.
module.exports = { skipDownload: true };
