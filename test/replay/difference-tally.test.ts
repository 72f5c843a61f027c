import { describe, expect, it } from 'vitest';
import { DifferenceTally } from '../../src/replay/compare/tally.js';

const body = { field: 'body', expected: 'a', actual: 'b' };

describe('difference tally past its row limit', () => {
  it('keeps what differs when endpoints run out: "other" endpoint, the field named', () => {
    const t = new DifferenceTally(0, 'http://t');
    for (let i = 0; i < 600; i++) t.add(`r${i}`, `GET /files/item${i}.html`, [body, { field: 'status', expected: '200', actual: '500' }]);
    const fields = t.report(false).fields;
    expect(fields.reduce((n, f) => n + f.count, 0)).toBe(1200);
    const other = fields.filter((f) => f.endpoint === 'other').map((f) => `${f.field} ${f.count}`).sort();
    // 500 rows are 250 endpoints × 2 fields; the other 350 endpoints' differences keep their field.
    expect(other).toEqual(['body 350', 'status 350']);
  });

  it('fields without end (JSON paths into arrays) end in one "other other" row', () => {
    const t = new DifferenceTally(0, 'http://t');
    for (let i = 0; i < 1000; i++) t.add(`r${i}`, `GET /e${i}`, [{ field: `body.$.items[${i}]`, expected: '1', actual: '2' }]);
    const fields = t.report(false).fields;
    expect(fields.length).toBe(500 + 50 + 1);
    expect(fields.find((f) => f.endpoint === 'other' && f.field === 'other')?.count).toBe(450);
    expect(fields.reduce((n, f) => n + f.count, 0)).toBe(1000);
  });
});
