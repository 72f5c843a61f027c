import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Exchange } from '../../exchange.js';
import { InputError } from '../../errors.js';
import { openMaybeGzip, readLines } from '../../formats/lines.js';
import { AlbLineError, albLineToExchange } from '../../capture/alb/to-exchange.js';
import type { InputModule } from '../source.js';
import { batched, stoppable } from '../batches.js';

export interface AlbStats {
  files: number;
  lines: number;
  exchanges: number;
  /** Valid lines without a usable request (the load balancer logged "- - -"). */
  skipped: number;
  malformed: number;
  /** "file:line" of the first malformed lines (at most 100 kept). */
  malformedAt: string[];
}

export interface AlbOptions {
  onWarning?: (message: string) => void;
  stats?: AlbStats;
}

export function newAlbStats(): AlbStats {
  return { files: 0, lines: 0, exchanges: 0, skipped: 0, malformed: 0, malformedAt: [] };
}

/** Files under the given paths (directories walked recursively, names sorted: ALB names sort by time). */
export async function albLogFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, top: boolean): Promise<void> => {
    let s;
    try {
      s = await stat(p);
    } catch (err) {
      throw new InputError(`${p}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (s.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const n of names) if (!n.startsWith('.')) await walk(join(p, n), false);
    } else if (top || /\.(log|txt)(\.gz)?$|\.gz$/i.test(p)) out.push(p);
  };
  for (const p of paths) await walk(p, true);
  return out;
}

/** ALB access logs (plain or gzip, files or directories) as exchanges; malformed lines counted, not fatal. */
export async function* readAlbLogs(paths: string[], opts: AlbOptions = {}): AsyncGenerator<Exchange> {
  const stats = opts.stats ?? newAlbStats();
  const files = await albLogFiles(paths);
  if (files.length === 0) throw new InputError(`${paths.join(', ')}: no ALB log files found`);
  for (const file of files) {
    stats.files++;
    const name = basename(file);
    for await (const line of readLines(await openMaybeGzip(file), { file })) {
      if (line.text.trim() === '') continue;
      stats.lines++;
      try {
        const r = albLineToExchange(line.text, `${name}:${line.number}`, file);
        if ('skipped' in r) stats.skipped++;
        else {
          stats.exchanges++;
          yield r.exchange;
        }
      } catch (err) {
        if (!(err instanceof AlbLineError)) throw err;
        stats.malformed++;
        if (stats.malformedAt.length < 100) stats.malformedAt.push(`${file}:${line.number}`);
        opts.onWarning?.(`${file}:${line.number}: ${err.message}`);
      }
    }
  }
}

/** AWS ALB access logs: the target and `opts.more` are files or directories (plain or .gz). */
export const input: InputModule = {
  async open(first, opts) {
    const paths = [first, ...(opts.more ?? [])];
    const stats = newAlbStats();
    const read = { stats, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) };
    return { name: paths.join(', '), origin: { kind: 'alb-log', paths }, ...stoppable(() => batched(readAlbLogs(paths, read))), stats: () => stats };
  },
};
