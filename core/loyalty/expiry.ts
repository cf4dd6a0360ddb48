/** A ledger entry as far as expiry is concerned. */
export interface ExpiryEntry {
  points: number;
  expiresAt: Date | null;
  createdAt: Date;
}

/**
 * Points that will expire within `withinDays` of `now`, and the first date they do.
 * Spending consumes the soonest-expiring points first (FIFO by expiry), so what is left of each earned lot
 * is computed by replaying the ledger in time order.
 */
export function expiringSoon(entries: readonly ExpiryEntry[], now: Date, withinDays: number): { points: number; firstDate: Date | null } {
  const lots: Array<{ remaining: number; expiresAt: Date | null }> = [];
  const ordered = [...entries].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const e of ordered) {
    if (e.points > 0) {
      lots.push({ remaining: e.points, expiresAt: e.expiresAt });
      continue;
    }
    let debit = -e.points;
    // Soonest expiry first; points that never expire are spent last.
    const live = lots
      .filter((l) => l.remaining > 0 && (l.expiresAt === null || l.expiresAt > e.createdAt))
      .sort((a, b) => (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity));
    for (const lot of live) {
      if (debit === 0) break;
      const take = Math.min(lot.remaining, debit);
      lot.remaining -= take;
      debit -= take;
    }
  }
  const horizon = now.getTime() + withinDays * 86_400_000;
  let points = 0;
  let firstDate: Date | null = null;
  for (const lot of lots) {
    if (lot.remaining <= 0 || !lot.expiresAt) continue;
    const t = lot.expiresAt.getTime();
    if (t > now.getTime() && t <= horizon) {
      points += lot.remaining;
      if (!firstDate || t < firstDate.getTime()) firstDate = lot.expiresAt;
    }
  }
  return { points, firstDate };
}
