import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/stages/redact/index.js';
import { headerValue, type Exchange } from '../../src/exchange.js';
import { runFlow } from '../helpers/http-feed.js';

const key = { bytes: Buffer.from('attacker test key, 32 bytes long'), source: 'test' };
const redact = createRedactor({ enabled: true, key });

/** One exchange parsed from raw request and response bytes, as a capture would record it. */
function exchange(request: string, response: string): Exchange {
  return runFlow([
    { dir: 'request', data: request },
    { dir: 'response', data: response },
  ]).exchanges[0]!;
}

// Issue 13 re-checked as an attacker would: spellings the first list missed, each a credential in the wild.
describe('the redaction stage also catches', () => {
  it('credential headers spelled without the usual "-token" suffix, with underscores, or as a custom Authorization', () => {
    const names = ['X-Authorization', 'X-Forwarded-Authorization', 'X-CSRFToken', 'X-Auth', 'X-Hub-Signature-256', 'Api_Key', 'X_Auth_Token', 'Secret-Key', 'X-Session-Key', 'X-Pass', 'X-Pwd', 'Cookie2'];
    const req = `GET / HTTP/1.1\r\nHost: t\r\nX-Request-Id: keep-me\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${names.map((n, i) => `${n}: Hdr${i}Secret\r\n`).join('')}\r\n`;
    const ex = redact(exchange(req, 'HTTP/1.1 200 OK\r\nX-CSRFToken: RespSecret\r\nContent-Length: 0\r\n\r\n'));
    const text = JSON.stringify(ex);
    for (let i = 0; i < names.length; i++) expect(text, names[i]).not.toContain(`Hdr${i}Secret`);
    expect(text).not.toContain('RespSecret');
    // What is not a credential stays readable.
    expect(headerValue(ex.request.headers, 'x-request-id')).toBe('keep-me');
    expect(headerValue(ex.request.headers, 'sec-websocket-key')).toBe('dGhlIHNhbXBsZSBub25jZQ==');
  });

  it('Azure SAS signatures, SAML responses, one-time codes and PINs, in the query and in form and JSON bodies', () => {
    const form = 'SAMLResponse=FormSaml&RelayState=keep&sig=FormSig';
    const json = '{"otp_code":"JsonOtp","mfa_code":"JsonMfa","pin":"JsonPin","amount":12}';
    const ex = redact(
      exchange(
        `POST /blob?sv=2022-11-02&sp=r&sig=QuerySig&otp=QueryOtp HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n${form}`,
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
      ),
    );
    const text = JSON.stringify(ex);
    for (const s of ['QuerySig', 'QueryOtp', 'FormSaml', 'FormSig', 'JsonOtp', 'JsonMfa', 'JsonPin']) expect(text, s).not.toContain(s);
    expect(ex.request.target).toMatch(/^\/blob\?sv=2022-11-02&sp=r&sig=redacted:\w+&otp=redacted:\w+$/);
    expect(text).toContain('RelayState=keep');
    expect(text).toContain('\\"amount\\":12');
  });

  it('a policy glob spelled with "-" matches "_" and the other way round', () => {
    const own = createRedactor({ enabled: true, key, headers: ['x-tenant_id'], queryParams: ['tenant-id'] });
    const ex = own(exchange('GET /?tenant_id=QuerySecret HTTP/1.1\r\nHost: t\r\nX-Tenant-Id: HeaderSecret\r\n\r\n', 'HTTP/1.1 204 No Content\r\n\r\n'));
    expect(JSON.stringify(ex)).not.toMatch(/QuerySecret|HeaderSecret/);
  });
});
