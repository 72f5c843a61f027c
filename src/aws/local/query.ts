/**
 * Reading awsQuery form parameters: lists are `Name.member.N` (ELBv2) or `Name.N` (EC2, flattened),
 * structures in lists are `Name.member.N.Field`.
 */
export type Params = URLSearchParams;

function indexed(params: Params, prefix: string): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const [key, value] of params) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const m = /^(\d+)(?:\.(.+))?$/.exec(rest);
    if (!m) continue;
    const n = Number(m[1]);
    const fields = out.get(n) ?? new Map<string, string>();
    fields.set(m[2] ?? '', value);
    out.set(n, fields);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** `Names.member.1=a&Names.member.2=b` → ['a', 'b']. */
export function listParam(params: Params, name: string, flattened = false): string[] {
  return [...indexed(params, flattened ? `${name}.` : `${name}.member.`).values()].map((f) => f.get('') ?? '');
}

/** `Targets.member.1.Id=x&Targets.member.1.Port=80` → [{Id: 'x', Port: '80'}]. */
export function structListParam(params: Params, name: string): Record<string, string>[] {
  return [...indexed(params, `${name}.member.`).values()].map((f) => Object.fromEntries(f));
}
