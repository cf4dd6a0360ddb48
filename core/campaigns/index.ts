/** Campaigns: staff-built and automation campaigns, their approval, delivery engine, tracked links and results. */
export {
  createCampaign,
  getCampaign,
  listCampaigns,
  setVariant,
  removeVariant,
  setAudience,
  setChannel,
  setSchedule,
  setHoldout,
  setWhatsappTemplate,
  requestApproval,
  approveCampaign,
  startCampaign,
  pauseCampaign,
  resumeCampaign,
  cancelCampaign,
} from './campaigns.js';
export { launchAutomationCampaign } from './automation.js';
export { testSend, SAMPLE_MEMBER } from './test-send.js';
export { campaignStats } from './stats.js';
export { resolveTrackedLink } from './links.js';
export { registerCampaignJobs } from './jobs.js';
export { createCampaignEngine, type CampaignEngine } from './engine.js';
export { BATCH_JOB, EXPAND_JOB, SWEEP_JOB } from './queueing.js';
export { defaultReportText } from './report-text.js';
export { campaignRules, DEFAULT_CAMPAIGN_RULES, type CampaignRules } from './settings.js';
export { TEMPLATE_VARIABLES, MAX_TEXT_LENGTH } from './template.js';
export { encodeLinkCode, decodeLinkCode } from './link-code.js';
export { twoProportionZTest } from './significance.js';
export * from './types.js';
