/** The staff side: team-workspace messages (never the customer bot). */
export { createStaffBot } from './staff-bot.js';
