/** Automations (welcome series, birthday, win-back, tier upgrade, points expiry, seasonal) and the seasonal calendar. */
export { runAutomations, runAutomation } from './run.js';
export type { AutomationRun, AutomationDeps } from './run.js';
export { previewAutomations, planAutomation, countAudience, AUTOMATION_RUN_HOUR } from './plan.js';
export type { AutomationPlan, AutomationPreview, PlanOutcome } from './plan.js';
export { registerAutomationJobs, AUTOMATION_JOBS } from './jobs.js';
export { enableDefaultAutomations, listAutomations, updateAutomation } from './manage.js';
export type { AutomationView, UpdateAutomationOutcome } from './manage.js';
export { AUTOMATION_KINDS, isAutomationKind, parseAutomationSettings } from './settings.js';
export type { AutomationKind, AutomationSettings, ParsedSettings } from './settings.js';
export { DEFAULT_TEXTS, DEFAULT_SEASONAL_TEXTS } from './texts.js';
export { seasonalEvents, seasonalEventsOn, ramadanStart, eidAlFitr, eidAlAdha, chineseNewYear, uaeNationalDay, SEASONAL_EVENT_KEYS } from './seasonal-calendar.js';
export type { SeasonalEvent, SeasonalEventKey } from './seasonal-calendar.js';
