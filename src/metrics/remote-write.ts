import { compress } from 'snappyjs';
// Imported with this module, which loads only when remote write is asked for, before the run starts.
// Imported at the first batch, its ~160 ms of loading (idle machine) fell inside the run's schedule.
import { request } from 'undici';
import { encodeWriteRequest, type Series } from './write-request.js';

export interface RemoteWriteStats {
  sent: number;
  failed: number;
  /** batches left out: the queue was full (the endpoint is slower than the run), or still queued at close */
  dropped: number;
}

/**
 * Streams batches of samples to a Prometheus remote-write endpoint without ever making the load wait:
 * push() only queues (bounded; when full the oldest batch is dropped and counted), one request is in
 * flight at a time, and close() gives the last batches a bounded time to leave.
 */
export class RemoteWriter {
  private readonly queue: Series[][] = [];
  private sending: Promise<void> | undefined;
  readonly stats: RemoteWriteStats = { sent: 0, failed: 0, dropped: 0 };
  private lastError = '';
  private readonly giveUp = new AbortController();

  constructor(
    private readonly url: string,
    private readonly o: { maxQueue?: number; timeoutMs?: number; onError?: (message: string) => void } = {},
  ) {}

  push(batch: Series[]): void {
    if (batch.length === 0) return;
    if (this.queue.length >= (this.o.maxQueue ?? 60)) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.queue.push(batch);
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  private async drain(): Promise<void> {
    for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) {
      try {
        // undici's request, not fetch: fetch refuses the WHATWG "bad ports" (6000, 10080…) a receiver may listen on.
        const res = await request(this.url, {
          method: 'POST',
          headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0', 'User-Agent': 'shadowtap' },
          body: compress(encodeWriteRequest(batch)),
          signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs ?? 5000), this.giveUp.signal]),
        });
        await res.body.dump();
        if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`HTTP ${res.statusCode}`);
        this.stats.sent++;
      } catch (err) {
        // close() gave up waiting: what was still out is counted there, and nothing is said after.
        if (this.giveUp.signal.aborted) return;
        this.stats.failed++;
        const message = err instanceof Error ? err.message : String(err);
        // Said once per kind of failure, not once a second.
        if (message !== this.lastError) this.o.onError?.(`remote write: ${message}`);
        this.lastError = message;
      }
    }
  }

  /** Waits for the queue to empty, at most `waitMs`. */
  async close(waitMs = 5000): Promise<RemoteWriteStats> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.sending, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
    if (this.sending) {
      // The batch in flight did not get through in time, and those queued behind it never left.
      this.giveUp.abort();
      this.stats.failed++;
      this.stats.dropped += this.queue.splice(0).length;
    }
    return this.stats;
  }
}
