import type { Agent } from './agent.js';
import { prometheusText, type Metric } from './metrics.js';

/** The agent's counters as Prometheus metrics (names prefixed shadowtap_agent_). */
export function agentMetrics(a: Agent): string {
  const m: Metric[] = [];
  const add = (type: Metric['type']) => (name: string, help: string, value: number, labels?: Record<string, string>): void =>
    void m.push({ name: `shadowtap_agent_${name}`, help, type, value, ...(labels ? { labels } : {}) });
  const counter = add('counter');
  const gauge = add('gauge');
  const h = a.health();
  gauge('up', 'Whether the agent is healthy (1) or degraded (0).', h.status === 'ok' ? 1 : 0);
  gauge('paused', 'Whether capture is paused.', a.paused ? 1 : 0);
  gauge('source_up', 'Whether the source is capturing.', a.source.state.up ? 1 : 0, { source: a.source.state.kind });
  counter('source_restarts_total', 'Times the source (tcpdump) was restarted.', a.source.state.restarts);
  counter('exchanges_captured_total', 'Exchanges the source produced.', a.captured);
  counter('exchanges_paused_dropped_total', 'Exchanges dropped while paused.', a.pausedDropped);
  const c = a.source.state.capture;
  if (c) {
    counter('packets_total', 'Packets read from tcpdump.', c.packets);
    counter('kernel_drops_total', 'Packets tcpdump reported dropped by the kernel.', c.kernelDrops ?? 0);
    counter('capture_gaps_total', 'TCP gaps (missing bytes) seen in captured streams.', c.gaps);
  }
  const p = a.source.state.proxy;
  if (p) {
    counter('proxy_requests_total', 'Requests forwarded by the recording proxy.', p.requests);
    counter('proxy_dropped_total', 'Exchanges the proxy could not hand to the sinks (queue full).', p.dropped);
    counter('proxy_upstream_errors_total', 'Requests the upstream did not answer whole.', p.upstreamErrors);
    counter('proxy_client_aborts_total', 'Requests whose client went away before the response was complete.', p.clientAborts);
    counter('proxy_request_timeouts_total', 'Requests cut because their head or body did not arrive in time.', p.requestTimeouts);
    counter('proxy_cut_at_stop_total', 'Requests still in flight when the stop grace ran out.', p.cutAtStop);
  }
  const f = a.files?.counts;
  if (f) {
    counter('file_exchanges_written_total', 'Exchanges written to capture files.', f.written);
    counter('file_exchanges_dropped_total', 'Exchanges not written.', f.dropped, { reason: 'queue_full' });
    counter('file_exchanges_dropped_total', 'Exchanges not written.', f.droppedDisk, { reason: 'disk' });
    counter('file_exchanges_dropped_total', 'Exchanges not written.', f.lostAtStop, { reason: 'stop' });
    counter('files_rotated_total', 'Capture files finished (rotated).', f.filesFinished);
    counter('files_deleted_total', 'Capture files deleted to stay under the disk cap.', f.filesDeleted);
    gauge('file_current_bytes', 'Size of the capture file being written.', f.currentBytes);
    gauge('files_degraded', 'Whether writing capture files fails (disk full or unwritable).', f.degraded ? 1 : 0);
  }
  const mi = a.mirror?.counts;
  if (mi) {
    counter('mirror_offered_total', 'Exchanges offered to mirroring.', mi.offered);
    counter('mirror_sent_total', 'Exchanges mirrored to the shadow targets.', mi.mirrored);
    counter('mirror_errors_total', 'Mirrored requests that failed.', mi.errors);
    for (const [reason, v] of [['sampled_out', mi.sampledOut], ['rate_limited', mi.rateLimited], ['queue_full', mi.queueDropped], ['target_queue_full', mi.engineDropped]] as const) {
      counter('mirror_dropped_total', 'Exchanges not mirrored, by reason.', v, { reason });
    }
  }
  const st = a.stream?.stats();
  if (st) {
    counter('stream_published_total', 'Exchanges published into the Redis stream.', st.published);
    counter('stream_dropped_total', 'Exchanges not published, by reason.', st.droppedQueueFull, { reason: 'queue_full' });
    counter('stream_dropped_total', 'Exchanges not published, by reason.', st.droppedFailed, { reason: 'refused' });
    counter('stream_dropped_total', 'Exchanges not published, by reason.', st.lostAtStop, { reason: 'stop' });
    gauge('stream_queue_depth', 'Exchanges waiting to be published.', st.queued);
    counter('stream_reconnects_total', 'Reconnect attempts to Redis.', st.reconnects);
    gauge('stream_connected', 'Whether the connection to Redis is up.', st.connected ? 1 : 0);
  }
  gauge('resident_memory_bytes', 'Resident set size of the agent process.', process.memoryUsage().rss);
  return prometheusText(m);
}
