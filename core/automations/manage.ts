// The automations a brand has (rows of `automations`): the defaults for a new or demo brand, the list staff see, and
// switching one on or off or changing its settings (validated before it is stored, so a bad edit never reaches a run).
import { and, eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { AUTOMATION_KINDS, isAutomationKind, parseAutomationSettings, type AutomationKind } from './settings.js';

/** An automation as staff see it. */
export interface AutomationView {
  key: AutomationKind;
  /** False when the brand has no row for it (never enabled) or it was switched off. */
  enabled: boolean;
  settings: Record<string, unknown>;
  /** Why the stored settings are invalid (the automation is skipped until they are fixed); null when valid. */
  settingsError: string | null;
}

/** Inserts a row, enabled with default settings, for every automation the brand has none for; returns the keys added. */
export async function enableDefaultAutomations(deps: CoreDeps, input: { brandId: string }): Promise<{ added: AutomationKind[] }> {
  const rows = await deps.db
    .insert(schema.automations)
    .values(AUTOMATION_KINDS.map((key) => ({ brandId: input.brandId, key, enabled: true, settings: {} })))
    .onConflictDoNothing({ target: [schema.automations.brandId, schema.automations.key] })
    .returning({ key: schema.automations.key });
  const added = new Set(rows.map((r) => r.key));
  return { added: AUTOMATION_KINDS.filter((k) => added.has(k)) };
}

/** Every automation kind with the brand's state for it, in a fixed order. */
export async function listAutomations(deps: CoreDeps, input: { brandId: string }): Promise<AutomationView[]> {
  const rows = await deps.db.select().from(schema.automations).where(eq(schema.automations.brandId, input.brandId));
  return AUTOMATION_KINDS.map((key) => {
    const row = rows.find((r) => r.key === key);
    const settings = row?.settings ?? {};
    const parsed = parseAutomationSettings(key, settings);
    return { key, enabled: row?.enabled ?? false, settings, settingsError: parsed.ok ? null : parsed.error };
  });
}

/** What `updateAutomation` did. */
export type UpdateAutomationOutcome = { status: 'updated'; automation: AutomationView } | { status: 'unknown_automation'; key: string } | { status: 'invalid_settings'; error: string };

/** Switches an automation on or off and/or replaces its settings (validated first); creates the row when missing. */
export async function updateAutomation(
  deps: CoreDeps,
  input: { brandId: string; key: string; enabled?: boolean; settings?: Record<string, unknown> },
): Promise<UpdateAutomationOutcome> {
  if (!isAutomationKind(input.key)) return { status: 'unknown_automation', key: input.key };
  const key = input.key;
  if (input.settings !== undefined) {
    const parsed = parseAutomationSettings(key, input.settings);
    if (!parsed.ok) return { status: 'invalid_settings', error: parsed.error };
  }
  const now = deps.clock.now();
  await deps.db
    .insert(schema.automations)
    .values({ brandId: input.brandId, key, enabled: input.enabled ?? true, settings: input.settings ?? {}, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [schema.automations.brandId, schema.automations.key],
      set: { ...(input.enabled !== undefined ? { enabled: input.enabled } : {}), ...(input.settings !== undefined ? { settings: input.settings } : {}), updatedAt: now },
    });
  const [row] = await deps.db.select().from(schema.automations).where(and(eq(schema.automations.brandId, input.brandId), eq(schema.automations.key, key)));
  return { status: 'updated', automation: { key, enabled: row!.enabled, settings: row!.settings, settingsError: null } };
}
