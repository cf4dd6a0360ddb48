import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHART_COLOURS, compact, drawStatsChart, niceMax, renderStatsChart } from './chart.js';
import { crc32, encodePng, type Rgba } from './png.js';
import type { BrandStats, DailyStats } from './stats.js';

/** A strict little PNG reader for what encodePng writes: checks signature, chunk CRCs and IHDR, returns the pixels. */
function decodePng(png: Uint8Array): { width: number; height: number; pixel: (x: number, y: number) => Rgba } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    expect(view.getUint32(at + 8 + length), `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    types.push(type);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect([...data.subarray(8)]).toEqual([8, 6, 0, 0, 0]); // 8-bit RGBA, deflate, no filter method, no interlace
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  expect(raw.length).toBe(stride * height);
  for (let y = 0; y < height; y++) expect(raw[y * stride]).toBe(0); // filter None on every row
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = y * stride + 1 + x * 4;
      return [raw[i]!, raw[i + 1]!, raw[i + 2]!, raw[i + 3]!];
    },
  };
}

function report(daily: DailyStats[]): BrandStats {
  return {
    period: { from: new Date('2026-03-01T00:00:00+04:00'), to: new Date('2026-03-08T00:00:00+04:00') },
    timezone: 'Asia/Dubai',
    members: { total: 100, new: daily.reduce((n, d) => n + d.newMembers, 0), active: 9 },
    points: { issued: 5000, redeemed: 1200, expired: 0, outstanding: 40_000 },
    redemptionRate: 0.24,
    nps: null,
    tickets: { open: 2, slaBreaches: 1 },
    sales: { transactions: 12, revenueMinor: 120_000, currency: 'AED' },
    daily,
  };
}

const week = (newMembers: number[]): DailyStats[] =>
  newMembers.map((n, i) => ({ day: `2026-03-0${i + 1}`, newMembers: n, activeMembers: i, pointsIssued: 100 * i, pointsRedeemed: 20 * i }));

describe('encodePng', () => {
  it('writes a valid PNG whose pixels read back', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 40]);
    const png = decodePng(encodePng(2, 2, rgba));
    expect([png.width, png.height]).toEqual([2, 2]);
    expect([png.pixel(0, 0), png.pixel(1, 0), png.pixel(0, 1), png.pixel(1, 1)]).toEqual([
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 255, 255],
      [10, 20, 30, 40],
    ]);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(RangeError);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('renderStatsChart', () => {
  it('draws a bar where a day has new members and none where it has not', () => {
    const stats = report(week([0, 0, 7, 0, 3, 0, 0]));
    const png = decodePng(renderStatsChart(stats, { title: 'Stats last 7 days' }));
    const { layout } = drawStatsChart(stats);
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    const bar = CHART_COLOURS.newMembers;
    const plot = layout.members;
    const columnHas = (x: number, colour: Rgba): boolean => {
      for (let y = plot.y; y < plot.y + plot.h; y++) if (png.pixel(Math.round(x), y).join() === colour.join()) return true;
      return false;
    };
    // Day 3 has the tallest bar: its top is at the top gridline's height or below, and the bar reaches the base line.
    expect(columnHas(layout.slotCentre(2), bar)).toBe(true);
    expect(columnHas(layout.slotCentre(4), bar)).toBe(true);
    // Days without new members have no bar (the slot's edge, away from the active-members line and its markers).
    for (const day of [0, 1, 3, 5, 6]) expect(columnHas(layout.slotCentre(day) - layout.barWidth / 2 + 1, bar), `day ${day + 1}`).toBe(false);
    // The 7-member bar is more than twice as tall as the 3-member one.
    const height = (x: number): number => {
      let h = 0;
      for (let y = plot.y; y < plot.y + plot.h; y++) if (png.pixel(Math.round(x) - 2, y).join() === bar.join()) h++;
      return h;
    };
    expect(height(layout.slotCentre(2))).toBeGreaterThan(2 * height(layout.slotCentre(4)));
    // Background around, and the points lines in the lower panel.
    expect(png.pixel(layout.width - 2, layout.height - 2)).toEqual([...CHART_COLOURS.background]);
    const pointsPixels = new Set<string>();
    for (let y = layout.points.y; y < layout.points.y + layout.points.h; y++) {
      for (let x = layout.points.x; x < layout.points.x + layout.points.w; x += 2) pointsPixels.add(png.pixel(x, y).join());
    }
    expect(pointsPixels.has(CHART_COLOURS.pointsIssued.join())).toBe(true);
    expect(pointsPixels.has(CHART_COLOURS.pointsRedeemed.join())).toBe(true);
  });

  it('is deterministic, and stays English whatever the language', () => {
    const stats = report(week([1, 2, 3, 4, 5, 6, 7]));
    const en = renderStatsChart(stats, { title: 'Stats' });
    expect(Buffer.from(renderStatsChart(stats, { title: 'Stats' })).equals(Buffer.from(en))).toBe(true);
    expect(Buffer.from(renderStatsChart(stats, { title: 'Stats', language: 'ar' })).equals(Buffer.from(en))).toBe(true);
    // A title in a script the font lacks leaves its ASCII part (here nothing, so the default heading).
    expect(Buffer.from(renderStatsChart(stats, { title: 'إحصاءات' })).equals(Buffer.from(en))).toBe(true);
  });

  it('draws an empty period and a single day without failing', () => {
    expect(decodePng(renderStatsChart(report(week([0, 0, 0])))).width).toBe(960);
    expect(decodePng(renderStatsChart(report(week([4])))).height).toBe(600);
    const year = Array.from({ length: 366 }, (_, i) => ({ day: new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10), newMembers: i % 7, activeMembers: i, pointsIssued: i * 3, pointsRedeemed: i }));
    expect(decodePng(renderStatsChart(report(year))).width).toBe(960);
  });
});

describe('scale and labels', () => {
  it('rounds the top of the scale up to a nice number', () => {
    expect(niceMax(0)).toBe(4);
    expect(niceMax(7)).toBe(8);
    expect(niceMax(9)).toBe(12);
    expect(niceMax(1234)).toBe(2000);
    expect(niceMax(40_001)).toBe(80_000);
  });
  it('writes large numbers compactly', () => {
    expect([compact(950), compact(2500), compact(12_500), compact(3_000_000)]).toEqual(['950', '2500', '12.5K', '3M']);
  });
});
