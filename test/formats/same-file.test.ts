import { describe, expect, it } from 'vitest';
import { linkSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../../src/errors.js';
import { convertCommand } from '../../src/cli/commands/convert.js';
import { captureCommand } from '../../src/cli/commands/capture.js';
import { CaptureWriter } from '../../src/formats/capture-file.js';
import { classicPcap } from '../helpers/capture-packets.js';
import { sampleExchange } from '../helpers/exchanges.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-same-file-');
type Handler = (a: Record<string, unknown>) => Promise<void>;
const convert = convertCommand.handler as unknown as Handler;
const capture = captureCommand.handler as unknown as Handler;

async function capture3(name: string): Promise<string> {
  const path = join(dir, name);
  const w = CaptureWriter.open(path);
  for (let i = 0; i < 3; i++) await w.write(sampleExchange(i));
  await w.close();
  return path;
}

async function refused(run: Promise<void>): Promise<void> {
  const err = await run.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(/input and output are the same file/);
}

describe('an output that is one of the inputs is refused before it is opened (exit 2), the input left whole', () => {
  it('convert: the same name, ./name, a symlink, a hard link', async () => {
    const file = await capture3('same.jsonl');
    const before = readFileSync(file);
    symlinkSync(file, join(dir, 'link.jsonl'));
    linkSync(file, join(dir, 'hard.jsonl'));
    const dotted = `./${relative(process.cwd(), file)}`;
    for (const [input, output] of [[file, file], [file, dotted], [join(dir, 'link.jsonl'), file], [file, join(dir, 'hard.jsonl')]]) {
      await refused(convert({ input, output, redact: true, 'skip-invalid': false }));
      expect(readFileSync(file).equals(before), `${input} → ${output}`).toBe(true);
    }
    // Another file is still written.
    await convert({ input: file, output: join(dir, 'other.jsonl'), redact: true, 'skip-invalid': false });
    expect(readFileSync(join(dir, 'other.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('capture --read X --out X (packets read whatever the file is called)', async () => {
    const file = join(dir, 'packets.jsonl');
    const pcap = classicPcap([], { linkType: 1 });
    writeFileSync(file, pcap);
    await refused(capture({ read: file, out: file, port: [], redact: true, 'max-body': 1 << 20, 'buffer-kib': 1024 }));
    expect(readFileSync(file).equals(pcap)).toBe(true);
  });
});
