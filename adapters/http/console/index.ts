/** The agent console: the page at /console and its API under /api/console (sign-in, queue, conversations, live events). */
export { consolePlugin, CONSOLE_DEFAULTS } from './plugin.js';
export type { ConsoleOptions } from './plugin.js';
export { SESSION_COOKIE } from './cookies.js';
