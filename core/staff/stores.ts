// Stores as staff name them: by code (DXB-01) or by name in any language, within the person's stores.
import { and, eq, inArray } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { LocalizedText } from '../../db/schema.js';
import type { CoreDeps } from '../shared/index.js';

/** A store as staff commands show it. */
export interface StaffStore {
  id: string;
  code: string;
  name: LocalizedText;
  city: string;
}

/** The brand's stores with these codes (case-insensitive); `unknown` lists the codes that match none. */
export async function storesByCodes(deps: CoreDeps, input: { brandId: string; codes: readonly string[] }): Promise<{ stores: StaffStore[]; unknown: string[] }> {
  const all = await brandStores(deps, input.brandId);
  const stores: StaffStore[] = [];
  const unknown: string[] = [];
  for (const code of input.codes) {
    const store = all.find((s) => s.code.toLowerCase() === code.trim().toLowerCase());
    if (store) {
      if (!stores.includes(store)) stores.push(store);
    } else unknown.push(code);
  }
  return { stores, unknown };
}

/**
 * The store a person means by `text` (its code, or its name or city in any language, ignoring case) among the stores
 * they may see (`storeIds`, empty for all); null when none or more than one match.
 */
export async function findStore(deps: CoreDeps, input: { brandId: string; text: string; storeIds: readonly string[] }): Promise<StaffStore | null> {
  const wanted = input.text.trim().toLowerCase();
  const visible = (await brandStores(deps, input.brandId)).filter((s) => input.storeIds.length === 0 || input.storeIds.includes(s.id));
  const byCode = visible.find((s) => s.code.toLowerCase() === wanted);
  if (byCode) return byCode;
  const byName = visible.filter((s) => Object.values(s.name).some((n) => typeof n === 'string' && n.toLowerCase() === wanted));
  if (byName.length === 1) return byName[0]!;
  const byCity = visible.filter((s) => s.city.toLowerCase() === wanted);
  return byName.length === 0 && byCity.length === 1 ? byCity[0]! : null;
}

/** The stores with these ids (for showing a person's scope). */
export async function storesByIds(deps: CoreDeps, input: { brandId: string; storeIds: readonly string[] }): Promise<StaffStore[]> {
  if (input.storeIds.length === 0) return [];
  return deps.db
    .select({ id: schema.stores.id, code: schema.stores.code, name: schema.stores.name, city: schema.stores.city })
    .from(schema.stores)
    .where(and(eq(schema.stores.brandId, input.brandId), inArray(schema.stores.id, [...input.storeIds])))
    .orderBy(schema.stores.code);
}

async function brandStores(deps: CoreDeps, brandId: string): Promise<StaffStore[]> {
  return deps.db
    .select({ id: schema.stores.id, code: schema.stores.code, name: schema.stores.name, city: schema.stores.city })
    .from(schema.stores)
    .where(eq(schema.stores.brandId, brandId))
    .orderBy(schema.stores.code);
}
