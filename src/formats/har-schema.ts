import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { EXCHANGE_FLAGS } from '../exchange.js';

type Z = typeof Zod.z;

/**
 * zod is loaded on first use only: capture lines are checked by har-fast-parse.ts, and zod runs only
 * to accept what that check did not, or to say what is wrong. Loading it costs ~50 ms of start-up
 * that a replay would otherwise pay before its first request.
 */
let built: ReturnType<typeof build> | undefined;

/** What a HAR 1.2 entry must have for shadowtap to use it; unknown fields are allowed (HAR tools add many). */
export function harEntrySchema(): ReturnType<typeof build> {
  built ??= build((createRequire(import.meta.url)('zod') as typeof Zod).z);
  return built;
}

function build(z: Z) {
  const header = z.object({ name: z.string(), value: z.string() });
  const bodyMeta = z.object({ size: z.number().int().nonnegative(), truncated: z.boolean() });
  const interim = z.object({ status: z.number().int(), reason: z.string(), headers: z.array(header), atUs: z.number() });

  return z.looseObject({
    startedDateTime: z.string().optional(), // required by HAR 1.2; a missing one is reported, not fatal
    time: z.number(),
    request: z.looseObject({
      method: z.string().min(1),
      url: z.string().min(1),
      httpVersion: z.string(),
      headers: z.array(header),
      postData: z.looseObject({ mimeType: z.string().optional(), text: z.string().optional(), _encoding: z.literal('base64').optional() }).optional(),
      bodySize: z.number().optional(),
    }),
    response: z.looseObject({
      status: z.number().int(),
      statusText: z.string().optional(),
      httpVersion: z.string().optional(),
      headers: z.array(header).optional(),
      content: z.looseObject({ size: z.number().optional(), text: z.string().optional(), encoding: z.string().optional() }).optional(),
    }),
    timings: z.looseObject({ send: z.number().optional(), wait: z.number().optional(), receive: z.number().optional() }).optional(),
    _id: z.string().optional(),
    _target: z.string().optional(),
    _timing: z
      .object({
        requestStartUs: z.number(),
        requestEndUs: z.number(),
        responseStartUs: z.number().optional(),
        responseEndUs: z.number().optional(),
      })
      .optional(),
    _connection: z.object({ clientIp: z.string(), clientPort: z.number(), serverIp: z.string(), serverPort: z.number() }).optional(),
    _flags: z.array(z.enum(EXCHANGE_FLAGS)).optional(),
    _source: z.looseObject({ capture: z.string().optional(), host: z.string().optional(), kind: z.string().optional() }).optional(),
    _requestBody: bodyMeta.optional(),
    _responseBody: bodyMeta.optional(),
    _requestTrailers: z.array(header).optional(),
    _responseTrailers: z.array(header).optional(),
    _interim: z.array(interim).optional(),
    _noResponse: z.literal(true).optional(),
    _hostDerived: z.literal(true).optional(),
  });
}

export type ParsedHarEntry = Zod.infer<ReturnType<typeof build>>;

/** "request.headers[2].value: expected string" — the first problem, with its path. */
export function describeZodError(err: Zod.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
  return `${path || '(entry)'}: ${issue.message}`;
}
