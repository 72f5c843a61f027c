import { Buffer } from 'node:buffer';
import { open } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import { InputError } from '../errors.js';

export type FieldPath = ReadonlyArray<string | number>;

/**
 * A configuration file (scenarios.yaml, agent.yaml) is written by hand: a few KiB. The YAML parser
 * takes seconds and hundreds of MB per ten MB, so a larger file is refused before it is parsed.
 * Large data belongs in the files a scenario names (captures), not inline.
 */
export const MAX_YAML_BYTES = 1024 * 1024;

/** A parsed YAML file that can say where any field path is: every error names file:line:col and the field. */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static async read(file: string): Promise<YamlSource> {
    let text: string;
    try {
      text = await readCapped(file);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    return YamlSource.parse(file, text);
  }

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const first = doc.errors[0];
    if (first) {
      const pos = lines.linePos(first.pos[0]);
      throw new InputError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${first.message.split('\n')[0]}`);
    }
    return new YamlSource(file, doc, lines);
  }

  /** The data; aliases are expanded up to the yaml library's limit, beyond it an error names the alias. */
  toJS(): unknown {
    try {
      return this.doc.toJS();
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      const alias = amplifyingAlias(this.doc);
      const pos = this.lines.linePos(alias?.range?.[0] ?? 0);
      throw new InputError(`${this.file}:${pos.line}:${pos.col}: ${alias ? `alias *${alias.source}: ` : ''}aliases expand too far (${err.message.toLowerCase()}); write the data out instead of nesting aliases of aliases`);
    }
  }

  /**
   * "file:line:col" of the field at `path`; `key` points at the key of a map entry rather than its
   * value (for unknown keys). Falls back to the deepest ancestor that exists (for missing fields).
   */
  where(path: FieldPath, key?: string): string {
    let node: Node | null = this.doc.contents;
    const walk = key === undefined ? path : [...path, key];
    for (let i = 0; i < walk.length && node; i++) {
      const step = walk[i]!;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : undefined) === String(step));
        if (!pair) break;
        const last = i === walk.length - 1 && key !== undefined;
        node = (last ? pair.key : pair.value) as Node | null;
      } else if (isSeq(node) && typeof step === 'number') {
        node = (node.items[step] as Node | undefined) ?? node;
        if (node === undefined) break;
      } else break;
    }
    const offset = node?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    return `${this.file}:${pos.line}:${pos.col}`;
  }

  /** An InputError that names the place and the field. */
  error(path: FieldPath, message: string, key?: string): InputError {
    const field = fieldName(key === undefined ? path : [...path, key]);
    return new InputError(`${this.where(path, key)}: ${field ? `${field}: ` : ''}${message}`);
  }
}

/** ["scenarios", 0, "load", 1, "rate"] → "scenarios[0].load[1].rate". */
export function fieldName(path: FieldPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The file's text, refused (without reading it all) when it is larger than MAX_YAML_BYTES. */
async function readCapped(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(MAX_YAML_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > MAX_YAML_BYTES) {
        const size = (await fh.stat()).size;
        const shown = size > MAX_YAML_BYTES ? `${(size / 1024 ** 2).toFixed(1)} MiB` : 'more than 1 MiB';
        throw new InputError(`${file}: ${shown} is larger than a configuration file may be (1 MiB); keep large data (captures, bodies) in the files it names`);
      }
    }
    return buf.toString('utf8', 0, n);
  } finally {
    await fh.close();
  }
}

/** The first alias whose target itself holds aliases (where an alias bomb multiplies), else the first alias. */
function amplifyingAlias(doc: Document): Alias | undefined {
  let first: Alias | undefined;
  let nested: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      first ??= node;
      const target = node.resolve(doc);
      let holds = false;
      if (target) visit(target, { Alias: () => ((holds = true), visit.BREAK) });
      if (!holds) return undefined;
      nested = node;
      return visit.BREAK;
    },
  });
  return nested ?? first;
}
