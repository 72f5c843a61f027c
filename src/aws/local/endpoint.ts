import { Buffer } from 'node:buffer';
import http from 'node:http';
import { formParams } from '../../form-urlencoded.js';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from './auth.js';
import { describeInstances } from './ec2-actions.js';
import { elbActions } from './elb-actions.js';
import type { LocalElbState } from './state.js';
import { AwsFault, ec2ErrorDocument, ec2Response, queryErrorDocument, queryResponse } from './xml.js';

const MAX_BODY = 1 << 20;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Answer one Query request: authenticate (SigV4), authorise, dispatch by Action, render XML. */
async function answer(state: LocalElbState, req: http.IncomingMessage): Promise<{ status: number; xml: string }> {
  const body = await readBody(req);
  const params = formParams(body.toString('utf8'));
  const action = params.get('Action') ?? '';
  const ec2 = action === 'DescribeInstances';
  state.calls.set(action, (state.calls.get(action) ?? 0) + 1);
  try {
    if (req.method !== 'POST') throw new AwsFault(400, 'InvalidAction', 'The local endpoint accepts POST form requests only');
    const cred = verifySigV4({ method: req.method, url: req.url ?? '/', headers: req.headers }, body, state.cfg.credentials);
    if (cred.deny?.includes(action)) {
      throw new AwsFault(403, ec2 ? 'UnauthorizedOperation' : 'AccessDenied',
        `User: arn:aws:iam::${state.cfg.accountId}:user/${cred.accessKeyId} is not authorized to perform: ${ec2 ? 'ec2' : 'elasticloadbalancing'}:${action}`);
    }
    if (ec2) return { status: 200, xml: ec2Response(action, describeInstances(state, params)) };
    const handler = elbActions[action];
    if (!handler) throw new AwsFault(400, 'InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
    return { status: 200, xml: queryResponse(action, handler(state, params)) };
  } catch (err) {
    const fault = err instanceof AwsFault ? err : new AwsFault(500, 'InternalFailure', 'The request processing has failed because of an unknown error.', 'Receiver');
    return { status: fault.status, xml: ec2 ? ec2ErrorDocument(fault) : queryErrorDocument(fault) };
  }
}

/** Start the Query/XML endpoint on 127.0.0.1 (port 0 = ephemeral); returns its URL. */
export async function startEndpoint(state: LocalElbState, port = 0, host = '127.0.0.1'): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    void answer(state, req).then(({ status, xml }) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'local' });
      res.end(xml);
    }, () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const addr = server.address() as AddressInfo;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`, server };
}
