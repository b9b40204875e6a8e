// The dashboard's chart of actual coverage against the targets, year by year: a pure function from the series to an
// SVG string (no script, no external resource), so pages embed it as it is. The printed report draws its own.
import { formatRate } from '../../http/format.js';

/** One year of the chart. Rates are fractions 0–1; null when there is nothing to show. */
export interface ChartPoint {
  year: number;
  /** Rate at the end of the year, or on the chosen date in the year of the date; null for years not reached yet. */
  actual: number | null;
  /** Target to reach by the end of this year, when one was set for the year. */
  target: number | null;
  /** True for the year of the chosen date, measured part-way through the year. */
  partial?: boolean;
}

export interface ChartText {
  /** Read by screen readers (and shown as a tooltip): what the chart is about. */
  title: string;
  /** Read by screen readers: the series in words. */
  desc: string;
  actual: string;
  /** Legend of the bar of the year measured part-way (e.g. "截至 11月25日"). */
  partial: string;
  target: string;
  /** The year as written on the axis, e.g. "2024年". */
  year: (year: number) => string;
}

export interface ChartOptions {
  id: string;
  width?: number;
  height?: number;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLOURS = {
  actual: '#1f3a5f',
  partial: '#7c95b8',
  target: '#8a6d3b',
  grid: '#d6d8d6',
  axis: '#5d6470',
  text: '#22262c',
};
const FONT = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif';

const n = (v: number) => String(Math.round(v * 10) / 10);

/** Bars for the actual rate of each year, a dashed step through the targets with a marker and value at each. */
export function renderChart(points: ChartPoint[], text: ChartText, opts: ChartOptions): string {
  const width = opts.width ?? 760;
  const height = opts.height ?? 320;
  const m = { top: 44, right: 16, bottom: 54, left: 52 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const band = points.length ? plotW / points.length : plotW;
  const y = (rate: number) => m.top + plotH * (1 - Math.min(1, Math.max(0, rate)));
  const cx = (i: number) => m.left + band * (i + 0.5);
  const id = opts.id.replace(/[^A-Za-z0-9_-]/g, '');
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="coverage-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family='${FONT}' font-size="12">`,
  );
  out.push(`<title id="${id}-title">${esc(text.title)}</title>`);
  out.push(`<desc id="${id}-desc">${esc(text.desc)}</desc>`);

  // Legend, top left.
  const legend: [string, string][] = [
    [text.actual, 'actual'],
    [text.partial, 'partial'],
    [text.target, 'target'],
  ];
  let lx = m.left;
  for (const [label, kind] of legend) {
    if (kind === 'partial' && !points.some((p) => p.partial && p.actual !== null)) continue;
    if (kind === 'target') {
      out.push(
        `<line x1="${lx}" y1="16" x2="${lx + 18}" y2="16" stroke="${COLOURS.target}" stroke-width="2" stroke-dasharray="4 3"/>`,
      );
      out.push(`<path d="M${lx + 9} 11 L${lx + 14} 16 L${lx + 9} 21 L${lx + 4} 16 Z" fill="${COLOURS.target}"/>`);
    } else {
      out.push(
        `<rect x="${lx}" y="10" width="18" height="12" rx="2" fill="${kind === 'actual' ? COLOURS.actual : COLOURS.partial}"/>`,
      );
    }
    out.push(`<text x="${lx + 24}" y="20" fill="${COLOURS.text}">${esc(label)}</text>`);
    lx += 24 + label.length * 12 + 24;
  }

  // Grid and the rate axis: 0–100% every 20 points.
  for (let r = 0; r <= 100; r += 20) {
    const yy = n(y(r / 100));
    out.push(
      `<line x1="${m.left}" y1="${yy}" x2="${width - m.right}" y2="${yy}" stroke="${r === 0 ? COLOURS.axis : COLOURS.grid}" stroke-width="1"/>`,
    );
    out.push(`<text x="${m.left - 8}" y="${yy}" dy="4" text-anchor="end" fill="${COLOURS.axis}">${r}%</text>`);
  }

  // Bars of the actual rate with their value: inside the top of a tall bar (clear of the target marks), else above.
  const barW = Math.min(56, band * 0.5);
  points.forEach((p, i) => {
    out.push(
      `<text x="${n(cx(i))}" y="${height - m.bottom + 20}" text-anchor="middle" fill="${COLOURS.axis}">${esc(text.year(p.year))}</text>`,
    );
    if (p.actual === null) return;
    const top = y(p.actual);
    const h = Math.max(0, m.top + plotH - top);
    const colour = p.partial ? COLOURS.partial : COLOURS.actual;
    out.push(
      `<rect x="${n(cx(i) - barW / 2)}" y="${n(top)}" width="${n(barW)}" height="${n(h)}" fill="${colour}"><title>${esc(`${text.year(p.year)} ${p.partial ? text.partial : text.actual} ${formatRate(p.actual)}`)}</title></rect>`,
    );
    const inside = h >= 26;
    // Inside a bar, white on the dark one (11.5:1) and dark on the light one of the partial year (white would be 3.1:1).
    const ink = inside && !p.partial ? '#fff' : COLOURS.text;
    out.push(
      `<text x="${n(cx(i))}" y="${n(inside ? top + 16 : top - 6)}" text-anchor="middle" font-weight="600" fill="${ink}">${esc(formatRate(p.actual))}</text>`,
    );
  });

  // Targets: a dashed step through the years that have one, a mark across the bar and a diamond at each; the
  // values are written under the years, where they never meet the bars' own.
  const targets = points.map((p, i) => ({ p, i })).filter(({ p }) => p.target !== null);
  if (targets.length > 1) {
    // Steps at the left edge of each target year's band, so that they run between the bars, not through them.
    const d = targets
      .map(({ p, i }, k) => {
        const yy = n(y(p.target!));
        return k === 0 ? `M${n(cx(i))} ${yy}` : `H${n(m.left + band * i)} V${yy} H${n(cx(i))}`;
      })
      .join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${COLOURS.target}" stroke-width="1.5" stroke-dasharray="5 4"/>`);
  }
  for (const { p, i } of targets) {
    const yy = y(p.target!);
    const x = cx(i);
    out.push(
      `<line x1="${n(x - barW / 2 - 6)}" y1="${n(yy)}" x2="${n(x + barW / 2 + 6)}" y2="${n(yy)}" stroke="${COLOURS.target}" stroke-width="3"/>`,
    );
    out.push(
      `<path d="M${n(x + barW / 2 + 6)} ${n(yy - 6)} L${n(x + barW / 2 + 12)} ${n(yy)} L${n(x + barW / 2 + 6)} ${n(yy + 6)} L${n(x + barW / 2)} ${n(yy)} Z" fill="${COLOURS.target}" stroke="#fff" stroke-width="1"><title>${esc(`${text.year(p.year)} ${text.target} ${formatRate(p.target!)}`)}</title></path>`,
    );
    out.push(
      `<text x="${n(x)}" y="${height - m.bottom + 38}" text-anchor="middle" fill="${COLOURS.target}" font-weight="600">${esc(`${text.target} ${formatRate(p.target!)}`)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
