import { FORMAT_SOURCE } from '../../units/format.js';

/**
 * The page's chart script: it draws every `figure.chart[data-chart]` with uPlot from the JSON the
 * figure carries. uPlot gives the hover legend (values under the cursor), drag-to-zoom on time
 * (double-click resets) and series toggles (click a legend entry). Markers and limits are HTML over
 * the plot, placed in rows so labels at nearby x never overlap. The formatters are units/format.ts's
 * source, the same text Node runs for the tables: one implementation.
 */

const DRAW = String.raw`
var H = 260;
function el(tag, cls, parent) { var e = document.createElement(tag); e.className = cls; parent.appendChild(e); return e; }
function overlays(s) {
  return function (u) {
    var o = u.over, w = o.clientWidth, rows = [];
    o.querySelectorAll('.mk').forEach(function (e) { e.remove(); });
    s.markers.forEach(function (m) {
      var x = u.valToPos(m.x, 'x');
      if (!(x >= 0 && x <= w)) return;
      var line = el('div', 'mk mk-v', o); line.style.left = x + 'px'; line.style.borderColor = m.colour;
      var lab = el('div', 'mk mk-label', o); lab.textContent = m.label; lab.style.color = m.colour;
      lab.title = m.label + ' at ' + axisValue(s.x, m.x);
      var lw = lab.offsetWidth, left = x + 3 + lw > w ? Math.max(0, x - 3 - lw) : x + 3, r = 0;
      while (rows[r] && rows[r].some(function (b) { return left < b[1] + 6 && b[0] < left + lw + 6; })) r++;
      (rows[r] = rows[r] || []).push([left, left + lw]);
      lab.style.left = left + 'px'; lab.style.top = (2 + r * 15) + 'px';
    });
    s.limits.forEach(function (l) {
      var y = u.valToPos(l.y, 'y');
      if (!(y >= 0 && y <= o.clientHeight)) return;
      var line = el('div', 'mk mk-h', o); line.style.top = y + 'px';
      var lab = el('div', 'mk mk-limit', o); lab.textContent = l.label; lab.style.top = Math.max(0, y - 15) + 'px';
    });
  };
}
function draw(fig) {
  var s = JSON.parse(fig.querySelector('script.chart-data').textContent);
  var plot = fig.querySelector('.plot');
  var data = uPlot.join(s.series.map(function (x) { return [x.x, x.y]; }));
  var top = s.limits.reduce(function (a, l) { return Math.max(a, l.y); }, 0);
  var opts = {
    width: Math.max(plot.clientWidth, 200), height: H,
    scales: { x: { time: false }, y: { range: function (u, lo, hi) { return uPlot.rangeNum(0, Math.max(hi || 0, top) || 1, 0.1, true); } } },
    axes: [
      { label: s.xLabel, labelSize: 20, size: 36, splits: s.xTicks ? function () { return s.xTicks; } : undefined, values: function (u, sp) { return sp.map(function (v) { return s.x === 'nines' ? axisValue('nines', v) : tick(v); }); } },
      { label: s.yLabel, labelSize: 20, size: 56, values: function (u, sp) { return sp.map(tick); } },
    ],
    series: [{ label: s.xLabel, value: function (u, v) { return v == null ? '—' : axisValue(s.x, v); } }].concat(s.series.map(function (x) {
      return { label: x.label, stroke: x.colour, width: 1.8, dash: x.dash, fill: x.area ? x.colour + '26' : undefined,
        points: { size: 4 }, value: function (u, v) { return v == null ? '—' : axisValue(s.y, v); } };
    })),
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    hooks: { draw: [overlays(s)] },
  };
  var u = new uPlot(opts, data, plot);
  new ResizeObserver(function () { var w = plot.clientWidth; if (w > 0 && Math.abs(w - u.width) > 1) u.setSize({ width: w, height: H }); }).observe(plot);
}
document.querySelectorAll('figure.chart[data-chart]').forEach(draw);
`;

export const CHART_SCRIPT = `(function(){'use strict';\n${FORMAT_SOURCE}\n${DRAW}})();`;
