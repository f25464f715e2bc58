// Hand-written SVG charts of the report: test R² against λ for one dataset (λ on a log axis,
// λ = 0 at a marked position left of the smallest positive λ), and the per-dataset relative
// improvements of the chosen λ beside the seed control.
import type { DatasetReport } from './analysis.js';

/** R² values below this are drawn at the bottom edge of the λ plot with a down-pointing mark. */
export const R2_FLOOR = -1;

const TEACHER_COLOR = '#1f77b4';
const STUDENT_COLOR = '#d62728';
const CONTROL_COLOR = '#8c8c8c';

/** Escapes text for use inside SVG elements and attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Compact λ label: 0, 1, 0.5, 1e-4. */
export function formatLambda(lambda: number): string {
  if (lambda === 0 || (lambda >= 0.01 && lambda < 1000)) return String(lambda);
  return lambda.toExponential().replace('e+', 'e');
}

function fixed(x: number): string {
  return x.toFixed(1);
}

/**
 * Tick values inside [lo, hi]: multiples of the smallest step of 1, 2, 2.5 or 5 times a power
 * of ten that is at least (hi − lo) / maxTicks.
 */
export function niceTicks(lo: number, hi: number, maxTicks = 6): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / maxTicks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  }
  return ticks;
}

/**
 * x position of each λ in axis units: log10 λ for positive values; λ = 0 sits one spacing to
 * the left of the smallest positive λ, where the spacing is the mean gap between positive
 * values (one decade when there is a single positive λ).
 */
export function lambdaAxisPositions(lambdas: readonly number[]): number[] {
  const logs = lambdas
    .filter((l) => l > 0)
    .map(Math.log10)
    .sort((a, b) => a - b);
  const gap = logs.length > 1 ? (logs[logs.length - 1] - logs[0]) / (logs.length - 1) : 1;
  const zeroAt = logs.length > 0 ? logs[0] - gap : 0;
  return lambdas.map((l) => (l > 0 ? Math.log10(l) : zeroAt));
}

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function scale(domainLo: number, domainHi: number, rangeLo: number, rangeHi: number) {
  const span = domainHi - domainLo || 1;
  return (v: number): number => rangeLo + ((v - domainLo) / span) * (rangeHi - rangeLo);
}

/** R² range of the λ plot: the finite mean ± sd values, clipped to [R2_FLOOR, 1] and padded. */
function r2Range(values: readonly number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v)).map((v) => Math.max(R2_FLOOR, v));
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.min(1, Math.max(...finite)) : 1;
  if (hi - lo < 0.05) {
    lo -= 0.025;
    hi += 0.025;
  }
  const pad = (hi - lo) * 0.05;
  return [Math.max(R2_FLOOR, lo - pad), hi + pad];
}

/** SVG of teacher and student test R² (mean ± sd over trials) against λ for one dataset. */
export function lambdaPlotSvg(d: DatasetReport): string {
  const width = 640;
  const height = 400;
  const f: Frame = { left: 64, right: width - 24, top: 60, bottom: height - 72 };
  const positions = lambdaAxisPositions(d.lambdas);
  const xLo = Math.min(...positions) - 0.4;
  const xHi = Math.max(...positions) + 0.4;
  const x = scale(xLo, xHi, f.left, f.right);

  const series = [
    {
      label: 'teacher',
      color: TEACHER_COLOR,
      dash: '',
      stats: d.perLambda.map((s) => s.teacherTestR2),
    },
    {
      label: 'student',
      color: STUDENT_COLOR,
      dash: '6 4',
      stats: d.perLambda.map((s) => s.studentTestR2),
    },
  ];
  const extremes = series.flatMap((s) =>
    s.stats.flatMap((m) => [m.mean - (m.sd || 0), m.mean + (m.sd || 0)]),
  );
  const [yLo, yHi] = r2Range(extremes);
  const y = scale(yLo, yHi, f.bottom, f.top);
  const clampY = (v: number): number => y(Math.min(yHi, Math.max(yLo, v)));

  const parts: string[] = [svgOpen(width, height)];
  parts.push(
    text(
      width / 2,
      24,
      `${d.name}: test R² against λ (mean ± sd over ${d.trials} trials)`,
      'middle',
      15,
    ),
  );
  parts.push(...yGrid(f, y, niceTicks(yLo, yHi)));
  parts.push(...lambdaTicks(f, x, positions, d));
  parts.push(zeroBreak(f, x, positions, d.lambdas));

  for (const s of series) {
    const points = s.stats.map((m, j) => ({ px: x(positions[j]), m }));
    const drawable = points.filter((p) => Number.isFinite(p.m.mean));
    const path = drawable.map((p) => `${fixed(p.px)},${fixed(clampY(p.m.mean))}`).join(' ');
    parts.push(
      `<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2" ` +
        `stroke-dasharray="${s.dash}"/>`,
    );
    for (const p of drawable)
      parts.push(...marker(p.px, p.m.mean, p.m.sd, s.color, y, clampY, yLo));
  }

  parts.push(...legendRow(f.left, 42, series, ' test R²'));
  parts.push(text(f.left - 48, (f.top + f.bottom) / 2, 'test R²', 'middle', 13, -90));
  parts.push(
    text(
      (f.left + f.right) / 2,
      height - 14,
      'λ (log scale; "picked" = trials where validation chose it)',
      'middle',
      12,
    ),
  );
  parts.push('</svg>\n');
  return parts.join('\n');
}

function svgOpen(width: number, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n` +
    `<rect width="${width}" height="${height}" fill="white"/>`
  );
}

function text(
  px: number,
  py: number,
  content: string,
  anchor: string,
  size: number,
  rotate = 0,
): string {
  const transform = rotate !== 0 ? ` transform="rotate(${rotate} ${fixed(px)} ${fixed(py)})"` : '';
  return (
    `<text x="${fixed(px)}" y="${fixed(py)}" text-anchor="${anchor}" font-size="${size}"` +
    `${transform}>${escapeXml(content)}</text>`
  );
}

/** A straight line; `extra` holds further attributes. */
function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  const ends = `x1="${fixed(x1)}" y1="${fixed(y1)}" x2="${fixed(x2)}" y2="${fixed(y2)}"`;
  const more = extra === '' ? '' : ` ${extra}`;
  return `<line ${ends} stroke="${stroke}"${more}/>`;
}

function rect(px: number, py: number, width: number, height: number, extra: string): string {
  const box = `x="${fixed(px)}" y="${fixed(py)}" width="${fixed(width)}" height="${fixed(height)}"`;
  return `<rect ${box} ${extra}/>`;
}

function yGrid(f: Frame, y: (v: number) => number, ticks: readonly number[]): string[] {
  const frame = rect(
    f.left,
    f.top,
    f.right - f.left,
    f.bottom - f.top,
    'fill="none" stroke="#333"',
  );
  const out = [frame];
  for (const t of ticks) {
    out.push(line(f.left, y(t), f.right, y(t), '#ddd'));
    out.push(text(f.left - 6, y(t) + 4, String(t), 'end', 11));
  }
  return out;
}

function lambdaTicks(
  f: Frame,
  x: (v: number) => number,
  positions: readonly number[],
  d: DatasetReport,
): string[] {
  const out: string[] = [];
  d.lambdas.forEach((lambda, j) => {
    const px = x(positions[j]);
    out.push(line(px, f.bottom, px, f.bottom + 5, '#333'));
    out.push(text(px, f.bottom + 18, formatLambda(lambda), 'middle', 11));
    out.push(text(px, f.bottom + 32, `picked ${d.perLambda[j]?.timesChosen ?? 0}`, 'middle', 10));
  });
  return out;
}

/** Two slanted strokes on the x axis between λ = 0 and the smallest positive λ. */
function zeroBreak(
  f: Frame,
  x: (v: number) => number,
  positions: readonly number[],
  lambdas: readonly number[],
): string {
  const zero = lambdas.indexOf(0);
  const positive = positions.filter((_, j) => lambdas[j] > 0);
  if (zero < 0 || positive.length === 0) return '';
  const mid = x((positions[zero] + Math.min(...positive)) / 2);
  const strokes = [-3, 3].map((dx) =>
    line(mid + dx - 3, f.bottom + 6, mid + dx + 3, f.bottom - 6, '#333', 'stroke-width="1.5"'),
  );
  const gap = rect(mid - 5, f.bottom - 1, 10, 2, 'fill="white"');
  return [gap, ...strokes].join('\n');
}

function marker(
  px: number,
  meanValue: number,
  sd: number,
  color: string,
  y: (v: number) => number,
  clampY: (v: number) => number,
  yLo: number,
): string[] {
  const out: string[] = [];
  if (Number.isFinite(sd) && sd > 0) {
    const top = clampY(meanValue + sd);
    const bottom = clampY(meanValue - sd);
    out.push(line(px, top, px, bottom, color));
    for (const py of [top, bottom]) out.push(line(px - 4, py, px + 4, py, color));
  }
  if (meanValue < yLo) {
    // Clipped mean: a down-pointing triangle at the bottom edge, with the value as a tooltip.
    const py = y(yLo);
    const corners = `M${fixed(px - 5)},${fixed(py - 8)} L${fixed(px + 5)},${fixed(py - 8)}`;
    out.push(
      `<path d="${corners} L${fixed(px)},${fixed(py)} Z" fill="${color}">` +
        `<title>${escapeXml(meanValue.toPrecision(4))}</title></path>`,
    );
  } else {
    out.push(`<circle cx="${fixed(px)}" cy="${fixed(y(meanValue))}" r="4" fill="${color}"/>`);
  }
  return out;
}

function legend(
  px: number,
  py: number,
  series: readonly { label: string; color: string; dash: string }[],
  suffix: string,
): string[] {
  return series.flatMap((s, i) => {
    const ly = py + i * 18;
    return [
      line(px, ly, px + 28, ly, s.color, `stroke-width="2" stroke-dasharray="${s.dash}"`),
      text(px + 34, ly + 4, `${s.label}${suffix}`, 'start', 12),
    ];
  });
}

/** Legend entries side by side on one line starting at (px, py). */
function legendRow(
  px: number,
  py: number,
  series: readonly { label: string; color: string; dash: string }[],
  suffix: string,
): string[] {
  return series.flatMap((s, i) => legend(px + i * 170, py, [s], suffix));
}

const VERDICT_MARK: Record<DatasetReport['verdict'], string> = {
  improved: ' (+)',
  worsened: ' (−)',
  unchanged: '',
};

/** Relative improvements are drawn within this range; longer bars end in an arrow. */
const GAIN_RANGE: readonly [number, number] = [-1, 3];

/**
 * SVG with one pair of horizontal bars per dataset: the relative improvement of the student's
 * mean test R² at the chosen λ, and the same for the seed control, both against λ = 0.
 */
export function summaryPlotSvg(datasets: readonly DatasetReport[]): string {
  const rowHeight = 30;
  const rows = Math.max(1, datasets.length);
  // Dataset names are drawn right-aligned left of the axis at 12 px, about 7 px per character.
  const longestName = Math.max(0, ...datasets.map((d) => d.name.length));
  const left = Math.max(200, 16 + 7 * longestName);
  const width = left + 560;
  const f: Frame = { left, right: width - 130, top: 56, bottom: 56 + rowHeight * rows };
  const height = f.bottom + 84;
  const gains = datasets.flatMap((d) => [d.relativeImprovement, d.seedControl.relativeImprovement]);
  const finite = gains.filter((g) => Number.isFinite(g));
  const lo = Math.max(GAIN_RANGE[0], Math.min(0, ...finite));
  const hi = Math.min(GAIN_RANGE[1], Math.max(0, ...finite));
  const pad = (hi - lo || 1) * 0.05;
  const x = scale(lo - pad, hi + pad, f.left, f.right);

  const parts: string[] = [svgOpen(width, height)];
  parts.push(
    text(width / 2, 24, 'Relative improvement of the student test R² over λ = 0', 'middle', 15),
  );
  parts.push(...xGrid(f, x, niceTicks(lo - pad, hi + pad)));
  datasets.forEach((d, i) => {
    const rowTop = f.top + i * rowHeight;
    parts.push(
      text(
        f.left - 8,
        rowTop + rowHeight / 2 + 4,
        `${d.name}${VERDICT_MARK[d.verdict]}`,
        'end',
        12,
      ),
    );
    const bars = [
      { value: d.relativeImprovement, color: STUDENT_COLOR },
      { value: d.seedControl.relativeImprovement, color: CONTROL_COLOR },
    ];
    bars.forEach((b, k) => {
      const top = rowTop + 4 + k * 12;
      parts.push(...bar(x, top, 11, b.value, b.color, [lo - pad, hi + pad], f.right + 6));
    });
  });
  const keys = [
    { label: 'chosen λ', color: STUDENT_COLOR, dash: '' },
    { label: 'seed control', color: CONTROL_COLOR, dash: '' },
  ];
  parts.push(...legendRow(f.left, f.bottom + 44, keys, ''));
  parts.push(
    text(
      f.left,
      f.bottom + 70,
      '(+) / (−): significant change at the chosen λ, p < 0.05',
      'start',
      11,
    ),
  );
  parts.push('</svg>\n');
  return parts.join('\n');
}

function xGrid(f: Frame, x: (v: number) => number, ticks: readonly number[]): string[] {
  const out: string[] = [];
  for (const t of ticks) {
    const stroke = t === 0 ? '#333' : '#ddd';
    out.push(line(x(t), f.top, x(t), f.bottom, stroke));
    out.push(text(x(t), f.bottom + 16, `${Math.round(t * 100)}%`, 'middle', 11));
  }
  return out;
}

/** Draws one bar from 0 to `value` clipped to `range`, and prints the value at `labelX`. */
function bar(
  x: (v: number) => number,
  top: number,
  barHeight: number,
  value: number,
  color: string,
  range: readonly [number, number],
  labelX: number,
): string[] {
  const baseline = top + barHeight - 1;
  if (!Number.isFinite(value)) return [text(labelX, baseline, 'undefined', 'start', 10)];
  const clipped = Math.min(range[1], Math.max(range[0], value));
  const x0 = x(0);
  const x1 = x(clipped);
  const label = `${percent(value)}${clipped !== value ? ' (clipped)' : ''}`;
  return [
    `<rect x="${fixed(Math.min(x0, x1))}" y="${fixed(top)}" width="${fixed(Math.abs(x1 - x0))}" ` +
      `height="${barHeight}" fill="${color}"><title>${escapeXml(label)}</title></rect>`,
    text(labelX, baseline, label, 'start', 10),
  ];
}

function percent(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
}
