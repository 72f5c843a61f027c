import type { Argv } from 'yargs';
import type { CommandBody } from './index.js';
import { InputError } from '../../errors.js';
import type { ReplayArgs } from '../../replay/replay-args.js';
import { withStreamInputOptions, type StreamInputArgs } from '../stream-flags.js';
import { decimalFlag, durationFlag, limitDurationFlag, limitShareFlag, loopFlag, oldSpelling, outputFileFlag, percentFlag, rampFlag, rateFlag, sizeFlag, wholeFlag } from '../options.js';

const list = { type: 'string', array: true } as const;

function builder(y: Argv): Argv<ReplayArgs> {
  return withStreamInputOptions(oldSpelling(y, 'report', 'out'))
    .example('$0 replay traffic.jsonl.gz --target http://staging:8080 --out report/', 'recorded timing; responses compared with the recorded ones')
    .example('$0 replay traffic.jsonl.gz --primary http://a1:8080 --secondary http://a2:8080 --candidate http://b:8080 --fail-on-diff', 'noise mode: differences a1/a2 also show are noise')
    .example('$0 replay redis://cache:6379/traffic --group replayers -t http://staging:8080', 'consumers of one group share a stream; each exchange acknowledged once answered')
    .example('$0 replay traffic.jsonl.gz -t http://staging:8080 --rate 200 --duration 60s --loop forever --no-compare', 'a load test from real requests')
    .positional('captures', { type: 'string', array: true, demandOption: true, describe: 'capture files (.jsonl[.gz], .har, .gor, .pcap[ng]); several are merged by time; - for stdin; or one redis://host:port/STREAM' })
    .group(['target', 'primary', 'secondary', 'candidate'], 'Targets:')
    .option('target', { ...list, alias: 't', describe: 'base URL of a target (repeatable); each gets the same schedule' })
    .option('primary', { type: 'string', describe: 'noise mode: the reference target' })
    .option('secondary', { type: 'string', describe: 'noise mode: a second copy of the reference (its differences are noise)' })
    .option('candidate', { type: 'string', describe: 'noise mode: the target under test' })
    .group(['speed', 'rate', 'poisson', 'ramp', 'loop', 'duration', 'max-requests', 'seed'], 'Schedule (open model):')
    .option('speed', decimalFlag('speed', { max: 1e6, describe: 'recorded inter-arrival times divided by X (default 1); 0 = as fast as the targets allow; not with --rate or --ramp' }))
    .option('rate', rateFlag('rate', { describe: 'fixed rate instead of recorded timing: req/s, or 100/s, 6000/min' }))
    .option('poisson', { type: 'boolean', default: false, describe: 'with --rate (required): Poisson arrivals instead of even spacing' })
    .option('ramp', rampFlag('ramp', { describe: 'FROM:TO:DURATION ramping rate, e.g. 10:500:60s; the schedule ends when the ramp does (with --loop enough requests to fill it)' }))
    .option('loop', loopFlag('loop', { describe: 'play the capture N times (or "forever"), timing continuing across loops' }))
    .option('duration', durationFlag('duration', { above: true, describe: 'stop scheduling after this long (500ms, 10s, 1h30m)' }))
    .option('max-requests', wholeFlag('max-requests', { min: 1, describe: 'stop after this many requests' }))
    .option('seed', wholeFlag('seed', { max: 2 ** 32 - 1, default: 1, describe: 'seed for --poisson and --sample' }))
    .group(['proxy', 'env-proxy', 'connections', 'pipelining', 'connect-timeout', 'timeout', 'max-in-flight', 'max-queue', 'insecure', 'ca', 'preserve-host', 'tag-header'], 'Dispatch:')
    .option('proxy', { type: 'string', describe: 'HTTP proxy URL (user:pass@ for credentials); CONNECT tunnel for https targets' })
    .option('env-proxy', { type: 'boolean', default: true, describe: 'honour HTTP_PROXY/HTTPS_PROXY/NO_PROXY (--no-env-proxy to ignore)' })
    .option('connections', wholeFlag('connections', { min: 1, max: 10_000, default: 10, describe: 'connections per target' }))
    .option('pipelining', wholeFlag('pipelining', { min: 1, max: 1000, default: 1, describe: 'requests per connection in flight' }))
    .option('connect-timeout', durationFlag('connect-timeout', { above: true, default: '10s', describe: 'time to open a connection (TCP and TLS)' }))
    .option('timeout', durationFlag('timeout', { above: true, default: '30s', describe: 'headers and body timeout' }))
    .option('max-in-flight', wholeFlag('max-in-flight', { min: 1, max: 10_000_000, describe: 'per target; default connections × pipelining' }))
    .option('max-queue', wholeFlag('max-queue', { max: 10_000_000, default: 10000, describe: 'per target queue; beyond it requests are dropped and counted' }))
    .option('insecure', { type: 'boolean', default: false, describe: 'accept any TLS certificate' })
    .option('ca', { type: 'string', describe: 'PEM file of extra CA certificates' })
    .option('preserve-host', { type: 'boolean', default: false, describe: 'send the recorded Host header instead of the target\'s' })
    .option('tag-header', { type: 'string', describe: 'add this header with a replay id to every request' })
    .group(['method', 'writes', 'allow', 'deny', 'header-match', 'sample', 'max-body', 'set-header', 'remove-header', 'rewrite-url'], 'Filters and rewrites:')
    .option('method', { ...list, describe: 'replay only these methods' })
    .option('writes', { type: 'boolean', default: true, describe: 'replay POST, PUT, PATCH, DELETE (--no-writes leaves them out)' })
    .option('allow', { ...list, describe: 'path+query regex to replay (any of)' })
    .option('deny', { ...list, describe: 'path+query regex to leave out' })
    .option('header-match', { ...list, describe: '"Name: regex" the request must carry' })
    .option('sample', percentFlag('sample', { describe: 'replay this percentage of requests (10 or 10%, 0.5%)' }))
    .option('max-body', sizeFlag('max-body', { describe: 'leave out requests with a body larger than this (65536, 64KiB, 1MiB)' }))
    .option('set-header', { ...list, describe: '"Name: value" set on every request' })
    .option('remove-header', { ...list, describe: 'header removed from every request' })
    .option('rewrite-url', { ...list, describe: '"regex=>replacement" on path+query' })
    .group(['staging', 'credentials', 'credential', 'plugin', 'allow-write'], 'Staging (README "Replaying against staging"):')
    .option('staging', { ...list, describe: 'staging file (YAML): credentials, oauth2, sessions, extract, writes, plugins; one for all targets or one per target' })
    .option('credentials', { type: 'string', describe: 'credential map file: "redacted:<hash>: staging value" (values may be env:NAME / file:PATH)' })
    .option('credential', { ...list, describe: 'default credential "Header=env:NAME" or "Header=file:PATH" (never a literal: it would show in ps)' })
    .option('plugin', { ...list, describe: 'plugin module (request/response/compare hooks; types: shadowtap/plugin)' })
    .option('allow-write', { ...list, describe: 'with --no-writes: writes still replayed ("POST", "^/login$", "POST ^/login$")' })
    .group(['compare', 'compare-header', 'ignore', 'ignore-regex', 'ignore-array-order', 'fail-on-diff'], 'Comparison:')
    .option('compare', { type: 'boolean', default: true, describe: 'compare responses with the recorded ones (or primary, in noise mode)' })
    .option('compare-header', { ...list, describe: 'response header to compare (default content-type)' })
    .option('ignore', { ...list, describe: 'JSON path left out of comparison ($.meta.ts, items[*].id)' })
    .option('ignore-regex', { ...list, describe: 'regex on field names left out ("header:date", "body:\\$\\..*At$")' })
    .option('ignore-array-order', { type: 'boolean', default: false, describe: 'JSON arrays equal in any order' })
    .option('fail-on-diff', { type: 'boolean', default: false, describe: 'exit 1 when responses differ (noise mode: when regressions remain)' })
    .group(['results', 'summary', 'out', 'junit', 'json', 'skip-invalid', 'max-error-rate', 'max-lag-p99', 'max-loop-delay', 'drain', 'quiet', 'progress', 'metrics-remote-write'], 'Output:')
    .option('results', outputFileFlag('results', { describe: 'JSONL file: one line per request per target' }))
    .option('summary', outputFileFlag('summary', { describe: 'JSON summary file' }))
    .option('out', outputFileFlag('out', { describe: 'directory for the HTML report (index.html) and summary.json' }))
    .option('junit', outputFileFlag('junit', { describe: 'JUnit XML file: run validity and one testcase per target' }))
    .option('json', { type: 'boolean', default: false, describe: 'print the summary JSON on stdout' })
    .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip malformed capture lines, HAR entries and .gor records (counted) instead of failing' })
    .option('max-error-rate', limitShareFlag('max-error-rate', { default: '1%', describe: 'fail (exit 1) when a target\'s transport errors exceed this share of its requests; "off" for no gate' }))
    .option('max-lag-p99', limitDurationFlag('max-lag-p99', { default: '10ms', describe: 'validity gate: schedule lag p99 beyond this and beyond a fifth of the target\'s raw latency p99 makes the run invalid (exit 3); "off" for no gate' }))
    .option('max-loop-delay', limitDurationFlag('max-loop-delay', { default: '50ms', describe: 'validity gate: generator event-loop delay p99 limit (exit 3 beyond); "off" for no gate' }))
    .option('drain', durationFlag('drain', { default: '30s', describe: 'after the schedule, wait this long for outstanding responses (0: no limit, each response still bounded by --timeout); what is still unanswered then fails as drain' }))
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
    .group(['workers', 'coordinator', 'barrier-timeout', 'heartbeat-timeout'], 'Workers (one load, many processes, one result):')
    .option('workers', wholeFlag('workers', { min: 1, max: 1024, describe: 'spread the load over N worker processes (local, or with --coordinator the N remote workers to wait for)' }))
    .option('coordinator', { type: 'string', describe: 'redis://host:port[/POOL]: hand the work to `shadowtap worker --coordinator` processes (same URL) anywhere' })
    .option('barrier-timeout', durationFlag('barrier-timeout', { above: true, default: '30s', describe: 'workers must join, and be ready, within this long (else exit 3)' }))
    .option('heartbeat-timeout', durationFlag('heartbeat-timeout', { above: true, default: '3s', describe: 'a worker silent this long makes the run invalid (exit 3)' }))
    .option('progress', { type: 'boolean', describe: 'progress lines on stderr even when it is not a terminal (default there: one final line)' })
    .option('metrics-remote-write', { type: 'string', describe: 'stream per-second metrics (rate, latency, errors, lag per target) to this Prometheus remote-write URL' }) as unknown as Argv<ReplayArgs>;
}

export const replayCommand: CommandBody<ReplayArgs> = {
  builder,
  handler: async (args) => {
    await (await import('../replay-checks.js')).checkReplayArgs(args);
    const { runReplay } = await import('../../replay/replay-run.js');
    // elbv2://<target group> → every healthy target's URL, once, before any worker gets the arguments
    // (the AWS SDK loads only when one is given).
    if (args.target?.some((t) => /^elbv2:\/\//i.test(t))) args.target = await (await import('../../aws/resolve.js')).expandTargetUrls(args.target);
    const report = args.out || args.junit ? (await import('../../report/replay-report.js')).writeReplayReport : undefined;
    const spread = args.workers !== undefined || args.coordinator ? (await import('../../distributed/replay-load.js')).spreadLoad(args) : undefined;
    const { isStreamUrl } = await import('../../streams/url.js');
    if (!args.captures.some(isStreamUrl)) return void (process.exitCode = await runReplay(args, undefined, spread, report));
    // A consumer group already spreads a stream: more consumers are more `replay --group` processes.
    if (spread) throw new InputError('--workers/--coordinator split a capture file; to spread a stream, run one `replay redis://… --group NAME` per consumer');
    const { replayStream } = await import('../stream-replay.js');
    process.exitCode = await replayStream(args as ReplayArgs & StreamInputArgs, (a, input) => runReplay(a, input, undefined, report));
  },
};
