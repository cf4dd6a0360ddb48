/** Rewards: the catalogue per member, redemption for points, and the vouchers it issues (member and till side). */
export { listRewards, redeemReward } from './rewards.js';
export type { RewardView, RewardUnavailableReason, RedeemRewardResult } from './rewards.js';
export { listVouchers, getVoucher, validateVoucher, redeemVoucher, expireVouchers, canonicalVoucherCode, VOUCHER_REPLAY_WINDOW_MS } from './vouchers.js';
export type { VoucherView, VoucherStatus, ValidateVoucherResult, RedeemVoucherResult } from './vouchers.js';
export { randomCrockford, normalizeCode, groupCode, CROCKFORD_ALPHABET, VOUCHER_CODE_LENGTH } from './codes.js';
