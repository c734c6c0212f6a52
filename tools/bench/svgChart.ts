/** A dependency-free line chart: one or more panels, log-scaled x (session count), linear y (seconds). */

export interface Series {
  label: string;
  xs: number[];
  ys: number[];
  color: string;
  width?: number;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  series: Series[];
}

const PANEL_W = 460;
const PANEL_H = 320;
const MARGIN = { left: 60, right: 20, top: 36, bottom: 48 };
const LEGEND_H = 92;

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A "nice" step for about `count` ticks between 0 and max. */
function niceStep(max: number, count = 5): number {
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

function panelSvg(panel: Panel, offsetX: number, offsetY: number): string {
  const out: string[] = [];
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const x0 = offsetX + MARGIN.left;
  const y0 = offsetY + MARGIN.top;
  const xs = [...new Set(panel.series.flatMap((s) => s.xs))].sort((a, b) => a - b);
  const maxY = Math.max(0.001, ...panel.series.flatMap((s) => s.ys.filter((y) => Number.isFinite(y))));
  const step = niceStep(maxY);
  const topY = Math.ceil(maxY / step) * step;
  const lo = Math.log10(xs[0] ?? 1);
  const hi = Math.log10(xs[xs.length - 1] ?? 10);
  const px = (x: number) => (hi === lo ? x0 + plotW / 2 : x0 + ((Math.log10(x) - lo) / (hi - lo)) * plotW);
  const py = (y: number) => y0 + plotH - (y / topY) * plotH;

  out.push(`<text x="${offsetX + PANEL_W / 2}" y="${offsetY + 20}" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
  for (let y = 0; y <= topY + step / 1000; y += step) {
    const yy = py(y).toFixed(1);
    out.push(`<line x1="${x0}" y1="${yy}" x2="${x0 + plotW}" y2="${yy}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x0 - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" font-size="11">${Number(y.toFixed(3))}</text>`);
  }
  for (const x of xs) {
    const xx = px(x).toFixed(1);
    out.push(`<line x1="${xx}" y1="${y0}" x2="${xx}" y2="${y0 + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${xx}" y="${y0 + plotH + 16}" text-anchor="middle" font-size="11">${x}</text>`);
  }
  out.push(`<rect x="${x0}" y="${y0}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${x0 + plotW / 2}" y="${y0 + plotH + 36}" text-anchor="middle" font-size="12">sessions (log scale)</text>`);
  out.push(
    `<text transform="translate(${offsetX + 16} ${y0 + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">wall time (s)</text>`,
  );
  for (const s of panel.series) {
    const points = s.xs.map((x, i) => `${px(x).toFixed(1)},${py(s.ys[i]).toFixed(1)}`).join(" ");
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    out.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}"${dash}/>`);
    for (let i = 0; i < s.xs.length; i++) {
      out.push(
        `<circle cx="${px(s.xs[i]).toFixed(1)}" cy="${py(s.ys[i]).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(s.label)}: ${s.xs[i]} sessions, ${s.ys[i].toFixed(2)} s</title></circle>`,
      );
    }
  }
  return out.join("\n");
}

export function timeChartSvg(panels: Panel[], title: string): string {
  const width = PANEL_W * panels.length;
  const height = PANEL_H + LEGEND_H + 30;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  panels.forEach((panel, i) => out.push(panelSvg(panel, i * PANEL_W, 30)));
  const legend = panels[0]?.series ?? [];
  const legendY = 30 + PANEL_H + 10;
  legend.forEach((s, i) => {
    const col = i % 2;
    const row = Math.floor(i / 2);
    const lx = 70 + col * 380;
    const ly = legendY + row * 22;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 30}" y2="${ly}" stroke="${s.color}" stroke-width="${s.width ?? 2}"${dash}/>`);
    out.push(`<text x="${lx + 38}" y="${ly}" dominant-baseline="middle">${esc(s.label)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
