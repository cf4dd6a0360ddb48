// /segment new|show|list|export over core/segments. A segment is evaluated within its own stores (a store manager's
// segment stays in their stores) or, for one saved brand-wide, within the viewer's; a segment beyond the viewer's
// stores is "not found".
import { countSegment, exportSegmentCsv, formatSegmentError, getSegment, listSegments, previewSegment, saveSegment, segmentVisibleTo, type SegmentRow } from '../../core/segments/index.js';
import { splitFirst } from './args.js';
import { done, refuse, say, type CommandContext, type CommandResult } from './context.js';

/** `/segment new NAME <expression>` · `show NAME` · `list` · `export NAME`. */
export async function segmentCommand(ctx: CommandContext, args: string): Promise<CommandResult> {
  const [sub, rest] = splitFirst(args);
  switch (sub.toLowerCase()) {
    case 'new':
    case 'save':
      return create(ctx, rest);
    case 'show':
    case 'preview':
      return show(ctx, rest);
    case 'list':
      return list(ctx);
    case 'export':
      return exportCsv(ctx, rest);
    default:
      return (await refuse(ctx, 'segment.view', 'segment')) ?? done(say(ctx, ctx.t.segment.usage), 'segment', 'invalid');
  }
}

/** The stores a segment is evaluated in for this viewer. */
function evaluationStores(ctx: CommandContext, segment: SegmentRow): readonly string[] {
  return segment.storeIds.length > 0 ? segment.storeIds : ctx.staff.storeIds;
}

async function visibleSegment(ctx: CommandContext, name: string): Promise<SegmentRow | null> {
  const segment = await getSegment(ctx.deps, { brandId: ctx.deps.brandId, name });
  return segment && segmentVisibleTo(segment.storeIds, ctx.staff.storeIds) ? segment : null;
}

async function create(ctx: CommandContext, rest: string): Promise<CommandResult> {
  const denied = await refuse(ctx, 'segment.create', 'segment');
  if (denied) return denied;
  const [name, expression] = splitFirst(rest);
  const s = ctx.t.segment;
  if (!name || !expression) return done(say(ctx, s.newUsage), 'segment.create', 'invalid');
  const saved = await saveSegment(ctx.deps, { brandId: ctx.deps.brandId, name, expression, storeIds: ctx.staff.storeIds, createdBy: ctx.staff.id });
  switch (saved.status) {
    case 'created':
    case 'updated': {
      const counted = await countSegment(ctx.deps, { brandId: ctx.deps.brandId, expression, storeIds: evaluationStores(ctx, saved.segment) });
      const count = counted.ok ? ctx.fmt.num(counted.count) : '—';
      return done(say(ctx, s.saved(saved.segment.name, saved.status === 'created', count)), 'segment.create', 'ok', { target: `segment:${saved.segment.id}`, details: { status: saved.status } });
    }
    case 'invalid':
      return done(say(ctx, s.invalid(saved.error.message, formatSegmentError(expression, saved.error))), 'segment.create', 'invalid', { details: { position: saved.error.position } });
    case 'bad_name':
      return done(say(ctx, s.badName(saved.message)), 'segment.create', 'invalid');
  }
}

async function show(ctx: CommandContext, name: string): Promise<CommandResult> {
  const denied = await refuse(ctx, 'segment.view', 'segment');
  if (denied) return denied;
  const s = ctx.t.segment;
  if (!name) return done(say(ctx, s.usage), 'segment.view', 'invalid');
  const segment = await visibleSegment(ctx, name);
  if (!segment) return done(say(ctx, s.notFound(name)), 'segment.view', 'not_found');
  const preview = await previewSegment(ctx.deps, { brandId: ctx.deps.brandId, expression: segment.expression, storeIds: evaluationStores(ctx, segment), sampleSize: 5 });
  if (!preview.ok) return done(say(ctx, s.invalid(preview.error.message, formatSegmentError(segment.expression, preview.error))), 'segment.view', 'invalid', { target: `segment:${segment.id}` });
  const { fmt } = ctx;
  const text = s.show({
    name: segment.name,
    expression: segment.expression,
    count: fmt.num(preview.count),
    sample: preview.sample.map((m) => ({
      memberCode: m.memberCode,
      name: m.name ?? '—',
      tier: m.tierCode,
      points: fmt.num(m.pointsBalance),
      lastPurchase: m.lastPurchaseAt ? fmt.date(m.lastPurchaseAt) : null,
      store: m.homeStore,
    })),
    byTier: preview.byTier.map((t) => ({ tier: t.tierCode, count: fmt.num(t.count) })),
    byStore: preview.byStore.map((b) => ({ store: b.storeCode ? `${b.storeName ?? b.storeCode} (${b.storeCode})` : null, count: fmt.num(b.count) })),
  });
  return done(say(ctx, text), 'segment.view', 'ok', { target: `segment:${segment.id}`, details: { count: preview.count } });
}

async function list(ctx: CommandContext): Promise<CommandResult> {
  const denied = await refuse(ctx, 'segment.view', 'segment');
  if (denied) return denied;
  const rows = await listSegments(ctx.deps, { brandId: ctx.deps.brandId, storeIds: ctx.staff.storeIds });
  const s = ctx.t.segment;
  if (rows.length === 0) return done(say(ctx, s.listEmpty), 'segment.list', 'ok');
  const lines = rows.slice(0, 50).map((r) => `• ${r.name}: ${r.expression.length > 80 ? `${r.expression.slice(0, 77)}…` : r.expression}`);
  return done(say(ctx, s.list(lines)), 'segment.list', 'ok', { details: { count: rows.length } });
}

async function exportCsv(ctx: CommandContext, name: string): Promise<CommandResult> {
  const denied = await refuse(ctx, 'segment.export', 'segment');
  if (denied) return denied;
  const s = ctx.t.segment;
  if (!name) return done(say(ctx, s.usage), 'segment.export', 'invalid');
  const segment = await visibleSegment(ctx, name);
  if (!segment) return done(say(ctx, s.notFound(name)), 'segment.export', 'not_found');
  const file = await exportSegmentCsv(ctx.deps, { brandId: ctx.deps.brandId, expression: segment.expression, storeIds: evaluationStores(ctx, segment) });
  if (!file.ok) return done(say(ctx, s.invalid(file.error.message, formatSegmentError(segment.expression, file.error))), 'segment.export', 'invalid', { target: `segment:${segment.id}` });
  const fileName = `${segment.name.replace(/[^\p{L}\p{N}_-]+/gu, '-')}-${file.fileName.replace(/^segment-/, '')}`;
  return done(say(ctx, s.exported(segment.name, ctx.fmt.num(file.rows)), { fileName, mimeType: 'text/csv', data: file.data }), 'segment.export', 'ok', {
    target: `segment:${segment.id}`,
    details: { rows: file.rows },
  });
}
