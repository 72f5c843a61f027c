import type { Exchange } from '../exchange.js';
import { headerValueOf } from '../exchange.js';
import type { Stage } from './stage.js';

export interface FilterOptions {
  /** Methods kept (case-insensitive); empty or absent: all. */
  methods?: readonly string[];
  /** Kept when the path (target without query) matches. */
  path?: RegExp;
  /** Kept when the Host header (or a HAR/ALB authority) matches, without port. */
  host?: RegExp;
}

/** Keeps the exchanges that match every given condition; the rest are counted as `filtered`. */
export function filterStage(o: FilterOptions): Stage {
  const methods = o.methods?.length ? new Set(o.methods.map((m) => m.toUpperCase())) : undefined;
  let filtered = 0;
  const keep = (ex: Exchange): boolean => {
    if (methods && !methods.has(ex.request.method.toUpperCase())) return false;
    if (o.path && !o.path.test(pathOf(ex.request.target))) return false;
    if (o.host && !o.host.test(hostOf(ex))) return false;
    return true;
  };
  return {
    name: 'filter',
    apply(batch: Exchange[]): Exchange[] {
      const out = batch.filter(keep);
      filtered += batch.length - out.length;
      return out.length === batch.length ? batch : out;
    },
    stats: () => ({ filtered }),
  };
}

function pathOf(target: string): string {
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rest = abs ? target.slice(abs[0].length) || '/' : target;
  const q = rest.search(/[?#]/);
  return q < 0 ? rest : rest.slice(0, q);
}

function hostOf(ex: Exchange): string {
  const h = headerValueOf(ex.request.headers, 'host') ?? /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/?#]*)/i.exec(ex.request.target)?.[1] ?? '';
  return h.replace(/:\d+$/, '').toLowerCase();
}
