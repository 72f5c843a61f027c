import type * as Zod from 'zod';

/**
 * A small declarative shape for JSON documents, read two ways from one definition: `checker` compiles
 * a plain-function check for the hot path (capture lines, HAR entries: zod costs several µs per
 * entry), and `zodOf` builds the zod schema that decides what the check does not accept and names
 * the field when something is wrong. Only what the HAR entry needs is here.
 */
export type Shape<T = unknown> =
  | { readonly kind: 'string'; readonly min: number; readonly _t?: T }
  | { readonly kind: 'number'; readonly int: boolean; readonly nonnegative: boolean; readonly _t?: T }
  | { readonly kind: 'boolean'; readonly _t?: T }
  | { readonly kind: 'literal'; readonly value: string | boolean; readonly _t?: T }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly _t?: T }
  | { readonly kind: 'array'; readonly of: Shape; readonly _t?: T }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Shape>>; readonly loose: boolean; readonly _t?: T }
  | { readonly kind: 'optional'; readonly of: Shape; readonly _t?: T };

export type Infer<S> = S extends Shape<infer T> ? T : never;
type Optional = { readonly kind: 'optional' };
type OptionalKeys<F> = { [K in keyof F]: F[K] extends Optional ? K : never }[keyof F];
type Fields<F> = { [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Infer<F[K]> };

export const string = (o: { min?: number } = {}): Shape<string> => ({ kind: 'string', min: o.min ?? 0 });
export const number = (o: { int?: boolean; nonnegative?: boolean } = {}): Shape<number> => ({ kind: 'number', int: o.int ?? false, nonnegative: o.nonnegative ?? false });
export const boolean = (): Shape<boolean> => ({ kind: 'boolean' });
export const literal = <V extends string | boolean>(value: V): Shape<V> => ({ kind: 'literal', value });
export const oneOf = <V extends string>(values: readonly V[]): Shape<V> => ({ kind: 'enum', values });
export const array = <S extends Shape>(of: S): Shape<Infer<S>[]> => ({ kind: 'array', of });
export const optional = <S extends Shape>(of: S): Shape<Infer<S> | undefined> & Optional => ({ kind: 'optional', of }) as Shape<Infer<S> | undefined> & Optional;
/** Unknown keys are dropped (zod's `object`). */
export const object = <F extends Record<string, Shape>>(fields: F): Shape<Fields<F>> => ({ kind: 'object', fields, loose: false });
/** Unknown keys are kept as they are (zod's `looseObject`). */
export const looseObject = <F extends Record<string, Shape>>(fields: F): Shape<Fields<F> & Record<string, unknown>> => ({ kind: 'object', fields, loose: true });

/**
 * The fast check: the value as zod would give it (unknown keys of strict objects dropped, loose ones
 * kept), or undefined when it does not match (zod then says why). It is compiled to one function's
 * source, so that each check is inline code rather than a call through a closure per field (a
 * closure walk measured ~3.5 µs per HAR entry, no faster than zod; the compiled code ~0.6 µs). The
 * source comes only from the shape, our own constant definition; no input reaches it.
 *
 * What already is as zod would give it is returned itself, not copied (a HAR entry read whole is most
 * of the time): callers pass values fresh from JSON.parse, which nothing else holds. A copy is made
 * only of an object or array that something inside it changed in, or a strict object whose keys are
 * not exactly its known ones in the order the copy has them (required first, then optional ones).
 */
export function checker<S extends Shape>(shape: S): (v: unknown) => Infer<S> | undefined {
  const g = { n: 0, consts: [] as unknown[] };
  const body = emit(shape, 'v', g);
  return new Function('c', `return function check(v) {\n${body.code}\nreturn ${body.out};\n};`)(g.consts) as (v: unknown) => Infer<S> | undefined;
}

interface Emitted {
  code: string;
  /** An expression for the checked value: the input's own name when it is never a copy. */
  out: string;
}

const FAIL = 'return undefined;';

function emit(s: Shape, v: string, g: { n: number; consts: unknown[] }): Emitted {
  const id = (p: string): string => `${p}${++g.n}`;
  switch (s.kind) {
    case 'string':
      return { code: `if (typeof ${v} !== 'string'${s.min > 0 ? ` || ${v}.length < ${s.min}` : ''}) ${FAIL}`, out: v };
    case 'number':
      return { code: `if (typeof ${v} !== 'number' || !${s.int ? 'Number.isSafeInteger' : 'Number.isFinite'}(${v})${s.nonnegative ? ` || ${v} < 0` : ''}) ${FAIL}`, out: v };
    case 'boolean':
      return { code: `if (typeof ${v} !== 'boolean') ${FAIL}`, out: v };
    case 'literal':
      return { code: `if (${v} !== ${JSON.stringify(s.value)}) ${FAIL}`, out: v };
    case 'enum': {
      g.consts.push(new Set(s.values));
      return { code: `if (!c[${g.consts.length - 1}].has(${v})) ${FAIL}`, out: v };
    }
    case 'optional': {
      const inner = emit(s.of, v, g);
      if (inner.out === v) return { code: `if (${v} !== undefined) {\n${inner.code}\n}`, out: v };
      const o = id('o');
      return { code: `let ${o} = ${v};\nif (${v} !== undefined) {\n${inner.code}\n${o} = ${inner.out};\n}`, out: o };
    }
    case 'array': {
      const a = id('a');
      const i = id('i');
      const e = id('e');
      const inner = emit(s.of, e, g);
      const loop = `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\nconst ${e} = ${v}[${i}];\n${inner.code}\n`;
      if (inner.out === e) return { code: `if (!Array.isArray(${v})) ${FAIL}\n${loop}}`, out: v };
      // Copied from the first element that changed on; the ones before it are the same in the copy.
      const store = `if (${inner.out} !== ${e} && ${a} === ${v}) ${a} = ${v}.slice();\nif (${a} !== ${v}) ${a}[${i}] = ${inner.out};\n}`;
      return { code: `if (!Array.isArray(${v})) ${FAIL}\nlet ${a} = ${v};\n${loop}${store}`, out: a };
    }
    case 'object':
      return emitObject(s.fields, s.loose, v, g, id);
  }
}

function emitObject(fields: Readonly<Record<string, Shape>>, loose: boolean, v: string, g: { n: number; consts: unknown[] }, id: (p: string) => string): Emitted {
  const lines = [`if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v})) ${FAIL}`];
  const parts: { key: string; x: string; out: string; optional: boolean; changed: boolean }[] = [];
  for (const [k, f] of Object.entries(fields)) {
    const x = id('f');
    const inner = emit(f, x, g);
    lines.push(`const ${x} = ${v}[${JSON.stringify(k)}];`, inner.code);
    parts.push({ key: JSON.stringify(k), x, out: inner.out, optional: f.kind === 'optional', changed: inner.out !== x });
  }
  const o = id('r');
  const changed = parts.filter((p) => p.changed).map((p) => `${p.out} !== ${p.x}`);
  if (loose) {
    // Unknown keys kept: a copy of the whole object, with the fields that were copied in turn replaced.
    if (changed.length === 0) return { code: lines.join('\n'), out: v };
    lines.push(`let ${o} = ${v};`, `if (${changed.join(' || ')}) {`, `${o} = { ...${v} };`);
    for (const p of parts.filter((q) => q.changed)) lines.push(p.optional ? `if (${p.out} !== undefined) ${o}[${p.key}] = ${p.out};` : `${o}[${p.key}] = ${p.out};`);
    lines.push('}');
  } else {
    // Unknown keys dropped: the known ones only; an absent optional key stays absent, as in zod.
    const order = [...parts.filter((p) => !p.optional), ...parts.filter((p) => p.optional)];
    const required = order.filter((p) => !p.optional).length;
    g.consts.push(order.map((p) => JSON.parse(p.key) as string));
    const keys = `c[${g.consts.length - 1}]`;
    const [j, k, same] = [id('j'), id('k'), id('s')];
    // The object's own keys in order: the required ones, then optional ones in the order known (any may be absent).
    lines.push(
      `let ${same} = ${changed.length ? `!(${changed.join(' || ')})` : 'true'};`,
      `if (${same}) {\nlet ${j} = 0;\nfor (const ${k} in ${v}) {`,
      `if (${j} < ${required}) { if (${k} !== ${keys}[${j}++]) { ${same} = false; break; } continue; }`,
      `while (${j} < ${order.length} && ${keys}[${j}] !== ${k}) ${j}++;`,
      `if (${j}++ === ${order.length}) { ${same} = false; break; }`,
      `}\n}`,
      `let ${o} = ${v};`,
      `if (!${same}) {`,
      `${o} = { ${order.filter((p) => !p.optional).map((p) => `${p.key}: ${p.out}`).join(', ')} };`,
    );
    for (const p of parts.filter((q) => q.optional)) lines.push(`if (${p.key} in ${v}) ${o}[${p.key}] = ${p.out};`);
    lines.push('}');
  }
  return { code: lines.join('\n'), out: o };
}

/** The same shape as a zod schema (zod is passed in, so that it loads only when needed). */
export function zodOf(s: Shape, z: typeof Zod.z): Zod.ZodType {
  switch (s.kind) {
    case 'string':
      return s.min > 0 ? z.string().min(s.min) : z.string();
    case 'number': {
      let n = z.number();
      if (s.int) n = n.int();
      if (s.nonnegative) n = n.nonnegative();
      return n;
    }
    case 'boolean':
      return z.boolean();
    case 'literal':
      return z.literal(s.value);
    case 'enum':
      return z.enum(s.values as [string, ...string[]]);
    case 'optional':
      return zodOf(s.of, z).optional();
    case 'array':
      return z.array(zodOf(s.of, z));
    case 'object': {
      const shape = Object.fromEntries(Object.entries(s.fields).map(([k, f]) => [k, zodOf(f, z)]));
      return s.loose ? z.looseObject(shape) : z.object(shape);
    }
  }
}
