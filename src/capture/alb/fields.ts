/**
 * ALB access log fields in AWS's documented order. AWS appends new fields at the end over time
 * (conn_trace_id in 2024, transformed_host/transformed_uri/request_transform_status in 2025), so a line
 * may carry more than these: extra trailing fields are kept aside, never an error.
 */
export const ALB_FIELDS = [
  'type',
  'time',
  'elb',
  'client',
  'target',
  'request_processing_time',
  'target_processing_time',
  'response_processing_time',
  'elb_status_code',
  'target_status_code',
  'received_bytes',
  'sent_bytes',
  'request',
  'user_agent',
  'ssl_cipher',
  'ssl_protocol',
  'target_group_arn',
  'trace_id',
  'domain_name',
  'chosen_cert_arn',
  'matched_rule_priority',
  'request_creation_time',
  'actions_executed',
  'redirect_url',
  'error_reason',
  'target_port_list',
  'target_status_code_list',
  'classification',
  'classification_reason',
  'conn_trace_id',
] as const;

export type AlbField = (typeof ALB_FIELDS)[number];

/** Fields every usable line has (up to and including the request and its creation time). */
export const ALB_REQUIRED = ALB_FIELDS.indexOf('request') + 1;

/**
 * Splits a log line on spaces, honouring double quotes (with \" and \\ escapes inside, as AWS writes
 * them for user agents). Returns undefined for an unterminated quote.
 */
export function splitAlbLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line[i] === ' ') i++;
    if (i >= n) break;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) return undefined;
        const c = line[i]!;
        if (c === '\\' && i + 1 < n) {
          value += line[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      out.push(value);
    } else {
      const end = line.indexOf(' ', i);
      const stop = end < 0 ? n : end;
      out.push(line.slice(i, stop));
      i = stop;
    }
  }
  return out;
}
