/** The page's only stylesheet, inlined: the report must open from disk with nothing else. */
export const CSS = `
:root{--fg:#1d2330;--muted:#6b7380;--line:#e3e6eb;--bg:#f6f7f9;--card:#fff;--good:#0a7d5a;--bad:#c23b12;--warn:#a86400;--neutral:#56616f}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top{background:#1d2330;color:#fff;padding:20px 32px}
header.top h1{margin:0 0 4px;font-size:22px;font-weight:600}
header.top .meta{color:#b9c0cc;font-size:13px}
header.top code{color:#dfe5ee;background:rgba(255,255,255,.12)}
main{max-width:1280px;margin:0 auto;padding:16px 24px 48px}
nav.toc{margin:12px 0;font-size:14px}
nav.toc a{margin-right:14px;color:#0b5cad;text-decoration:none}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:150px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:20px;font-weight:600}
.card .v .of{font-size:13px;font-weight:400;color:var(--muted)}.card .sub{font-size:12px;font-weight:400;color:var(--muted)}
ul.reasons{margin:6px 0;padding-left:18px}
section.scenario{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:8px 20px 20px;margin:20px 0}
section.scenario h2{font-size:20px;margin:14px 0 4px;display:flex;align-items:center;gap:10px}
h3{font-size:16px;margin:22px 0 8px;color:#2c3442}
p.lead{color:var(--muted);margin:0 0 8px}
.muted{color:var(--muted)}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:600;letter-spacing:.02em;color:#fff;white-space:nowrap;vertical-align:middle}
.badge.good{background:var(--good)}.badge.bad{background:var(--bad)}.badge.warn{background:var(--warn)}.badge.neutral{background:var(--neutral)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:4px 0 8px}
caption{caption-side:bottom;text-align:left;color:var(--muted);font-size:12px;padding-top:4px}
th,td{border-bottom:1px solid var(--line);padding:5px 7px;text-align:left;vertical-align:top}
th{font-weight:600;background:#fafbfc;white-space:nowrap}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.num.wrap{white-space:normal;min-width:7em}
td.nowrap{white-space:nowrap}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f5;border-radius:4px;padding:0 4px;overflow-wrap:break-word}
.error{color:var(--bad)}
ul.fields,ul.failing,ul.examples{margin:4px 0 0;padding-left:16px}
ul.fields li.bad{color:var(--bad)}
del{background:#fde8e2;text-decoration:none}ins{background:#e2f5ec;text-decoration:none}
.status{font:12px ui-monospace,monospace;padding:0 4px;border-radius:3px;background:#eef}
.status.s2{background:#e2f5ec}.status.s3{background:#eef}.status.s4{background:#fff1d6}.status.s5,.status.err{background:#fde8e2}
details.config{border-top:1px solid var(--line);padding:6px 0}
details.config>summary{cursor:pointer;font-weight:600;padding:4px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:14px;margin:8px 0}
figure.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 10px}
figure.chart figcaption{font-size:13px;font-weight:600;margin-bottom:2px}
figure.chart{min-width:0}
.plot{position:relative;overflow:hidden;min-height:260px}
.plot .u-legend{font-size:12px;text-align:left;margin-top:2px}
.plot .u-legend .u-series{padding:1px 6px 1px 0;cursor:pointer}
.plot .u-legend .u-series th{font-weight:500}
.plot .u-legend .u-value{font-variant-numeric:tabular-nums;min-width:5.5em;display:inline-block}
.plot .u-legend .u-series:first-child{cursor:default}
.plot .u-axis{font-size:11px}
.mk{position:absolute;pointer-events:none}
.mk-v{top:0;bottom:0;width:0;border-left:1px dashed}
.mk-h{left:0;right:0;height:0;border-top:1px dashed #c23b12;opacity:.8}
.mk-label,.mk-limit{font-size:10.5px;line-height:13px;white-space:nowrap;background:rgba(255,255,255,.85);padding:0 2px;border-radius:2px;pointer-events:auto}
.mk-limit{right:2px;color:#c23b12}
svg.ci{display:block;margin:2px 0 0 auto}
footer{color:var(--muted);font-size:12px;margin-top:24px}
@media (max-width:900px){main{padding:12px 12px 32px}section.scenario{padding:6px 12px 14px}header.top{padding:16px 16px}}
@media print{details.config{display:block}.charts{grid-template-columns:1fr}}
`;
