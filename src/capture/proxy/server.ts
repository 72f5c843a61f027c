import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { Exchange } from '../../exchange.js';
import { forward, type ForwardOptions } from './forward.js';

const NO_QUERY = Object.freeze({});

/**
 * The fastify app of the recording proxy. Every method and path goes to one handler that hijacks the
 * reply and streams with raw Node objects: fastify's body parsing and serialisation would buffer and
 * normalise what must pass through untouched.
 */
export function proxyApp(upstream: Dispatcher, base: ForwardOptions, onExchange: (ex: Exchange) => void): FastifyInstance {
  const app = Fastify({
    logger: false,
    forceCloseConnections: 'idle',
    // The handler reads neither the parsed query nor the request id (there is no logger): skip building them.
    genReqId: () => 'proxied',
    routerOptions: { maxParamLength: 65_536, querystringParser: () => NO_QUERY },
  });
  app.removeAllContentTypeParsers();
  // Leave the body unread in the raw request: forward() streams it to the upstream.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));
  let seq = 0;
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.hijack();
    // `base` is read per request: its capture name is only known once the server listens.
    forward(upstream, request.raw, reply.raw, base, `${base.capture}-${++seq}`, onExchange);
  };
  app.route({ method: app.supportedMethods, url: '/*', handler });
  app.setNotFoundHandler(handler);
  return app;
}
