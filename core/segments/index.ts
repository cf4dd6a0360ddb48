/** Segments: the segment language (parse, compile to SQL over member_facts), counts, previews, CSV export, saved segments, RFM. */
export { parseSegment, formatSegmentError, MAX_EXPRESSION_LENGTH } from './parser.js';
export type { SegmentError, SegmentAst, SegmentComparison, SegmentOp, SegmentValue } from './parser.js';
export { compileSegment } from './compile.js';
export type { CompileContext, CompileTier, CompileStore } from './compile.js';
export { FIELD_NAMES, RFM_SEGMENTS, CHANNELS, lookupField, rfmCode } from './fields.js';
export type { SegmentField, FieldKind, RfmSegment } from './fields.js';
export { segmentWhere, scopeWhere, countSegment, previewSegment, exportSegmentCsv, saveSegment, getSegment, listSegments, segmentVisibleTo, EXPORT_LIMIT } from './segments.js';
export type { SegmentRow, SegmentInput, SegmentPreview, SegmentSampleMember } from './segments.js';
export { computeRfm, refreshMemberFacts } from './rfm.js';
export { registerSegmentJobs, SEGMENT_JOBS, RFM_CRON } from './jobs.js';
export { csvCell, toCsv } from './csv.js';
