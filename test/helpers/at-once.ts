/**
 * Runs `jobs` with at most `n` in flight; resolves with their results in the jobs' order.
 * For a test's independent CLI runs: one process's start overlaps another's waits, and a bound keeps a
 * loaded 2-core machine from stretching each past its timeout.
 */
export async function atMost<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, lane));
  return results;
}
