import { describe, expect, it } from 'vitest';
import { albLineToExchange } from '../../src/capture/alb/to-exchange.js';
import { toHarEntry } from '../../src/formats/har-entry.js';

const tg = 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/t/73e2d6bc24d8a067';
const line = (type: string, url: string): string =>
  `${type} 2024-03-01T10:00:01.500000Z app/lb/x 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 200 200 5 257 "GET ${url} HTTP/1.1" "curl" - - ${tg} "Root=1-a" "-" "-" 0 2024-03-01T10:00:01.497000Z "forward" "-" "-" "10.0.0.66:9000" "200" "-" "-"`;

describe('ALB log lines keep their scheme', () => {
  for (const [type, url, want] of [
    ['http', 'http://www.example.com:80/a?b=1', 'http://www.example.com/a?b=1'],
    ['https', 'https://www.example.com:443/a?b=1', 'https://www.example.com/a?b=1'],
    ['h2', 'https://10.0.2.105:773/x', 'https://10.0.2.105:773/x'],
    ['wss', 'wss://10.0.0.30:443/socket', 'wss://10.0.0.30/socket'],
  ] as const) {
    it(`${type} ${url} → ${want}`, () => {
      const r = albLineToExchange(line(type, url), '1', 'test.log');
      if (!('exchange' in r)) throw new Error('skipped');
      expect(toHarEntry(r.exchange).request.url).toBe(want);
    });
  }
});
