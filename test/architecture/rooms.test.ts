import { readdirSync, readFileSync } from 'node:fs';
import { join, normalize, relative, dirname } from 'node:path';
import { SRC, sources } from '../helpers/src-files.js';
import { describe, expect, it } from 'vitest';

/**
 * The room map of docs/ARCHITECTURE.md, enforced: which top-level folders of src/ each folder may
 * import. Files directly under src/ (exchange, errors, body, printable, version, form-urlencoded) are open to all.
 * KNOWN lists the wrong-way imports that exist today, file by file, so that no new one can creep in
 * and each one removed must also leave this list (the test fails on a stale entry too).
 */
const ALLOWED: Record<string, readonly string[]> = {
  units: [],
  http1: [],
  config: ['units'],
  stages: [],
  metrics: [],
  streams: ['stages', 'units'],
  io: ['capture', 'formats', 'stages', 'streams', 'units'],
  capture: ['http1', 'stages', 'units'],
  formats: ['capture', 'http1', 'stages', 'units'],
  replay: ['capture', 'formats', 'http1', 'io', 'metrics', 'stages', 'units'],
  report: ['replay', 'formats', 'units'],
  aws: ['config', 'replay', 'report', 'units'],
  scenarios: ['aws', 'config', 'distributed', 'io', 'metrics', 'replay', 'report', 'formats', 'units'],
  agent: ['capture', 'config', 'formats', 'io', 'replay', 'scenarios', 'stages', 'streams', 'units'],
  service: ['units'],
  distributed: ['replay', 'stages', 'units'],
  cli: ['agent', 'aws', 'capture', 'config', 'distributed', 'formats', 'http1', 'io', 'metrics', 'replay', 'report', 'scenarios', 'service', 'stages', 'streams', 'units'],
};

/** Wrong-way imports of today (loops between rooms): issue "One spine", rooms item. */
const KNOWN = new Set<string>([]);


const roomOf = (rel: string): string | undefined => (rel.includes('/') ? rel.split('/')[0] : undefined);

function edges(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file);
    const from = roomOf(rel);
    if (!from) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*['"](\.[^'"]+)['"]/g)) {
      const target = relative(SRC, normalize(join(dirname(file), m[1]!)));
      const to = roomOf(target);
      if (to && to !== from) out.set(`${rel} -> ${to}`, `${rel} imports ${target}`);
    }
  }
  return out;
}

describe('rooms (docs/ARCHITECTURE.md)', () => {
  const found = edges();
  it('every folder imports only the rooms its map line allows (or a listed known exception)', () => {
    const wrong: string[] = [];
    for (const [key, what] of found) {
      const [rel, to] = key.split(' -> ') as [string, string];
      const from = roomOf(rel)!;
      const allowed = ALLOWED[from];
      if (!allowed) wrong.push(`${rel}: room "${from}" is not in the map`);
      else if (!allowed.includes(to) && !KNOWN.has(key)) wrong.push(what);
    }
    expect(wrong).toEqual([]);
  });
  it('the known exceptions still exist (remove an entry once its import is gone)', () => {
    expect([...KNOWN].filter((k) => !found.has(k))).toEqual([]);
  });
  it('the map has every folder of src/', () => {
    const rooms = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(rooms.filter((r) => !(r in ALLOWED))).toEqual([]);
  });
});
