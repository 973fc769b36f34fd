/**
 * A hand-written SVG bar chart of each engine's time relative to Kindling's, per query, on a log scale
 * (1 = as fast as Kindling; bars to the right: slower than Kindling, to the left: faster). Queries an
 * engine did not time (wrong, failed, n/a) have no bar and a short mark instead.
 */

/** One bar: an engine's median time / Kindling's median time for one query (null: no ratio). */
export interface RatioCell {
  readonly query: string;
  readonly engine: string;
  readonly ratio: number | null;
  /** Shown instead of a bar when ratio is null (e.g. 'WRONG', 'n/a'). */
  readonly mark?: string;
}

const COLORS = ['#e4572e', '#2e86ab', '#76b041', '#f3a712', '#8e44ad', '#17becf', '#7f7f7f', '#bcbd22'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders the chart; `title` goes on top. Returns the SVG document text. */
export function ratioChartSvg(title: string, queries: readonly string[], engines: readonly string[], cells: readonly RatioCell[]): string {
  const barH = 12;
  const groupGap = 10;
  const left = 70;
  const plotW = 620;
  const top = 50;
  const legendW = 170;
  const groupH = engines.length * barH + groupGap;
  const height = top + queries.length * groupH + 40;
  const width = left + plotW + legendW;
  const ratios = cells.map((c) => c.ratio).filter((r): r is number => r !== null && r > 0 && Number.isFinite(r));
  const lo = Math.min(0.1, ...ratios.map((r) => r / 1.5));
  const hi = Math.max(10, ...ratios.map((r) => r * 1.5));
  const lmin = Math.floor(Math.log10(lo));
  const lmax = Math.ceil(Math.log10(hi));
  const x = (r: number) => left + ((Math.log10(r) - lmin) / (lmax - lmin)) * plotW;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`);
  out.push(`<text x="${left}" y="34" fill="#555">time / Kindling's time (log scale; right of 1: slower than Kindling)</text>`);
  const bottom = top + queries.length * groupH;
  for (let p = lmin; p <= lmax; p++) {
    const v = 10 ** p;
    const gx = x(v);
    out.push(`<line x1="${gx.toFixed(1)}" y1="${top - 4}" x2="${gx.toFixed(1)}" y2="${bottom}" stroke="${p === 0 ? '#000' : '#ddd'}"/>`);
    out.push(`<text x="${gx.toFixed(1)}" y="${bottom + 14}" text-anchor="middle">${v >= 1 ? v : v.toPrecision(1)}x</text>`);
  }
  queries.forEach((q, qi) => {
    const gy = top + qi * groupH;
    out.push(`<text x="${left - 8}" y="${gy + (engines.length * barH) / 2 + 4}" text-anchor="end" font-weight="bold">${esc(q)}</text>`);
    engines.forEach((e, ei) => {
      const c = cells.find((k) => k.query === q && k.engine === e);
      const y = gy + ei * barH;
      const color = COLORS[ei % COLORS.length]!;
      if (c && c.ratio !== null && c.ratio > 0 && Number.isFinite(c.ratio)) {
        const x0 = x(1);
        const x1 = x(c.ratio);
        const bx = Math.min(x0, x1);
        const bw = Math.max(1, Math.abs(x1 - x0));
        out.push(
          `<rect x="${bx.toFixed(1)}" y="${y + 1}" width="${bw.toFixed(1)}" height="${barH - 2}" fill="${color}"><title>${esc(`${q} ${e}: ${c.ratio.toFixed(2)}x`)}</title></rect>`,
        );
        const tx = x1 >= x0 ? x1 + 3 : x1 - 3;
        out.push(`<text x="${tx.toFixed(1)}" y="${y + barH - 2}" font-size="9" text-anchor="${x1 >= x0 ? 'start' : 'end'}">${c.ratio.toFixed(2)}</text>`);
      } else if (c?.mark) {
        out.push(`<text x="${(x(1) + 4).toFixed(1)}" y="${y + barH - 2}" font-size="9" fill="${color}">${esc(`${e}: ${c.mark}`)}</text>`);
      }
    });
  });
  engines.forEach((e, ei) => {
    const ly = top + ei * 16;
    out.push(`<rect x="${left + plotW + 20}" y="${ly}" width="12" height="12" fill="${COLORS[ei % COLORS.length]}"/>`);
    out.push(`<text x="${left + plotW + 38}" y="${ly + 10}">${esc(e)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
