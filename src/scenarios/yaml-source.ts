import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InputError } from '../errors.js';

export type FieldPath = ReadonlyArray<string | number>;

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
      text = await readFile(file, 'utf8');
    } catch (err) {
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

  toJS(): unknown {
    return this.doc.toJS();
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
