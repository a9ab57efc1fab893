// Two small, honest charts as plain SVG (no dependency): grouped bars with a
// zero-based axis, and lines over a numeric x axis. Values are labelled.
export interface Series { name: string; values: (number | null)[] }

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];
const WIDTH = 760;
const HEIGHT = 400;
const MARGIN = { top: 40, right: 170, bottom: 50, left: 70 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

export interface BarChartSpec { title: string; yLabel: string; categories: string[]; series: Series[] }

export function barChart(spec: BarChartSpec): string {
  const yMax = niceMax(allValues(spec.series));
  const groupW = PLOT_W / Math.max(1, spec.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, spec.series.length);
  const parts: string[] = [];
  spec.categories.forEach((cat, ci) => {
    const gx = MARGIN.left + ci * groupW + groupW * 0.1;
    spec.series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined) return;
      const h = (v / yMax) * PLOT_H;
      const x = gx + si * barW;
      const y = MARGIN.top + PLOT_H - h;
      parts.push(`<rect x="${r(x)}" y="${r(y)}" width="${r(barW - 1)}" height="${r(h)}" fill="${color(si)}"><title>${esc(s.name)} ${esc(cat)}: ${label(v)}</title></rect>`);
    });
    parts.push(text(gx + groupW * 0.4, MARGIN.top + PLOT_H + 18, cat, 'middle'));
  });
  return frame(spec.title, spec.yLabel, yMax, spec.series, parts.join('\n'), '');
}

export interface LineChartSpec { title: string; xLabel: string; yLabel: string; xs: number[]; series: Series[]; logX?: boolean }

export function lineChart(spec: LineChartSpec): string {
  const yMax = niceMax(allValues(spec.series));
  const tx = (x: number): number => {
    const f = spec.logX ? Math.log(x) : x;
    const lo = spec.logX ? Math.log(spec.xs[0]) : spec.xs[0];
    const hi = spec.logX ? Math.log(spec.xs[spec.xs.length - 1]) : spec.xs[spec.xs.length - 1];
    return MARGIN.left + (hi === lo ? PLOT_W / 2 : ((f - lo) / (hi - lo)) * PLOT_W);
  };
  const ty = (y: number): number => MARGIN.top + PLOT_H - (y / yMax) * PLOT_H;
  const parts: string[] = [];
  spec.series.forEach((s, si) => {
    const pts = spec.xs.flatMap((x, i) => (s.values[i] === null ? [] : [[tx(x), ty(s.values[i] as number)]]));
    parts.push(`<polyline fill="none" stroke="${color(si)}" stroke-width="2" points="${pts.map(([x, y]) => `${r(x)},${r(y)}`).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${r(x)}" cy="${r(y)}" r="3" fill="${color(si)}"/>`);
  });
  for (const x of spec.xs) parts.push(text(tx(x), MARGIN.top + PLOT_H + 18, String(x), 'middle'));
  const xAxis = text(MARGIN.left + PLOT_W / 2, HEIGHT - 10, spec.xLabel, 'middle');
  return frame(spec.title, spec.yLabel, yMax, spec.series, parts.join('\n'), xAxis);
}

function frame(title: string, yLabel: string, yMax: number, series: Series[], body: string, extra: string): string {
  const ticks: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    const y = MARGIN.top + PLOT_H - (PLOT_H * i) / 5;
    ticks.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${r(y)}" y2="${r(y)}" stroke="#ddd"/>`);
    ticks.push(text(MARGIN.left - 6, y + 4, label(v), 'end'));
  }
  const legend = series.map((s, i) => {
    const y = MARGIN.top + 10 + i * 20;
    return `<rect x="${WIDTH - MARGIN.right + 15}" y="${y - 10}" width="12" height="12" fill="${color(i)}"/>` +
      text(WIDTH - MARGIN.right + 32, y, s.name, 'start');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    text(WIDTH / 2, 22, title, 'middle', 'font-size="15" font-weight="bold"'),
    ...ticks,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}" stroke="#333"/>`,
    `<text transform="translate(16 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    body, extra, ...legend, '</svg>', '',
  ].join('\n');
}

function allValues(series: Series[]): number[] {
  return series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
}

/** A round axis maximum at or above the largest value (1, 2 or 5 × 10^k). */
export function niceMax(values: number[]): number {
  const max = Math.max(0, ...values);
  if (max <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * pow >= max) return m * pow;
  return 10 * pow;
}

function text(x: number, y: number, content: string, anchor: string, attrs = ''): string {
  return `<text x="${r(x)}" y="${r(y)}" text-anchor="${anchor}" ${attrs}>${esc(content)}</text>`;
}
function label(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}
function color(i: number): string {
  return COLORS[i % COLORS.length];
}
function r(n: number): string {
  return n.toFixed(1);
}
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
