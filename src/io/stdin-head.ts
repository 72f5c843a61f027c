/**
 * `tcpdump -w - | shadowtap cat -`: stdin's first bytes, put back, so that the registry can tell a
 * packet capture from a JSONL stream by its magic before the reader starts from the first byte. Read
 * once per stream: whoever asks again (the kind, then the source) gets the same bytes.
 */
const heads = new WeakMap<NodeJS.ReadableStream, Promise<Buffer | undefined>>();

export function stdinHead(stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer | undefined> {
  let head = heads.get(stdin);
  if (!head) heads.set(stdin, (head = firstChunk(stdin)));
  return head;
}

async function firstChunk(stdin: NodeJS.ReadableStream): Promise<Buffer | undefined> {
  const head = await new Promise<Buffer | null>((resolve) => {
    const onEnd = (): void => resolve(null);
    stdin.once('end', onEnd);
    stdin.once('data', (chunk: Buffer) => {
      stdin.pause();
      stdin.off('end', onEnd);
      resolve(chunk);
    });
  });
  if (!head) return undefined;
  stdin.unshift(head);
  return head;
}

/**
 * A JSON document (a HAR export: `{"log": …}`) rather than a capture's JSON lines. A capture's lines are
 * its header or entries, neither with a `log` key, and a line never breaks after its `{`; a pretty-printed
 * document does, and a writer may hand over no more than that `{` in its first chunk.
 */
export function isHarHead(head: Buffer | undefined): boolean {
  return head !== undefined && /^\uFEFF?\s*\{(?:\s*"log"\s*:|[ \t]*\r?\n|\s*$)/.test(head.toString('utf8', 0, 256));
}
