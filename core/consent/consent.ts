import { and, desc, eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';

/** Why we may use a customer's data or contact them. */
export type ConsentPurpose = 'terms' | 'marketing' | 'surveys';

/** One consent decision as the customer gave it. */
export interface ConsentInput {
  customerId: string;
  purpose: ConsentPurpose;
  channel: string;
  granted: boolean;
  /** Version of the wording the customer saw, so we can prove what they agreed to. */
  wordingVersion: string;
  source: string;
}

/** Appends a consent decision to the history (the latest one per purpose and channel is in force). */
export async function recordConsent(deps: CoreDeps, input: ConsentInput): Promise<void> {
  await deps.db.insert(schema.consentRecords).values({ ...input, recordedAt: deps.clock.now() });
}

/** The consent in force for a purpose on a channel; `undefined` when never asked. */
export async function consentInForce(
  deps: CoreDeps,
  input: { customerId: string; purpose: ConsentPurpose; channel: string },
): Promise<{ granted: boolean; wordingVersion: string; recordedAt: Date } | undefined> {
  const [row] = await deps.db
    .select()
    .from(schema.consentRecords)
    .where(
      and(
        eq(schema.consentRecords.customerId, input.customerId),
        eq(schema.consentRecords.purpose, input.purpose),
        eq(schema.consentRecords.channel, input.channel),
      ),
    )
    .orderBy(desc(schema.consentRecords.recordedAt), desc(schema.consentRecords.id))
    .limit(1);
  return row ? { granted: row.granted, wordingVersion: row.wordingVersion, recordedAt: row.recordedAt } : undefined;
}
