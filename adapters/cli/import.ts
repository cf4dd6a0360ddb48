// `npm run import -- customers FILE.csv [--rejects FILE] [--brand ID]` and `… transactions FILE.csv …`: the
// command-line face of core/import. Progress goes to stderr, as a bar when stderr is a terminal and as a plain
// line every few seconds otherwise (CI logs, redirected output); the summary goes to `out`.
import { importCustomersCsv, importTransactionsCsv, type ImportProgress } from '../../core/import/index.js';
import type { CoreDeps } from '../../core/shared/index.js';

/** What the import command needs from the composition root. */
export interface ImportCliDeps {
  core: CoreDeps;
  /** The brand imported into unless `--brand` names another (the app's BRAND_ID). */
  brandId: string;
  /** Where progress is shown; a bar only when `isTTY`. */
  stderr: { isTTY?: boolean | undefined; columns?: number | undefined; write(s: string): unknown };
}

/** Where the summary is printed. */
export interface CliOut {
  write(s: string): unknown;
}

const USAGE = `usage: import customers|transactions FILE.csv [--rejects FILE] [--brand ID]
  customers     columns: name, phone, email, birthday, language, member_code, points, phone_verified
  transactions  columns: store_code, external_id, occurred_at, total_minor, currency, member_code, phone,
                sku, category, quantity, amount_minor (one row per receipt line)
  Bad rows are written to the rejects file (default FILE.rejects.csv) with a reason; the import goes on.
  Safe to run again: a second run of the same file changes nothing.
`;

/** Runs the import command; returns the process exit code (0 done, 1 failed, 2 bad usage). */
export async function runImport(argv: readonly string[], deps: ImportCliDeps, out: CliOut): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    deps.stderr.write(`${args}\n${USAGE}`);
    return 2;
  }
  const progress = progressReporter(deps.stderr, args.kind);
  const started = Date.now();
  try {
    const common = { brandId: args.brand ?? deps.brandId, file: args.file, rejectsFile: args.rejects, onProgress: progress.update };
    const summary: Record<string, number> =
      args.kind === 'customers' ? { ...(await importCustomersCsv(deps.core, common)) } : { ...(await importTransactionsCsv(deps.core, common)) };
    progress.end();
    const seconds = (Date.now() - started) / 1000;
    out.write(`Imported ${args.kind} from ${args.file} in ${seconds.toFixed(1)} s\n`);
    for (const [k, v] of Object.entries(summary)) out.write(`  ${k.padEnd(18)} ${v.toLocaleString('en-US')}\n`);
    if (summary.rejected) out.write(`Rejected rows and reasons: ${args.rejects}\n`);
    return 0;
  } catch (err) {
    progress.end();
    deps.stderr.write(`import failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

interface Args {
  kind: 'customers' | 'transactions';
  file: string;
  rejects: string;
  brand?: string;
}

function parseArgs(argv: readonly string[]): Args | string {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rejects' || a === '--brand') {
      const v = argv[++i];
      if (!v) return `${a} needs a value`;
      flags.set(a.slice(2), v);
    } else if (a.startsWith('--')) {
      return `unknown option ${a}`;
    } else {
      positional.push(a);
    }
  }
  const [kind, file, extra] = positional;
  if (kind !== 'customers' && kind !== 'transactions') return kind ? `unknown import "${kind}"` : 'what to import?';
  if (!file) return 'which file?';
  if (extra) return `unexpected argument ${extra}`;
  const brand = flags.get('brand');
  return { kind, file, rejects: flags.get('rejects') ?? `${file.replace(/\.csv$/i, '')}.rejects.csv`, ...(brand ? { brand } : {}) };
}

/** A progress bar on a terminal; elsewhere a plain line every 5 seconds (a bar's carriage returns garble logs). */
function progressReporter(stderr: ImportCliDeps['stderr'], kind: string): { update: (p: ImportProgress) => void; end: () => void } {
  let lastLine = 0;
  let drawn = false;
  return {
    update(p) {
      const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
      const status = p.phase === 'merging' ? 'merging…' : p.phase === 'done' ? 'done' : `${p.rowsRead.toLocaleString('en-US')} rows`;
      const rejected = p.rejected > 0 ? `, ${p.rejected.toLocaleString('en-US')} rejected` : '';
      if (stderr.isTTY) {
        const width = Math.max(10, Math.min(40, (stderr.columns ?? 80) - 50));
        const filled = Math.round(fraction * width);
        stderr.write(`\r${kind} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${status}${rejected}\x1b[K`);
        drawn = true;
      } else if (Date.now() - lastLine >= 5_000 || p.phase !== 'reading') {
        lastLine = Date.now();
        stderr.write(`${kind}: ${(fraction * 100).toFixed(0)}% ${status}${rejected}\n`);
      }
    },
    end() {
      if (drawn) stderr.write('\n');
      drawn = false;
    },
  };
}
