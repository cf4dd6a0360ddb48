/** NPS surveys: scheduling after purchases and in rounds, sending, answers (score, reason), and the NPS report. */
export { scheduleAfterPurchase, scheduleRelationshipRound, dueSurveys, markSent, markSkipped, contactChannel, activeSurvey, MAX_PURCHASE_AGE_DAYS } from './schedule.js';
export type { Survey, SurveyResponse, ScheduleResult, SkipReason, RoundResult, DueSurvey, ContactResult } from './schedule.js';
export { recordScore, recordReason, attachTicket, parseScore, npsCategory, ANSWER_WINDOW_DAYS } from './answers.js';
export type { RecordScoreResult, RecordReasonResult, TicketRequest, NpsCategory, InvalidScore } from './answers.js';
export { npsReport } from './report.js';
export type { NpsReport, NpsFigures } from './report.js';
export { registerSurveyJobs, sendDueSurveys, SURVEY_JOBS } from './jobs.js';
export type { SendSurvey, SurveyToSend } from './jobs.js';
export { intoWakingHours } from './waking-hours.js';
