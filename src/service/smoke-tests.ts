import { request } from 'undici';

/** One entry of /test's `Tests[]`: the names are the service's public contract. */
export interface SmokeTestResult {
  Name: string;
  Description: string;
  Endpoint: string;
  Success: boolean;
  Error: string | null;
}

interface SmokeTestCase {
  name: string;
  description: string;
  endpoint: string;
  check: (status: number, body: string) => string | null;
}

const CASES: SmokeTestCase[] = [
  {
    name: 'health',
    description: 'the service reports itself healthy and connected to its database',
    endpoint: '/health',
    check: (status, body) => {
      if (status !== 200) return `status ${status}`;
      const j = JSON.parse(body) as { DatabaseConnectivity?: boolean };
      return j.DatabaseConnectivity === true ? null : 'DatabaseConnectivity is not true';
    },
  },
  {
    name: 'render-page',
    description: 'a user can load the rendered page',
    endpoint: '/render',
    check: (status, body) => (status !== 200 ? `status ${status}` : body.includes('<html') ? null : 'no HTML in the page'),
  },
  {
    name: 'short-work',
    description: 'a short unit of work completes',
    endpoint: '/work?ms=1',
    check: (status, body) => (status !== 200 ? `status ${status}` : (JSON.parse(body) as { ok?: boolean }).ok ? null : 'ok is not true'),
  },
];

/**
 * Runs the smoke tests over real HTTP against the service's own base URL, like a deployed app's
 * self-test would: each request takes a thread of the pool, so an overloaded server fails its own tests.
 */
export async function runSmokeTests(baseUrl: string, timeoutMs = 5000): Promise<SmokeTestResult[]> {
  return Promise.all(
    CASES.map(async (c): Promise<SmokeTestResult> => {
      let error: string | null;
      try {
        const res = await request(new URL(c.endpoint, baseUrl), { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
        error = c.check(res.statusCode, await res.body.text());
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      return { Name: c.name, Description: c.description, Endpoint: c.endpoint, Success: error === null, Error: error };
    }),
  );
}
