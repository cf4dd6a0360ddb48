/** The agent console: the page at /console and its API under /api/console (sign-in, queue, conversations, live events). */
export { consolePlugin, CONSOLE_DEFAULTS, COMMAND_FILE_TTL_MINUTES } from './plugin.js';
export type { ConsoleOptions } from './plugin.js';
export { SESSION_COOKIE } from './cookies.js';
