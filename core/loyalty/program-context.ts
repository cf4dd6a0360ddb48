import { and, eq } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { parseProgramConfig, type ProgramConfig } from './program.js';
import type { EarningConditions, EarningRule } from './earning-rules.js';

/** A brand's programme settings and active earning rules, loaded once per transaction or batch. */
export interface ProgramContext {
  brandId: string;
  timezone: string;
  program: ProgramConfig;
  rules: EarningRule[];
}

/** Loads the programme of a brand; throws when its stored settings are invalid (an operator error to fix). */
export async function loadProgramContext(db: Db, brandId: string): Promise<ProgramContext | null> {
  const [brand] = await db.select().from(schema.brands).where(eq(schema.brands.id, brandId));
  if (!brand) return null;
  const rows = await db.select().from(schema.earningRules).where(and(eq(schema.earningRules.brandId, brandId), eq(schema.earningRules.active, true)));
  return {
    brandId,
    timezone: brand.timezone,
    program: parseProgramConfig(brand.settings),
    rules: rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind as EarningRule['kind'],
      priority: r.priority,
      createdAt: r.createdAt,
      stackable: r.stackable,
      ...(r.multiplierPercent !== null ? { multiplierPercent: r.multiplierPercent } : {}),
      ...(r.bonusPoints !== null ? { bonusPoints: r.bonusPoints } : {}),
      conditions: reviveDates(r.conditions),
    })),
  };
}

// Conditions are stored as JSON, so their window bounds come back as strings. They are store-local wall-clock
// times carried in UTC fields (see EARNING.md): a bound without an offset is read as UTC, never as server time.
function reviveDates(raw: Record<string, unknown>): EarningConditions {
  const c = { ...raw } as EarningConditions & { from?: unknown; to?: unknown };
  if (typeof c.from === 'string') c.from = wallClock(c.from);
  if (typeof c.to === 'string') c.to = wallClock(c.to);
  return c;
}

function wallClock(s: string): Date {
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(s) || s.length === 10 ? s : `${s}Z`);
}

/** The brand's programme settings alone (no earning rules): what the bot needs to explain the programme. */
export async function loadProgram(db: Db, brandId: string): Promise<ProgramConfig | null> {
  const [brand] = await db.select({ settings: schema.brands.settings }).from(schema.brands).where(eq(schema.brands.id, brandId));
  return brand ? parseProgramConfig(brand.settings) : null;
}
