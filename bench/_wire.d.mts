/** Types of bench/_wire.mjs for the tests that use it. */
export interface WireCapture {
  stop(): Promise<string>;
}
export function startWireCapture(port: number | string, file: string): Promise<WireCapture>;
export function wireRequestTimes(file: string, port: number | string): Promise<Map<string, number>>;
export function wireConnectTimes(file: string, port: number | string): Promise<number[]>;
