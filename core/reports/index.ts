/** Reports: brand figures for a period, their chart as a PNG, and expiring download links for files made for staff. */
export { brandStats, daysBetween, MAX_STATS_DAYS } from './stats.js';
export type { BrandStats, BrandStatsInput, DailyStats, NpsStats } from './stats.js';
export { renderStatsChart, CHART_COLOURS } from './chart.js';
export type { StatsChartOptions } from './chart.js';
export { encodePng, crc32, Raster } from './png.js';
export type { Rgba } from './png.js';
export { createStaffFile, takeStaffFile, pruneStaffFiles, hashStaffFileToken, STAFF_FILE_DEFAULT_TTL_MINUTES, STAFF_FILE_MAX_BYTES } from './staff-files.js';
export type { CreateStaffFileInput, StaffFile } from './staff-files.js';
export { registerReportJobs, REPORT_JOBS } from './jobs.js';
