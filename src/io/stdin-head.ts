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
