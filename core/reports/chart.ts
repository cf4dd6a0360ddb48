// The `/stats` chart: two panels over the period's days (new members as bars with active members as a line; points
// issued and redeemed as lines), drawn into a raster and encoded as PNG on the server, with no native library.
// Labels are ASCII English in every language: the built-in bitmap font has no Arabic or Chinese glyphs (see font.ts);
// the chat message that carries the chart is what gets translated.
import type { BrandStats } from './stats.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, textWidth } from './font.js';
import { Raster, type Rgba } from './png.js';

/** Options of `renderStatsChart`. */
export interface StatsChartOptions {
  /** Heading; non-ASCII characters are left out (the font has none). Default "Stats". */
  title?: string;
  /** The reader's language: accepted for symmetry with the chat reply, the chart itself stays English (see above). */
  language?: 'en' | 'ar' | 'zh';
}

/** The colours of the chart, exported for tests that look for them. */
export const CHART_COLOURS = {
  background: [255, 255, 255, 255],
  text: [31, 41, 55, 255],
  muted: [107, 114, 128, 255],
  grid: [229, 231, 235, 255],
  axis: [156, 163, 175, 255],
  newMembers: [59, 130, 246, 255],
  activeMembers: [245, 158, 11, 255],
  pointsIssued: [22, 163, 74, 255],
  pointsRedeemed: [220, 38, 38, 255],
} as const satisfies Record<string, Rgba>;

/** A rectangle in pixels. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where things are drawn (for tests): the two plot areas and each day's slot. */
export interface StatsChartLayout {
  width: number;
  height: number;
  members: Rect;
  points: Rect;
  /** The x of the centre of day `i`'s slot. */
  slotCentre(i: number): number;
  /** Width of one bar in pixels. */
  barWidth: number;
}

const WIDTH = 960;
const HEIGHT = 600;
const S = 2; // font scale for labels
const LEFT = 96;
const RIGHT = 32;
const MEMBERS_PLOT = { top: 132, bottom: 322 };
const POINTS_PLOT = { top: 392, bottom: 560 };
const Y_INTERVALS = 4;

/** Renders the daily series of a stats report as a PNG chart (960×600). Same report and options, same bytes. */
export function renderStatsChart(report: BrandStats, opts: StatsChartOptions = {}): Uint8Array {
  return drawStatsChart(report, opts).raster.toPng();
}

/** Draws the chart into a raster and says where everything went; `renderStatsChart` encodes it. */
export function drawStatsChart(report: BrandStats, opts: StatsChartOptions = {}): { raster: Raster; layout: StatsChartLayout } {
  const r = new Raster(WIDTH, HEIGHT, CHART_COLOURS.background);
  const days = report.daily;
  const n = Math.max(1, days.length);
  const plotW = WIDTH - LEFT - RIGHT;
  const slotW = plotW / n;
  const barWidth = Math.max(1, Math.floor(slotW * 0.6));
  const slotCentre = (i: number): number => LEFT + slotW * i + slotW / 2;
  const members: Rect = { x: LEFT, y: MEMBERS_PLOT.top, w: plotW, h: MEMBERS_PLOT.bottom - MEMBERS_PLOT.top };
  const points: Rect = { x: LEFT, y: POINTS_PLOT.top, w: plotW, h: POINTS_PLOT.bottom - POINTS_PLOT.top };

  const title = ascii(opts.title ?? '') || 'Stats';
  r.text(24, 14, title, CHART_COLOURS.text, 3);
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  const summary = `${first === last ? first : `${first} - ${last}`}  new ${compact(report.members.new)}  active ${compact(report.members.active)}  issued ${compact(report.points.issued)}  redeemed ${compact(report.points.redeemed)}`;
  r.text(24, 48, summary, CHART_COLOURS.muted, S);

  // Members: bars of new members, a line of active members, on one scale.
  legend(r, LEFT, members.y - 34, [
    ['New members', CHART_COLOURS.newMembers],
    ['Active members', CHART_COLOURS.activeMembers],
  ]);
  const memberMax = niceMax(Math.max(0, ...days.map((d) => Math.max(d.newMembers, d.activeMembers))));
  axes(r, members, memberMax);
  days.forEach((d, i) => {
    if (d.newMembers <= 0) return;
    const h = Math.max(1, Math.round((d.newMembers / memberMax) * members.h));
    r.fillRect(Math.round(slotCentre(i) - barWidth / 2), members.y + members.h - h, barWidth, h, CHART_COLOURS.newMembers);
  });
  series(r, members, memberMax, days.map((d) => d.activeMembers), slotCentre, CHART_COLOURS.activeMembers);

  // Points: issued and redeemed as lines.
  legend(r, LEFT, points.y - 34, [
    ['Points issued', CHART_COLOURS.pointsIssued],
    ['Points redeemed', CHART_COLOURS.pointsRedeemed],
  ]);
  const pointMax = niceMax(Math.max(0, ...days.map((d) => Math.max(d.pointsIssued, d.pointsRedeemed))));
  axes(r, points, pointMax);
  series(r, points, pointMax, days.map((d) => d.pointsIssued), slotCentre, CHART_COLOURS.pointsIssued);
  series(r, points, pointMax, days.map((d) => d.pointsRedeemed), slotCentre, CHART_COLOURS.pointsRedeemed);

  // Day labels under the lower panel, as many as fit without touching ("MM-DD": the year is in the summary line).
  const labelW = textWidth('00-00') * S;
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / (labelW + 16)))));
  days.forEach((d, i) => {
    if (i % every !== 0) return;
    const label = d.day.slice(5);
    r.line(slotCentre(i), points.y + points.h, slotCentre(i), points.y + points.h + 4, CHART_COLOURS.axis);
    r.text(Math.round(slotCentre(i) - labelW / 2), points.y + points.h + 10, label, CHART_COLOURS.muted, S);
  });

  return { raster: r, layout: { width: WIDTH, height: HEIGHT, members, points, slotCentre, barWidth } };
}

/** Gridlines with their values on the left, and the base line. */
function axes(r: Raster, plot: Rect, max: number): void {
  for (let k = 0; k <= Y_INTERVALS; k++) {
    const value = (max / Y_INTERVALS) * k;
    const y = Math.round(plot.y + plot.h - (plot.h * k) / Y_INTERVALS);
    if (k > 0) r.line(plot.x, y, plot.x + plot.w - 1, y, CHART_COLOURS.grid);
    const label = compact(value);
    r.text(plot.x - 10 - textWidth(label) * S, y - Math.floor((GLYPH_HEIGHT * S) / 2), label, CHART_COLOURS.muted, S);
  }
  r.line(plot.x, plot.y, plot.x, plot.y + plot.h, CHART_COLOURS.axis);
  r.line(plot.x, plot.y + plot.h, plot.x + plot.w - 1, plot.y + plot.h, CHART_COLOURS.axis);
}

/** A line through the values at the slot centres, with a marker on each day when there are few. */
function series(r: Raster, plot: Rect, max: number, values: readonly number[], x: (i: number) => number, colour: Rgba): void {
  const y = (v: number): number => Math.round(plot.y + plot.h - (Math.max(0, v) / max) * plot.h);
  for (let i = 1; i < values.length; i++) r.line(x(i - 1), y(values[i - 1]!), x(i), y(values[i]!), colour, 3);
  if (values.length <= 31) values.forEach((v, i) => r.fillRect(Math.round(x(i)) - 3, y(v) - 3, 7, 7, colour));
}

function legend(r: Raster, x: number, y: number, items: ReadonlyArray<readonly [string, Rgba]>): void {
  let at = x;
  for (const [label, colour] of items) {
    r.fillRect(at, y, 14, 14, colour);
    r.text(at + 22, y, label, CHART_COLOURS.text, S);
    at += 22 + textWidth(label) * S + 32;
  }
}

/** The smallest "nice" top of scale (1, 2, 2.5, 3 or 5 × 10^k per interval) at or above `max`; at least one per interval. */
export function niceMax(max: number): number {
  const raw = Math.max(1, max / Y_INTERVALS);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 3, 5, 10].map((m) => m * magnitude).find((s) => s >= raw && Number.isInteger(s)) ?? 10 * magnitude;
  return step * Y_INTERVALS;
}

/** 950 → "950", 12 500 → "12.5K", 3 000 000 → "3M". */
export function compact(value: number): string {
  const abs = Math.abs(value);
  const [div, unit] = abs >= 1e9 ? [1e9, 'B'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e4 ? [1e3, 'K'] : [1, ''];
  const scaled = value / div;
  const text = unit === '' ? String(Math.round(scaled)) : scaled.toFixed(1).replace(/\.0$/, '');
  return `${text}${unit}`;
}

// Printable ASCII only: anything else has no glyph.
function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '').replace(/\s+/g, ' ').trim().slice(0, Math.floor((WIDTH - 48) / (GLYPH_ADVANCE * 3)));
}
