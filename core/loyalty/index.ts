/** Loyalty: membership, the points ledger, tiers and balances. */
export { enroll, findAccount } from './enroll.js';
export type { EnrollInput, EnrollResult, LoyaltyAccount } from './enroll.js';
export { getBalance, EXPIRY_WARNING_DAYS } from './balance.js';
export type { BalanceView } from './balance.js';
export { postLedgerEntry, recordTierChange, isUniqueViolation } from './ledger.js';
export type { LedgerEntryInput, LedgerKind, LedgerResult } from './ledger.js';
export { DEFAULT_TIERS, tierFor, nextTier, loadTiers } from './tiers.js';
export type { TierDef } from './tiers.js';
export { generateMemberCode, isValidMemberCode } from './member-code.js';
export { releasePendingPoints, expirePoints, pointsExpiringBetween, reviewTiers } from './jobs.js';
export { loadProgramContext } from './program-context.js';
export type { ProgramContext } from './program-context.js';
export { parseProgramConfig, DEFAULT_PROGRAM, expiryFor } from './program.js';
export type { ProgramConfig } from './program.js';
export { computeEarning } from './earning-rules.js';
export type { EarningRule, EarningResult, EarningLine } from './earning-rules.js';
export { adjustPoints, setTierFloor } from './adjust.js';
export type { AdjustPointsInput } from './adjust.js';
