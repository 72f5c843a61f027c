import type { ObservedResponse } from '../types.js';
import type { Header } from '../../exchange.js';
import { monoUs } from '../pacer.js';
import type { H1Handler } from './h1-request.js';
import { Buffer } from 'node:buffer';

/** Bodies kept for comparison are cut here: comparing megabytes per request would stall the generator. */
const MAX_KEPT_BODY = 4 << 20;
const EMPTY = Buffer.alloc(0);

/**
 * The callback handler for one request of the HTTP/1.1 client. A class rather than closures so each
 * request costs one small object.
 */
export class RequestHandler<P> implements H1Handler {
  /** When the request was handed to the client; replaced by the moment its bytes are written (onConnect). */
  sentUs = monoUs();
  private status = 0;
  private headerList: Header[] | null = null;
  /** Most bodies arrive in one piece: the first is kept alone, an array only from the second on. */
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  private kept = 0;
  private settled = false;

  constructor(
    readonly pending: P,
    private readonly keepBody: boolean,
    private readonly done: (h: RequestHandler<P>, err: unknown, endUs: number) => void,
  ) {}

  /** The client calls this just before writing the request to its socket. */
  onConnect(atMs: number): void {
    this.sentUs = atMs * 1000; // monoUs() at that moment
  }

  onResponseHead(code: number, headers: Header[]): void {
    this.status = code;
    this.headerList = headers;
  }

  get wantsBody(): boolean {
    return this.keepBody && this.kept < MAX_KEPT_BODY;
  }

  onData(chunk: Buffer): boolean {
    if (!this.wantsBody) return true;
    if (this.first === undefined) this.first = chunk;
    else (this.rest ??= []).push(chunk);
    this.kept += chunk.length;
    return true;
  }

  onComplete(_trailers: string[] | null, atMs: number): void {
    this.settle(undefined, atMs * 1000);
  }

  onError(err: Error): void {
    this.settle(err);
  }

  settle(err: unknown, endUs = monoUs()): void {
    if (this.settled) return;
    this.settled = true;
    this.done(this, err, endUs);
  }

  get statusCode(): number {
    return this.status;
  }

  response(): ObservedResponse | undefined {
    if (!this.keepBody) return undefined;
    const body = this.rest ? Buffer.concat([this.first!, ...this.rest]) : (this.first ?? EMPTY);
    return { status: this.status, headers: this.headerList ?? [], body };
  }
}
