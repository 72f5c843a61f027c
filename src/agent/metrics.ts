/** One sample for the Prometheus text exposition format (version 0.0.4). */
export interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  value: number;
  labels?: Record<string, string>;
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Metrics of the same name are grouped under one HELP/TYPE, as the format requires. */
export function prometheusText(metrics: readonly Metric[]): string {
  const byName = new Map<string, Metric[]>();
  for (const m of metrics) {
    const list = byName.get(m.name);
    if (list) list.push(m);
    else byName.set(m.name, [m]);
  }
  let out = '';
  for (const [name, list] of byName) {
    out += `# HELP ${name} ${list[0]!.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${list[0]!.type}\n`;
    for (const m of list) {
      const labels = m.labels && Object.keys(m.labels).length ? `{${Object.entries(m.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      out += `${name}${labels} ${Number.isFinite(m.value) ? m.value : 0}\n`;
    }
  }
  return out;
}
