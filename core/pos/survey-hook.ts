// The post-purchase NPS survey, scheduled in the sale's own transaction: a sale that rolls back schedules nothing, and
// scheduleAfterPurchase is idempotent per transaction id, so a replayed sale schedules nothing twice. Only sales with
// an amount and a known member get one (a refund is not a sale; an anonymous sale has nobody to ask).
import { activeSurvey, MAX_PURCHASE_AGE_DAYS, scheduleAfterPurchase } from '../surveys/index.js';
import type { CoreDeps } from '../shared/index.js';

const DAY = 86_400_000;

/** A recorded sale that may deserve a survey. */
export interface SurveyCandidate {
  brandId: string;
  customerId: string;
  transactionId: string;
  storeId: string;
  occurredAt: Date;
  totalMinor: number;
}

/**
 * Schedules the post-purchase survey of each sale (in the caller's transaction). A failure to schedule is logged and
 * rolled back on its own savepoint: a survey never costs a sale. Sales are taken in customer order, so two batches
 * lock customer rows in the same order.
 */
export async function scheduleSurveys(deps: CoreDeps, sales: readonly SurveyCandidate[]): Promise<void> {
  const cutoff = deps.clock.now().getTime() - MAX_PURCHASE_AGE_DAYS * DAY;
  // Old sales (an import, a catch-up) and zero-amount ones are left out before any query: bulk ingest stays cheap.
  const wanted = sales.filter((s) => s.totalMinor > 0 && s.occurredAt.getTime() >= cutoff).sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  if (wanted.length === 0) return;
  const hasSurvey = new Map<string, boolean>();
  for (const sale of wanted) {
    let active = hasSurvey.get(sale.brandId);
    if (active === undefined) {
      active = (await activeSurvey(deps.db, sale.brandId, 'post_purchase')) !== undefined;
      hasSurvey.set(sale.brandId, active);
    }
    if (!active) continue;
    try {
      await deps.db.transaction((tx) =>
        scheduleAfterPurchase({ ...deps, db: tx }, { brandId: sale.brandId, customerId: sale.customerId, transactionId: sale.transactionId, storeId: sale.storeId, occurredAt: sale.occurredAt }),
      );
    } catch (err) {
      deps.log.warn({ transactionId: sale.transactionId, reason: err instanceof Error ? err.message : String(err) }, 'post-purchase survey not scheduled');
    }
  }
}
