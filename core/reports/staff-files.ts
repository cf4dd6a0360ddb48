// Files made for staff (a segment export CSV, a stats chart PNG) that a chat cannot carry itself: stored in the
// database and fetched by a link holding a random token. Only the token's SHA-256 is stored, so a database dump holds
// no working link; the link works until it expires, as often as asked (LINE fetches an image more than once).
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { AppError, type CoreDeps } from '../shared/index.js';
import { schema } from '../../db/index.js';

/** How long a link works unless the caller says otherwise. */
export const STAFF_FILE_DEFAULT_TTL_MINUTES = 60;
/** The largest file stored (a CSV of a large segment is a few MB; anything bigger belongs in an export job). */
export const STAFF_FILE_MAX_BYTES = 20 * 1024 * 1024;

/** What `createStaffFile` stores. */
export interface CreateStaffFileInput {
  brandId: string;
  /** The staff member it was made for (staff_members.id), when there is one. */
  staffId?: string;
  fileName: string;
  mimeType: string;
  data: Uint8Array;
  /** Default 60 minutes; at most a week. */
  ttlMinutes?: number;
}

/** A stored file, as `takeStaffFile` returns it. */
export interface StaffFile {
  id: string;
  brandId: string;
  fileName: string;
  mimeType: string;
  data: Uint8Array;
  expiresAt: Date;
}

/** Stores a file and returns the token of its link (32 random bytes, base64url) and its id. */
export async function createStaffFile(deps: CoreDeps, input: CreateStaffFileInput): Promise<{ token: string; id: string; expiresAt: Date }> {
  const ttl = input.ttlMinutes ?? STAFF_FILE_DEFAULT_TTL_MINUTES;
  if (!Number.isFinite(ttl) || ttl <= 0 || ttl > 7 * 24 * 60) throw new AppError('INVALID_INPUT', 'ttlMinutes must be between 0 and one week');
  if (input.data.length > STAFF_FILE_MAX_BYTES) throw new AppError('INVALID_INPUT', `a staff file may hold at most ${STAFF_FILE_MAX_BYTES} bytes`);
  if (input.fileName.trim() === '' || input.mimeType.trim() === '') throw new AppError('INVALID_INPUT', 'a staff file needs a name and a type');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(deps.clock.now().getTime() + ttl * 60_000);
  const [row] = await deps.db
    .insert(schema.staffFiles)
    .values({
      brandId: input.brandId,
      tokenHash: hashStaffFileToken(token),
      fileName: input.fileName,
      mimeType: input.mimeType,
      // node-postgres writes a Buffer as bytea; PGlite takes any Uint8Array.
      content: Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength),
      ...(input.staffId !== undefined ? { staffId: input.staffId } : {}),
      expiresAt,
    })
    .returning({ id: schema.staffFiles.id });
  if (!row) throw new AppError('INTERNAL', 'staff file not stored');
  return { token, id: row.id, expiresAt };
}

/** The file behind a link token, or null when there is none or it has expired. Does not use the link up. */
export async function takeStaffFile(deps: CoreDeps, input: { token: string }): Promise<StaffFile | null> {
  // A token we never issue (wrong length or alphabet) cannot match: no need to ask the database.
  if (!/^[A-Za-z0-9_-]{43}$/.test(input.token)) return null;
  const f = schema.staffFiles;
  const [row] = await deps.db
    .select({ id: f.id, brandId: f.brandId, fileName: f.fileName, mimeType: f.mimeType, content: f.content, expiresAt: f.expiresAt })
    .from(f)
    .where(and(eq(f.tokenHash, hashStaffFileToken(input.token)), gt(f.expiresAt, deps.clock.now())));
  if (!row) return null;
  return { id: row.id, brandId: row.brandId, fileName: row.fileName, mimeType: row.mimeType, data: new Uint8Array(row.content), expiresAt: row.expiresAt };
}

/** Deletes expired files (a scheduled job's work); returns how many went. */
export async function pruneStaffFiles(deps: CoreDeps): Promise<number> {
  const gone = await deps.db.delete(schema.staffFiles).where(lt(schema.staffFiles.expiresAt, deps.clock.now())).returning({ id: schema.staffFiles.id });
  return gone.length;
}

/** The stored form of a token (SHA-256, hex). */
export function hashStaffFileToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
