// Serves the few files of a page (HTML, script, style) from a folder, with the headers every page of ours carries:
// revalidated on each load, no MIME sniffing, no framing, and a content security policy allowing only our own origin.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

/** One route's file and content type. */
export interface StaticFile {
  file: string;
  type: string;
}

/** Registers `GET path` for each file in `dir` (a folder path ending in '/'). */
export function serveStaticPages(app: FastifyInstance, dir: string, files: Record<string, StaticFile>, csp: string): void {
  for (const [path, { file, type }] of Object.entries(files)) {
    app.get(path, async (_req, reply) => {
      const content = await readFile(dir + file);
      return reply
        .type(type)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'same-origin')
        .header('content-security-policy', csp)
        .send(content);
    });
  }
}
