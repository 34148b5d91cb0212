/**
 * Line charts as one self-contained SVG document, for the benchmark reports.
 *
 * A pure function with no dependencies: the same input gives byte-identical output (coordinates are printed with one
 * decimal, there are no dates and no generated ids). Text is laid out with an estimate of DejaVu Sans' advance widths
 * (what `sans-serif` resolves to on Debian), rounded up, so labels can be kept apart without a browser.
 */

/** One line of a panel: its points as [x, y], drawn in the given order. */
export interface ChartSeries {
  readonly name: string;
  readonly points: Array<[number, number]>;
}

/** One chart: axes, the series' lines, a legend and an optional horizontal limit line. */
export interface ChartPanel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: ChartSeries[];
  /** A horizontal line to draw, e.g. CloudFormation's 500-resource limit. */
  readonly limit?: { readonly value: number; readonly label: string };
  /** Log scale on x (the N values are 1, 10, 50, 200). @default false */
  readonly logX?: boolean;
}

// Sizes, in SVG user units (CSS pixels at 100%).
const PANEL_MIN_WIDTH = 600;
const PAD = 14;
const TITLE_SIZE = 15;
const TITLE_LINE = 20;
const AXIS_LABEL_SIZE = 12;
const AXIS_LABEL_LINE = 16;
const TICK_SIZE = 11;
const TICK_LENGTH = 5;
const LEGEND_SIZE = 12;
const LEGEND_ROW = 19;
const LEGEND_SAMPLE = 36;
const LEGEND_INDENT = 24;
const VALUE_SIZE = 10;
const LIMIT_SIZE = 11;
const MIN_PLOT_HEIGHT = 260;
const PLOT_RIGHT_GAP = 44;
const MARKER_RADIUS = 5.5;

/**
 * Okabe-Ito colours (distinguishable with colour blindness), with dash patterns and marker shapes for grayscale: 7 colours,
 * 6 dashes and 7 markers, so that no two of the first 42 series share both their dash and their marker.
 */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = ['', '8 4', '2 3', '10 3 2 3', '4 2', '12 2 2 2 2 2'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'ring', 'square-ring'] as const;
type MarkerShape = (typeof MARKERS)[number];
const LIMIT_COLOUR = '#B2182B';
const TEXT_COLOUR = '#222222';
const AXIS_COLOUR = '#444444';
const GRID_COLOUR = '#e3e3e3';

/**
 * One SVG document with the panels side by side (or in a grid of at most 2 columns).
 *
 * @throws Error for an empty panel list, a panel without series, a series without points, a non-finite number,
 * or a log-scale panel with an x value of 0 or less.
 */
export function lineCharts(panels: ChartPanel[]): string {
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new Error('lineCharts: the panel list is empty; give at least one panel to draw');
  }
  panels.forEach(validatePanel);

  const panelWidth = Math.max(PANEL_MIN_WIDTH, ...panels.map(requiredPanelWidth));
  const measured = panels.map((panel) => measurePanel(panel, panelWidth));
  const columns = Math.min(2, panels.length);
  const rowCount = Math.ceil(panels.length / columns);

  const body: string[] = [];
  let top = 0;
  for (let row = 0; row < rowCount; row++) {
    const inRow = measured.slice(row * columns, row * columns + columns);
    const metrics: RowMetrics = {
      titleLines: Math.max(...inRow.map((m) => m.titleLines.length)),
      plotHeight: Math.max(...inRow.map((m) => m.minPlotHeight)),
      xLabelLines: Math.max(...inRow.map((m) => m.xLabelLines.length)),
      legendRows: Math.max(...inRow.map((m) => m.legendRows)),
    };
    const layout = verticalLayout(metrics, top);
    inRow.forEach((m, column) => body.push(renderPanel(m, column * panelWidth, panelWidth, layout)));
    top = layout.bottom;
  }

  const width = columns * panelWidth;
  const height = Math.ceil(top);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------------
// Validation

function validatePanel(panel: ChartPanel, index: number): void {
  const where = `lineCharts: panel ${index + 1} (${JSON.stringify(panel?.title)})`;
  if (!panel || !Array.isArray(panel.series) || panel.series.length === 0) {
    throw new Error(`${where} has no series to draw`);
  }
  for (const series of panel.series) {
    if (!Array.isArray(series.points) || series.points.length === 0) {
      throw new Error(`${where}: series ${JSON.stringify(series.name)} has no points`);
    }
    series.points.forEach(([x, y], i) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        throw new Error(`${where}: series ${JSON.stringify(series.name)} point ${i + 1} is not a pair of finite numbers: [${x}, ${y}]`);
      }
      if (panel.logX && x <= 0) {
        throw new Error(`${where} has a log-scale x axis, but series ${JSON.stringify(series.name)} point ${i + 1} has x = ${x} (must be > 0)`);
      }
    });
  }
  if (panel.limit !== undefined && !Number.isFinite(panel.limit.value)) {
    throw new Error(`${where}: the limit ${JSON.stringify(panel.limit.label)} is not a finite number: ${panel.limit.value}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Layout

interface MeasuredPanel {
  readonly panel: ChartPanel;
  readonly titleLines: string[];
  readonly xLabelLines: string[];
  readonly minPlotHeight: number;
  readonly legendColumns: number;
  readonly legendColumnWidth: number;
  readonly legendRows: number;
}

interface RowMetrics {
  readonly titleLines: number;
  readonly plotHeight: number;
  readonly xLabelLines: number;
  readonly legendRows: number;
}

/** Vertical positions shared by the panels of one grid row, so their plot areas line up. */
interface VerticalLayout {
  readonly titleBaselines: number[];
  readonly plotTop: number;
  readonly plotBottom: number;
  readonly xTickBaseline: number;
  readonly xLabelBaselines: number[];
  readonly legendTop: number;
  readonly bottom: number;
}

function requiredPanelWidth(panel: ChartPanel): number {
  const legendEntry = Math.max(...panel.series.map((s) => legendEntryWidth(s.name)));
  const limit = panel.limit ? textWidth(panel.limit.label, LIMIT_SIZE) + 120 : 0;
  return Math.ceil(Math.max(2 * PAD + LEGEND_INDENT + legendEntry, 2 * PAD + limit));
}

function legendEntryWidth(name: string): number {
  return LEGEND_SAMPLE + 8 + textWidth(name, LEGEND_SIZE) + 16;
}

function measurePanel(panel: ChartPanel, panelWidth: number): MeasuredPanel {
  const textSpace = panelWidth - 2 * PAD;
  const legendSpace = textSpace - LEGEND_INDENT;
  const legendColumnWidth = Math.max(...panel.series.map((s) => legendEntryWidth(s.name)));
  const legendColumns = Math.max(1, Math.min(panel.series.length, Math.floor(legendSpace / legendColumnWidth)));
  return {
    panel,
    titleLines: wrapText(panel.title, textSpace, TITLE_SIZE, true),
    xLabelLines: wrapText(panel.xLabel, textSpace, AXIS_LABEL_SIZE, false),
    minPlotHeight: Math.max(MIN_PLOT_HEIGHT, Math.ceil(textWidth(panel.yLabel, AXIS_LABEL_SIZE)) + 20),
    legendColumns,
    legendColumnWidth,
    legendRows: Math.ceil(panel.series.length / legendColumns),
  };
}

function verticalLayout(row: RowMetrics, top: number): VerticalLayout {
  const titleBaselines = range(row.titleLines).map((i) => top + PAD + TITLE_SIZE + i * TITLE_LINE);
  const plotTop = top + PAD + row.titleLines * TITLE_LINE + 14;
  const plotBottom = plotTop + row.plotHeight;
  const xTickBaseline = plotBottom + TICK_LENGTH + 2 + TICK_SIZE;
  const xLabelBaselines = range(row.xLabelLines).map((i) => xTickBaseline + 8 + AXIS_LABEL_SIZE + i * AXIS_LABEL_LINE);
  const legendTop = xLabelBaselines[xLabelBaselines.length - 1] + 12;
  const bottom = legendTop + row.legendRows * LEGEND_ROW + PAD - 4;
  return { titleBaselines, plotTop, plotBottom, xTickBaseline, xLabelBaselines, legendTop, bottom };
}

// ---------------------------------------------------------------------------------------------------------------------
// Scales and ticks

interface Tick {
  readonly value: number;
  readonly label?: string;
}

interface Scale {
  readonly min: number;
  readonly max: number;
  readonly ticks: Tick[];
  readonly toScreen: (value: number) => number;
}

/** Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi] with at most about `maxCount` intervals. */
function niceTicks(lo: number, hi: number, maxCount: number): Tick[] {
  const rough = (hi - lo) / Math.max(1, maxCount);
  const magnitude = Math.pow(10, Math.floor(Math.log10(rough) + 1e-9));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough * (1 - 1e-9)) ?? 10 * magnitude;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  return range(last - first + 1).map((i) => {
    const value = Number(((first + i) * step).toFixed(decimals));
    return { value: value === 0 ? 0 : value, label: formatFixed(value, decimals) };
  });
}

function linearScale(ticks: Tick[], screenFrom: number, screenTo: number): Scale {
  const min = ticks[0].value;
  const max = ticks[ticks.length - 1].value;
  return { min, max, ticks, toScreen: (v) => screenFrom + ((v - min) / (max - min)) * (screenTo - screenFrom) };
}

function yScale(panel: ChartPanel, plotTop: number, plotBottom: number): Scale {
  const values = panel.series.flatMap((s) => s.points.map(([, y]) => y));
  if (panel.limit) values.push(panel.limit.value);
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (hi === lo) hi = lo + 1;
  // Headroom above the highest value (and below the lowest negative one) for value labels and the limit's label.
  const headroom = (hi - lo) * 0.08;
  hi += headroom;
  if (lo < 0) lo -= headroom;
  const maxCount = Math.max(2, Math.floor((plotBottom - plotTop) / 45));
  return linearScale(niceTicks(lo, hi, maxCount), plotBottom, plotTop);
}

function xScale(panel: ChartPanel, plotLeft: number, plotRight: number): Scale {
  const xs = panel.series.flatMap((s) => s.points.map(([x]) => x));
  const width = plotRight - plotLeft;
  if (panel.logX) return logXScale(Math.min(...xs), Math.max(...xs), plotLeft, plotRight);
  const lo = Math.min(0, ...xs);
  let hi = Math.max(...xs);
  if (hi === lo) hi = lo + 1;
  // As many round ticks as fit with their labels apart.
  for (let maxCount = Math.max(2, Math.floor(width / 60)); maxCount > 1; maxCount--) {
    const ticks = niceTicks(lo, hi, maxCount);
    const spacing = width / (ticks.length - 1);
    if (Math.max(...ticks.map((t) => textWidth(t.label!, TICK_SIZE))) + 12 <= spacing) return linearScale(ticks, plotLeft, plotRight);
  }
  return linearScale(niceTicks(lo, hi, 1), plotLeft, plotRight);
}

/** Log scale from the decade at or below the smallest x to the first 1-2-5 value at or above the largest. */
function logXScale(minX: number, maxX: number, plotLeft: number, plotRight: number): Scale {
  const loExp = Math.floor(Math.log10(minX) + 1e-9);
  const min = Math.pow(10, loExp);
  const hiExp = Math.floor(Math.log10(maxX) + 1e-9);
  let max = [1, 2, 5, 10].map((m) => m * Math.pow(10, hiExp)).find((v) => v >= maxX * (1 - 1e-12)) ?? Math.pow(10, hiExp + 1);
  if (max <= min * (1 + 1e-12)) max = min * 10;
  const logMin = Math.log10(min);
  const logSpan = Math.log10(max) - logMin;
  const toScreen = (v: number): number => plotLeft + ((Math.log10(v) - logMin) / logSpan) * (plotRight - plotLeft);

  const candidates: Array<{ value: number; major: boolean }> = [];
  for (let exp = loExp; Math.pow(10, exp) <= max * (1 + 1e-12); exp++) {
    for (const m of [1, 2, 5]) {
      const value = Number((m * Math.pow(10, exp)).toPrecision(12));
      if (value >= min * (1 - 1e-12) && value <= max * (1 + 1e-12)) candidates.push({ value, major: m === 1 });
    }
  }
  const label = (v: number): string => formatValue(v);
  const fits = (values: number[]): boolean => values.every((v, i) => i === 0
    || toScreen(v) - toScreen(values[i - 1]) >= (textWidth(label(v), TICK_SIZE) + textWidth(label(values[i - 1]), TICK_SIZE)) / 2 + 10);
  // Label 1-2-5 if they fit; else the decades and the end of the axis; else the decades; else every k-th decade.
  type Candidate = (typeof candidates)[number];
  const choices: Array<(c: Candidate) => boolean> = [
    () => true,
    (c) => c.major || c.value === max,
    (c) => c.major,
    ...range(candidates.length).slice(2).map((k) => (c: Candidate) => c.major && Math.round(Math.log10(c.value)) % k === 0),
  ];
  const labelled = choices.find((choice) => fits(candidates.filter(choice).map((c) => c.value))) ?? (() => false);
  const ticks = candidates.map((c) => (labelled(c) ? { value: c.value, label: label(c.value) } : { value: c.value }));
  return { min, max, toScreen, ticks };
}

// ---------------------------------------------------------------------------------------------------------------------
// Rendering

interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

interface Segment {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** Half the stroke width beyond 1 unit, to keep labels off wide lines. @default 0 */
  readonly halfWidth?: number;
}

function renderPanel(m: MeasuredPanel, x0: number, panelWidth: number, v: VerticalLayout): string {
  const { panel } = m;
  const out: string[] = [];
  out.push(`<g class="panel" data-title="${esc(panel.title)}">`);

  // Title, centred.
  m.titleLines.forEach((line, i) => {
    out.push(text(line, x0 + panelWidth / 2, v.titleBaselines[i], TITLE_SIZE, { anchor: 'middle', weight: 'bold', cls: 'title' }));
  });

  // Scales: the y ticks' widths set the left margin.
  const ys = yScale(panel, v.plotTop, v.plotBottom);
  const yTickWidth = Math.max(...ys.ticks.map((t) => textWidth(t.label ?? '', TICK_SIZE)));
  const yLabelX = x0 + PAD + AXIS_LABEL_SIZE;
  const plotLeft = Math.round(yLabelX + 12 + yTickWidth + TICK_LENGTH + 4);
  const plotRight = x0 + panelWidth - PLOT_RIGHT_GAP;
  const xs = xScale(panel, plotLeft, plotRight);
  const plot: Box = { left: plotLeft, right: plotRight, top: v.plotTop, bottom: v.plotBottom };

  // Grid lines and the limit's zone, under everything else.
  out.push('<g class="grid">');
  for (const t of ys.ticks) {
    const y = ys.toScreen(t.value);
    if (t.value !== ys.min) out.push(`<line x1="${n(plotLeft)}" y1="${n(y)}" x2="${n(plotRight)}" y2="${n(y)}" stroke="${GRID_COLOUR}" stroke-width="1"/>`);
  }
  out.push('</g>');
  let limitY: number | undefined;
  if (panel.limit) {
    limitY = ys.toScreen(panel.limit.value);
    out.push(`<rect class="limit-zone" x="${n(plotLeft)}" y="${n(plot.top)}" width="${n(plotRight - plotLeft)}" height="${n(Math.max(0, limitY - plot.top))}" `
      + `fill="${LIMIT_COLOUR}" fill-opacity="0.06"/>`);
  }

  // Axes with ticks and tick labels.
  out.push('<g class="axes">');
  const xTickBoxes: Box[] = [];
  out.push(`<line class="axis x" x1="${n(plotLeft)}" y1="${n(plot.bottom)}" x2="${n(plotRight)}" y2="${n(plot.bottom)}" stroke="${AXIS_COLOUR}" stroke-width="1"/>`);
  out.push(`<line class="axis y" x1="${n(plotLeft)}" y1="${n(plot.top)}" x2="${n(plotLeft)}" y2="${n(plot.bottom)}" stroke="${AXIS_COLOUR}" stroke-width="1"/>`);
  for (const t of ys.ticks) {
    const y = ys.toScreen(t.value);
    out.push(`<line class="tick y" x1="${n(plotLeft - TICK_LENGTH)}" y1="${n(y)}" x2="${n(plotLeft)}" y2="${n(y)}" stroke="${AXIS_COLOUR}" stroke-width="1"/>`);
    out.push(text(t.label!, plotLeft - TICK_LENGTH - 3, y + TICK_SIZE * 0.35, TICK_SIZE, { anchor: 'end', cls: 'tick-label y' }));
  }
  for (const t of xs.ticks) {
    const x = xs.toScreen(t.value);
    const length = t.label === undefined ? TICK_LENGTH - 2 : TICK_LENGTH;
    out.push(`<line class="tick x" x1="${n(x)}" y1="${n(plot.bottom)}" x2="${n(x)}" y2="${n(plot.bottom + length)}" stroke="${AXIS_COLOUR}" stroke-width="1"/>`);
    if (t.label !== undefined) {
      // Kept inside the panel: a wide label at the end of the axis is shifted left.
      const half = textWidth(t.label, TICK_SIZE) / 2;
      const cx = Math.min(x, x0 + panelWidth - PAD - half);
      xTickBoxes.push(textBox(cx, v.xTickBaseline, 2 * half, TICK_SIZE, 'middle'));
      out.push(text(t.label, cx, v.xTickBaseline, TICK_SIZE, { anchor: 'middle', cls: 'tick-label x' }));
    }
  }
  out.push('</g>');

  // Axis labels.
  m.xLabelLines.forEach((line, i) => {
    out.push(text(line, (plotLeft + plotRight) / 2, v.xLabelBaselines[i], AXIS_LABEL_SIZE, { anchor: 'middle', cls: 'axis-label x' }));
  });
  const yLabelY = (plot.top + plot.bottom) / 2;
  out.push(text(panel.yLabel, yLabelX, yLabelY, AXIS_LABEL_SIZE, { anchor: 'middle', cls: 'axis-label y', rotate: true }));

  // Screen geometry of the series, for keeping labels off the lines and markers.
  const screen = panel.series.map((s) => s.points.map(([x, y]) => [xs.toScreen(x), ys.toScreen(y)] as [number, number]));
  // A series drawn over by later series with the same points is drawn wider, with bigger markers, so it shows around them.
  const covered = screen.map((pts, i) => screen.slice(i + 1).filter((other) => sameLine(pts, other)).length);
  const markerScale = covered.map((c) => 1 + 0.6 * c);
  const strokeWidth = covered.map((c) => 2 + 2.5 * c);
  const segments: Segment[] = screen.flatMap((pts, k) => pts.slice(1).map(([x2, y2], i) => {
    return { x1: pts[i][0], y1: pts[i][1], x2, y2, halfWidth: strokeWidth[k] / 2 };
  }));
  const markerBoxes: Box[] = screen.flatMap((pts, i) => pts.map(([x, y]) => {
    const r = MARKER_RADIUS * markerScale[i];
    return { left: x - r, right: x + r, top: y - r, bottom: y + r };
  }));
  const taken: Box[] = [];

  // The limit line, dashed, with its label.
  if (panel.limit && limitY !== undefined) {
    const ly = limitY;
    out.push(`<line class="limit" x1="${n(plotLeft)}" y1="${n(ly)}" x2="${n(plotRight)}" y2="${n(ly)}" stroke="${LIMIT_COLOUR}" stroke-width="1.5" stroke-dasharray="6 3"/>`);
    segments.push({ x1: plotLeft, y1: ly, x2: plotRight, y2: ly });
    const w = textWidth(panel.limit.label, LIMIT_SIZE);
    const above = ly - 4;
    const below = ly + 4 + LIMIT_SIZE * 0.95;
    // At the right end, else the left end, else somewhere between where no line crosses it; above the line, else below.
    const slack = Math.max(0, plotRight - plotLeft - 8 - w);
    const candidates: Array<[number, number, 'start' | 'end']> = [above, below].flatMap((baseline) => [
      [plotRight - 4, baseline, 'end'], [plotLeft + 4, baseline, 'start'],
      ...range(7).map((k): [number, number, 'start'] => [plotLeft + 4 + (slack * (k + 1)) / 8, baseline, 'start']),
    ]);
    const fitted = candidates.map(([x, baseline, anchor]) => ({ x, baseline, anchor, box: textBox(x, baseline, w, LIMIT_SIZE, anchor) }));
    const chosen = fitted.find((c) => inside(c.box, plot) && !hitsAny(c.box, segments, markerBoxes, taken)) ?? fitted[0];
    taken.push(chosen.box);
    out.push(text(panel.limit.label, chosen.x, chosen.baseline, LIMIT_SIZE, { anchor: chosen.anchor, cls: 'limit-label', fill: LIMIT_COLOUR }));
  }

  // The series: one polyline and its markers each.
  panel.series.forEach((s, i) => {
    const style = seriesStyle(i);
    const pts = screen[i];
    out.push(`<g class="series" data-name="${esc(s.name)}">`);
    out.push(`<polyline points="${pts.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="none" stroke="${style.colour}" `
      + `stroke-width="${n(strokeWidth[i])}" stroke-linejoin="round"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`);
    for (const [x, y] of pts) out.push(marker(style.marker, style.colour, x, y, markerScale[i]));
    out.push('</g>');
  });

  // A value label at each point where one fits without covering a line, an axis, a marker, a tick label or another label.
  // Labels may use the margin right of the plot, so the last values of lines that run close together can be told apart;
  // a label is never nearer to another series' point than to its own.
  const labelArea: Box = { left: plot.left + 2, right: x0 + panelWidth - 6, top: plot.top, bottom: plot.bottom + 10 };
  const labelSegments = [
    ...segments, { x1: plotLeft, y1: plot.bottom, x2: plotRight, y2: plot.bottom }, { x1: plotLeft, y1: plot.top, x2: plotLeft, y2: plot.bottom },
  ];
  const labelObstacles = [...taken, ...xTickBoxes];
  out.push('<g class="value-labels">');
  panel.series.forEach((s, i) => {
    const colour = seriesStyle(i).colour;
    s.points.forEach(([, value], j) => {
      const [px, py] = screen[i][j];
      const label = formatValue(value);
      const w = textWidth(label, VALUE_SIZE);
      const mid = py + VALUE_SIZE * 0.35;
      // Clear of the biggest marker drawn at this point.
      const r = Math.max(...screen.flatMap((pts, k) => pts
        .filter(([qx, qy]) => Math.hypot(qx - px, qy - py) < 1)
        .map(() => MARKER_RADIUS * markerScale[k])));
      const d = r + 2.5;
      const e = r + 1.5;
      const candidates: Array<[number, number, 'start' | 'middle' | 'end']> = [
        [px, py - d, 'middle'], [px - e, py - e, 'end'], [px + e, py - e, 'start'], [px, py + d + VALUE_SIZE * 0.95, 'middle'],
        [px + e, py + e + VALUE_SIZE * 0.9, 'start'], [px - e, py + e + VALUE_SIZE * 0.9, 'end'], [px + d, mid, 'start'], [px - d, mid, 'end'],
        ...[4, -4, 8, -8, 12, -12].map((dy): [number, number, 'start'] => [px + d, mid + dy, 'start']),
        ...[4, -4, 8, -8, 12, -12].map((dy): [number, number, 'end'] => [px - d, mid + dy, 'end']),
      ];
      for (const [x, baseline, anchor] of candidates) {
        const box = textBox(x, baseline, w, VALUE_SIZE, anchor);
        const cx = (box.left + box.right) / 2;
        const cy = (box.top + box.bottom) / 2;
        const own = Math.hypot(cx - px, cy - py);
        const nearerToOther = screen.some((pts, k) => k !== i && pts.some(([qx, qy]) => Math.hypot(cx - qx, cy - qy) < own));
        if (inside(box, labelArea) && !nearerToOther && !hitsAny(box, labelSegments, markerBoxes, labelObstacles)) {
          labelObstacles.push(box);
          out.push(text(label, x, baseline, VALUE_SIZE, { anchor, cls: 'value-label', fill: colour }));
          break;
        }
      }
    });
  });
  out.push('</g>');

  // The legend under the x axis label.
  out.push('<g class="legend">');
  panel.series.forEach((s, i) => {
    const style = seriesStyle(i);
    const lx = x0 + PAD + LEGEND_INDENT + (i % m.legendColumns) * m.legendColumnWidth;
    const cy = v.legendTop + LEGEND_ROW / 2 + Math.floor(i / m.legendColumns) * LEGEND_ROW;
    out.push(`<line x1="${n(lx)}" y1="${n(cy)}" x2="${n(lx + LEGEND_SAMPLE)}" y2="${n(cy)}" stroke="${style.colour}" stroke-width="2"`
      + `${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`);
    out.push(marker(style.marker, style.colour, lx + LEGEND_SAMPLE / 2, cy));
    out.push(text(s.name, lx + LEGEND_SAMPLE + 8, cy + LEGEND_SIZE * 0.35, LEGEND_SIZE, { cls: 'legend-label' }));
  });
  out.push('</g>');

  out.push('</g>');
  return out.join('\n');
}

function seriesStyle(index: number): { colour: string; dash: string; marker: MarkerShape } {
  return { colour: COLOURS[index % COLOURS.length], dash: DASHES[index % DASHES.length], marker: MARKERS[index % MARKERS.length] };
}

/** A marker centred on (x, y): the shape is drawn around the origin and moved by its transform. */
function marker(shape: MarkerShape, colour: string, x: number, y: number, scale = 1): string {
  const paths: Record<MarkerShape, string> = {
    'circle': 'M-4,0A4,4 0 1,0 4,0A4,4 0 1,0 -4,0Z',
    'square': 'M-3.5,-3.5H3.5V3.5H-3.5Z',
    'triangle': 'M0,-5L4.5,3.5H-4.5Z',
    'diamond': 'M0,-5L5,0L0,5L-5,0Z',
    'triangle-down': 'M0,5L4.5,-3.5H-4.5Z',
    'ring': 'M-4,0A4,4 0 1,0 4,0A4,4 0 1,0 -4,0Z',
    'square-ring': 'M-3.5,-3.5H3.5V3.5H-3.5Z',
  };
  const paint = shape === 'ring' || shape === 'square-ring' ? `fill="#ffffff" stroke="${colour}" stroke-width="2"` : `fill="${colour}" stroke="#ffffff" stroke-width="1"`;
  const transform = `translate(${n(x)},${n(y)})${scale === 1 ? '' : ` scale(${n(scale)})`}`;
  return `<path class="marker ${shape}" transform="${transform}" d="${paths[shape]}" ${paint}/>`;
}

/** Whether two series are drawn on the same screen points. */
function sameLine(a: Array<[number, number]>, b: Array<[number, number]>): boolean {
  return a.length === b.length && a.every(([x, y], i) => Math.abs(x - b[i][0]) < 0.5 && Math.abs(y - b[i][1]) < 0.5);
}

interface TextOptions {
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly weight?: 'bold';
  readonly cls: string;
  readonly fill?: string;
  readonly rotate?: boolean;
}

function text(content: string, x: number, y: number, size: number, o: TextOptions): string {
  const attrs = [
    `class="${o.cls}"`, `x="${n(x)}"`, `y="${n(y)}"`, `font-size="${size}"`,
    ...(o.anchor && o.anchor !== 'start' ? [`text-anchor="${o.anchor}"`] : []),
    ...(o.weight ? [`font-weight="${o.weight}"`] : []),
    `fill="${o.fill ?? TEXT_COLOUR}"`,
    ...(o.rotate ? [`transform="rotate(-90 ${n(x)} ${n(y)})"`] : []),
  ];
  return `<text ${attrs.join(' ')}>${esc(content)}</text>`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Geometry for keeping labels apart

/** The box a browser reports for a line of text: DejaVu Sans ascends 0.93 em and descends 0.24 em. */
function textBox(x: number, baseline: number, width: number, size: number, anchor: 'start' | 'middle' | 'end'): Box {
  const left = anchor === 'start' ? x : anchor === 'middle' ? x - width / 2 : x - width;
  return { left, right: left + width, top: baseline - size * 0.95, bottom: baseline + size * 0.26 };
}

function grow(b: Box, by: number): Box {
  return { left: b.left - by, right: b.right + by, top: b.top - by, bottom: b.bottom + by };
}

function inside(box: Box, area: Box): boolean {
  return box.left >= area.left && box.right <= area.right && box.top >= area.top && box.bottom <= area.bottom;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function hitsAny(box: Box, segments: Segment[], markers: Box[], taken: Box[]): boolean {
  const padded = grow(box, 1);
  return markers.some((b) => overlaps(padded, b))
    || taken.some((b) => overlaps(padded, b))
    || segments.some((s) => segmentHitsBox(s, grow(padded, s.halfWidth ?? 0)));
}

/** Liang-Barsky clipping: does the segment pass through the box? */
function segmentHitsBox(s: Segment, b: Box): boolean {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  let t0 = 0;
  let t1 = 1;
  const edges: Array<[number, number]> = [[-dx, s.x1 - b.left], [dx, b.right - s.x1], [-dy, s.y1 - b.top], [dy, b.bottom - s.y1]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------------
// Text

/** Advance widths of DejaVu Sans Book (em) for ASCII 32..126. */
const ASCII_WIDTHS = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337,
  0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531,
  1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
  0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5,
  0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
  0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
];

/** An upper estimate of the rendered width of `s` at `size` px. */
function textWidth(s: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    em += code >= 32 && code <= 126 ? ASCII_WIDTHS[code - 32] : code >= 0x2e80 ? 1 : 0.75;
  }
  return em * size * (bold ? 1.13 : 1) * 1.04;
}

/** Greedy word wrap to `maxWidth`; a word longer than a line is broken. */
function wrapText(s: string, maxWidth: number, size: number, bold: boolean): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/).filter((w) => w.length > 0)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, size, bold) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    for (const ch of word) {
      if (line && textWidth(line + ch, size, bold) > maxWidth) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A coordinate with one decimal, never "-0.0". */
function n(v: number): string {
  const s = v.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

function formatFixed(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A data value: integers as they are, others with at most 2 decimals, or 3 significant digits below 1. */
function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v === 0 ? 0 : v);
  if (Math.abs(v) < 1) return String(Number(v.toPrecision(3)));
  return v.toFixed(2).replace(/\.?0+$/, '');
}

function range(count: number): number[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => i);
}
