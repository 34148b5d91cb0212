import * as os from 'os';
import * as path from 'path';
import { Browser } from 'playwright-core';
import { ChartPanel, lineCharts } from '../../bench/chart';
import { DOMRectLike, launchChromium } from '../chromium';

// The benchmark charts: the SVG is parsed here (no DOM library in this project) and its geometry checked, and once
// rendered by Debian's Chromium to check that no label leaves the picture or covers another one.

/** The benchmark's two panels, as the report draws them. */
const REPORT_PANELS: ChartPanel[] = [
  {
    title: 'Deploy machinery per stack vs N deploy-time SQL resources',
    xLabel: 'N deploy-time SQL resources in the stack',
    yLabel: 'count per stack',
    series: [
      { name: 'this library: Lambda functions', points: [[1, 1], [10, 1], [50, 1]] },
      { name: 'this library: custom resources', points: [[1, 1], [10, 10], [50, 50]] },
      { name: 'aws-redshift-alpha: Lambda functions', points: [[1, 2], [10, 2], [50, 2]] },
      { name: 'aws-redshift-alpha: custom resources', points: [[1, 1], [10, 10], [50, 50]] },
    ],
  },
  {
    title: 'ScheduledQuery at scale',
    xLabel: 'N scheduled queries in the stack (log scale)',
    yLabel: 'resources / template KB',
    logX: true,
    limit: { value: 500, label: 'CloudFormation: 500 resources per stack' },
    series: [
      { name: 'resources', points: [[1, 7], [50, 105], [200, 405]] },
      { name: 'template KB', points: [[1, 9], [50, 120], [200, 470]] },
    ],
  },
];

function panel(overrides: Partial<ChartPanel> = {}): ChartPanel {
  return { title: 'T', xLabel: 'N', yLabel: 'count', series: [{ name: 'a', points: [[1, 1], [2, 4], [3, 9]] }], ...overrides };
}

// ---------------------------------------------------------------------------------------------------------------------
// A small parser for the SVG this module writes: elements with double-quoted attributes, text, the five XML entities.

interface El {
  readonly tag: string;
  readonly attrs: Record<string, string>;
  readonly children: El[];
  text: string;
}

function unescape(s: string): string {
  return s.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ 'lt': '<', 'gt': '>', 'quot': '"', '#39': "'", 'amp': '&' })[e]!);
}

/** Parses the document, throwing if it is not well-formed (stray `<` or `&`, unbalanced tags, more than one root). */
function parseSvg(svg: string): El {
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:lt|gt|quot|#39|amp);[^"<&]*)*")*)\s*(\/?)>|([^<&]+|&(?:lt|gt|quot|#39|amp);)/y;
  const root: El = { tag: '#document', attrs: {}, children: [], text: '' };
  const stack: El[] = [root];
  while (token.lastIndex < svg.length) {
    const at = token.lastIndex;
    const m = token.exec(svg);
    if (!m) throw new Error(`not well-formed at offset ${at}: ${JSON.stringify(svg.slice(at, at + 40))}`);
    const [, closing, tag, attrText, selfClosing, textPart] = m;
    const top = stack[stack.length - 1];
    if (textPart !== undefined) {
      top.text += unescape(textPart);
    } else if (closing) {
      if (top.tag !== tag) throw new Error(`</${tag}> closes <${top.tag}> at offset ${at}`);
      stack.pop();
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]] = unescape(a[2]);
      const el: El = { tag, attrs, children: [], text: '' };
      top.children.push(el);
      if (!selfClosing) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].tag}> is never closed`);
  const elements = root.children;
  if (elements.length !== 1 || elements[0].tag !== 'svg' || root.text.trim() !== '') throw new Error('expected one <svg> root element');
  return elements[0];
}

function descendants(el: El, match: (e: El) => boolean): El[] {
  return el.children.flatMap((c) => [...(match(c) ? [c] : []), ...descendants(c, match)]);
}

function hasClass(el: El, cls: string): boolean {
  return (el.attrs.class ?? '').split(' ').includes(cls);
}

function byClass(el: El, tag: string, ...classes: string[]): El[] {
  return descendants(el, (e) => e.tag === tag && classes.every((c) => hasClass(e, c)));
}

function panelsOf(svg: string): El[] {
  return byClass(parseSvg(svg), 'g', 'panel');
}

function num(el: El, attr: string): number {
  const v = Number(el.attrs[attr]);
  if (!Number.isFinite(v)) throw new Error(`<${el.tag}> ${attr}=${JSON.stringify(el.attrs[attr])} is not a number`);
  return v;
}

/** The screen points of the named series' polyline. */
function seriesPoints(p: El, name: string): Array<[number, number]> {
  const group = byClass(p, 'g', 'series').find((g) => g.attrs['data-name'] === name);
  if (!group) throw new Error(`no series ${name}`);
  const polyline = group.children.find((c) => c.tag === 'polyline')!;
  return polyline.attrs.points.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]);
}

/** The plot area, from the two axis lines. */
function plotArea(p: El): { left: number; right: number; top: number; bottom: number } {
  const x = byClass(p, 'line', 'axis', 'x')[0];
  const y = byClass(p, 'line', 'axis', 'y')[0];
  return { left: num(x, 'x1'), right: num(x, 'x2'), top: num(y, 'y1'), bottom: num(y, 'y2') };
}

/** Tick values and their screen positions: the y ticks' marks (all labelled), the x ticks' labels' centres. */
function ticks(p: El, axis: 'x' | 'y'): Array<{ value: number; at: number }> {
  const labels = byClass(p, 'text', 'tick-label', axis);
  const marks = tickMarks(p, axis);
  if (axis === 'y') expect(marks).toHaveLength(labels.length);
  return labels.map((t, i) => ({ value: Number(t.text), at: axis === 'y' ? marks[i] : num(t, 'x') }));
}

function tickMarks(p: El, axis: 'x' | 'y'): number[] {
  return byClass(p, 'line', 'tick', axis).map((l) => num(l, axis === 'y' ? 'y1' : 'x1'));
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

function isRoundStep(step: number): boolean {
  const magnitude = Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
  return [1, 2, 5, 10].some((m) => Math.abs(step / magnitude - m) < 1e-9);
}

// ---------------------------------------------------------------------------------------------------------------------

describe('lineCharts', () => {
  test('writes one well-formed SVG document with its size, viewBox, a white background and sans-serif text', () => {
    // WHEN
    const svg = lineCharts(REPORT_PANELS);
    const root = parseSvg(svg);

    // THEN
    const width = num(root, 'width');
    const height = num(root, 'height');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.viewBox).toBe(`0 0 ${width} ${height}`);
    expect(root.attrs['font-family']).toBe('sans-serif');
    const background = root.children[0];
    expect(background.tag).toBe('rect');
    expect(background.attrs).toMatchObject({ x: '0', y: '0', width: String(width), height: String(height), fill: '#ffffff' });
    expect(panelsOf(svg)).toHaveLength(2);
  });

  test('a rising series goes up on screen from left to right, inside the plot area', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([panel()]));

    // THEN: SVG's y grows downwards, so a larger value has a smaller y.
    const points = seriesPoints(p, 'a');
    const area = plotArea(p);
    expect(points).toHaveLength(3);
    for (let i = 1; i < points.length; i++) {
      expect(points[i][0]).toBeGreaterThan(points[i - 1][0]);
      expect(points[i][1]).toBeLessThan(points[i - 1][1]);
    }
    for (const [x, y] of points) {
      expect(x).toBeGreaterThanOrEqual(area.left);
      expect(x).toBeLessThanOrEqual(area.right);
      expect(y).toBeGreaterThanOrEqual(area.top);
      expect(y).toBeLessThanOrEqual(area.bottom);
    }
  });

  test('points sit where the tick marks say: linear in y, from 0 at the x axis', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([panel({ series: [{ name: 'a', points: [[0, 0], [10, 20], [40, 35]] }] })]));

    // THEN: interpolate each point's value from the y ticks and the x ticks.
    const ys = ticks(p, 'y');
    const xs = ticks(p, 'x');
    const valueAt = (t: Array<{ value: number; at: number }>, at: number): number =>
      t[0].value + ((at - t[0].at) / (t[t.length - 1].at - t[0].at)) * (t[t.length - 1].value - t[0].value);
    const area = plotArea(p);
    expect(ys[0]).toEqual({ value: 0, at: area.bottom });
    expect(ys[ys.length - 1].at).toBe(area.top);
    const shown = seriesPoints(p, 'a').map(([x, y]) => [valueAt(xs, x), valueAt(ys, y)]);
    expect(shown[0][0]).toBeCloseTo(0, 0);
    expect(shown[0][1]).toBeCloseTo(0, 0);
    expect(shown[1][0]).toBeCloseTo(10, 0);
    expect(shown[1][1]).toBeCloseTo(20, 0);
    expect(shown[2][0]).toBeCloseTo(40, 0);
    expect(shown[2][1]).toBeCloseTo(35, 0);
  });

  test('a flat series is a horizontal line above the x axis, and the y axis starts at 0', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([panel({ series: [{ name: '1 Lambda function at every N', points: [[1, 1], [10, 1], [50, 1], [200, 1]] }] })]));

    // THEN
    const points = seriesPoints(p, '1 Lambda function at every N');
    const area = plotArea(p);
    expect(new Set(points.map(([, y]) => y)).size).toBe(1);
    expect(points[0][1]).toBeLessThan(area.bottom - 20);
    const ys = ticks(p, 'y');
    expect(ys[0].value).toBe(0);
    expect(Math.max(...ys.map((t) => t.value))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...tickMarks(p, 'y'))).toBeCloseTo(area.bottom, 5);
  });

  test('y ticks are round, evenly spaced values from 0 past the largest value', () => {
    for (const max of [7, 50, 405, 470, 1234, 0.37, 1e6]) {
      // WHEN
      const [p] = panelsOf(lineCharts([panel({ series: [{ name: 'a', points: [[1, 0], [2, max]] }] })]));

      // THEN
      const values = ticks(p, 'y').map((t) => t.value);
      const marks = tickMarks(p, 'y');
      expect(values[0]).toBe(0);
      expect(values[values.length - 1]).toBeGreaterThanOrEqual(max);
      expect(values.length).toBeGreaterThanOrEqual(3);
      expect(values.length).toBeLessThanOrEqual(11);
      const step = values[1] - values[0];
      expect(isRoundStep(step)).toBe(true);
      values.forEach((v, i) => expect(v).toBeCloseTo(i * step, 9));
      marks.slice(1).forEach((y, i) => expect(marks[i] - y).toBeCloseTo(marks[0] - marks[1], 0));
    }
  });

  test('x ticks on a linear axis are round values with their labels apart', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([panel({ series: [{ name: 'a', points: [[1, 1], [10, 2], [50, 3]] }] })]));

    // THEN
    const xs = ticks(p, 'x');
    expect(xs[0].value).toBe(0);
    expect(xs[xs.length - 1].value).toBeGreaterThanOrEqual(50);
    expect(isRoundStep(xs[1].value - xs[0].value)).toBe(true);
    xs.slice(1).forEach((t, i) => expect(t.at - xs[i].at).toBeGreaterThan(30));
  });

  test('a log x axis puts 10 halfway between 1 and 100, and 50 at log10(50) of the way', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([panel({ logX: true, series: [{ name: 'a', points: [[1, 5], [10, 5], [50, 5], [100, 5]] }] })]));

    // THEN
    const [x1, x10, x50, x100] = seriesPoints(p, 'a').map(([x]) => x);
    expect(x10 - x1).toBeGreaterThan(50);
    expect(x10 - x1).toBeCloseTo(x100 - x10, 0);
    expect((x50 - x1) / (x100 - x1)).toBeCloseTo(Math.log10(50) / 2, 2);
    // The decade ticks are labelled where the data says they are.
    const xs = ticks(p, 'x');
    expect(xs.find((t) => t.value === 1)?.at).toBeCloseTo(x1, 1);
    expect(xs.find((t) => t.value === 10)?.at).toBeCloseTo(x10, 1);
    expect(xs.find((t) => t.value === 100)?.at).toBeCloseTo(x100, 1);
  });

  test('the N values 1, 10, 50, 200 on a log axis: the axis ends at 200, not at 1000', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([panel({ logX: true, series: [{ name: 'a', points: [[1, 1], [10, 2], [50, 3], [200, 4]] }] })]));

    // THEN
    const points = seriesPoints(p, 'a');
    const area = plotArea(p);
    expect(points[0][0]).toBeCloseTo(area.left, 1);
    expect(points[3][0]).toBeCloseTo(area.right, 1);
    expect(ticks(p, 'x').map((t) => t.value)).toEqual(expect.arrayContaining([1, 10, 100]));
  });

  test('a series with a single point gets a marker inside the plot area', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([panel({ series: [{ name: 'only', points: [[5, 3]] }] })]));

    // THEN
    const group = byClass(p, 'g', 'series')[0];
    const markers = byClass(group, 'path', 'marker');
    expect(markers).toHaveLength(1);
    const [, mx, my] = /^translate\(([-\d.]+),([-\d.]+)\)/.exec(markers[0].attrs.transform)!.map(Number);
    const area = plotArea(p);
    expect(mx).toBeGreaterThan(area.left);
    expect(mx).toBeLessThanOrEqual(area.right);
    expect(my).toBeGreaterThan(area.top);
    expect(my).toBeLessThan(area.bottom);
    expect(seriesPoints(p, 'only')).toEqual([[mx, my]]);
  });

  test('a limit above all data extends the y axis, and its dashed line and label are above every point', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([REPORT_PANELS[1]]));

    // THEN
    const limit = byClass(p, 'line', 'limit')[0];
    const area = plotArea(p);
    const y = num(limit, 'y1');
    expect(num(limit, 'y2')).toBe(y);
    expect(limit.attrs['stroke-dasharray']).toMatch(/^\d/);
    expect(y).toBeGreaterThan(area.top);
    const allPoints = ['resources', 'template KB'].flatMap((name) => seriesPoints(p, name));
    expect(y).toBeLessThan(Math.min(...allPoints.map(([, py]) => py)));
    expect(Math.max(...ticks(p, 'y').map((t) => t.value))).toBeGreaterThanOrEqual(500);
    const label = byClass(p, 'text', 'limit-label')[0];
    expect(label.text).toBe('CloudFormation: 500 resources per stack');
    expect(num(label, 'y')).toBeLessThan(Math.min(...allPoints.map(([, py]) => py)));
  });

  test('each series has its own colour, dash pattern and marker shape, and a legend entry', () => {
    // GIVEN
    const names = ['s0', 's1', 's2', 's3', 's4', 's5'];

    // WHEN
    const series = names.map((name, i) => ({ name, points: [[1, i], [2, i + 1]] as Array<[number, number]> }));
    const [p] = panelsOf(lineCharts([panel({ series })]));

    // THEN
    const groups = byClass(p, 'g', 'series');
    const polylines = groups.map((g) => g.children.find((c) => c.tag === 'polyline')!);
    expect(new Set(polylines.map((l) => l.attrs.stroke)).size).toBe(6);
    expect(new Set(polylines.map((l) => l.attrs['stroke-dasharray'] ?? 'solid')).size).toBe(6);
    expect(new Set(groups.map((g) => byClass(g, 'path', 'marker')[0].attrs.d + byClass(g, 'path', 'marker')[0].attrs.fill)).size).toBe(6);
    expect(byClass(p, 'text', 'legend-label').map((t) => t.text)).toEqual(names);
  });

  test('titles, labels and series names are XML-escaped', () => {
    // GIVEN
    const nasty = 'a < b && c > "d" \'e\' </text><script>';

    // WHEN
    const limit = { value: 2, label: nasty };
    const svg = lineCharts([panel({ title: nasty, xLabel: nasty, yLabel: nasty, limit, series: [{ name: nasty, points: [[1, 1]] }] })]);

    // THEN
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('"d"');
    expect(svg).toContain('a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;');
    const [p] = panelsOf(svg);
    expect(p.attrs['data-title']).toBe(nasty);
    expect(byClass(p, 'text', 'axis-label', 'y')[0].text).toBe(nasty);
    expect(byClass(p, 'text', 'limit-label')[0].text).toBe(nasty);
    expect(byClass(p, 'text', 'legend-label')[0].text).toBe(nasty);
    expect(byClass(p, 'g', 'series')[0].attrs['data-name']).toBe(nasty);
    // The title and x label are wrapped over lines, but all of the text is there.
    expect(byClass(p, 'text', 'title').map((t) => t.text).join(' ')).toBe(nasty);
  });

  test('is deterministic, with fixed decimals and nothing undefined or infinite', () => {
    // WHEN
    const first = lineCharts(REPORT_PANELS);
    const second = lineCharts(JSON.parse(JSON.stringify(REPORT_PANELS)));

    // THEN
    expect(second).toBe(first);
    expect(first).not.toMatch(/NaN|Infinity|undefined|null/);
    for (const m of first.matchAll(/ (?:x|y|x1|x2|y1|y2)="([^"]*)"/g)) expect(m[1]).toMatch(/^-?\d+(\.\d)?$/);
  });

  test('panels are laid out side by side in at most 2 columns', () => {
    // WHEN
    const one = parseSvg(lineCharts([panel()]));
    const two = parseSvg(lineCharts([panel(), panel()]));
    const three = parseSvg(lineCharts([panel(), panel(), panel()]));

    // THEN
    const w = num(one, 'width');
    expect(num(two, 'width')).toBe(2 * w);
    expect(num(two, 'height')).toBe(num(one, 'height'));
    expect(num(three, 'width')).toBe(2 * w);
    expect(num(three, 'height')).toBe(2 * num(one, 'height'));
    const titles = byClass(three, 'text', 'title').map((t) => [num(t, 'x'), num(t, 'y')]);
    expect(titles[0][1]).toBe(titles[1][1]);
    expect(titles[1][0] - titles[0][0]).toBe(w);
    expect(titles[2][0]).toBe(titles[0][0]);
    expect(titles[2][1]).toBeGreaterThan(titles[0][1] + num(one, 'height') - 1);
  });

  test.each([
    ['an empty panel list', () => lineCharts([]), /panel list is empty/],
    ['a panel without series', () => lineCharts([panel({ series: [] })]), /has no series/],
    ['a series without points', () => lineCharts([panel({ series: [{ name: 'empty', points: [] }] })]), /series "empty" has no points/],
    ['a NaN value', () => lineCharts([panel({ series: [{ name: 'a', points: [[1, NaN]] }] })]), /point 1 is not a pair of finite numbers/],
    ['an infinite x', () => lineCharts([panel({ series: [{ name: 'a', points: [[1, 1], [Infinity, 2]] }] })]), /point 2 is not a pair of finite numbers/],
    ['a non-finite limit', () => lineCharts([panel({ limit: { value: NaN, label: 'L' } })]), /limit "L" is not a finite number/],
    ['x = 0 on a log axis', () => lineCharts([panel({ logX: true, series: [{ name: 'a', points: [[0, 1], [10, 2]] }] })]), /log-scale x axis.*x = 0/],
    ['x < 0 on a log axis', () => lineCharts([panel({ logX: true, series: [{ name: 'a', points: [[-1, 1]] }] })]), /log-scale x axis.*x = -1/],
  ])('throws for %s', (_, draw, message) => {
    expect(draw).toThrow(message);
  });

  test('a negative x is fine on a linear axis, and so are negative values', () => {
    // WHEN
    const [p] = panelsOf(lineCharts([panel({ series: [{ name: 'a', points: [[-5, -2], [5, 3]] }] })]));

    // THEN
    const area = plotArea(p);
    for (const [x, y] of seriesPoints(p, 'a')) {
      expect(x).toBeGreaterThanOrEqual(area.left);
      expect(y).toBeLessThanOrEqual(area.bottom);
    }
    expect(ticks(p, 'y').map((t) => t.value)).toContain(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// The chart as a browser shows it: Debian's Chromium, launched by test/chromium.ts.


/** The page's document, as the function passed to page.evaluate sees it (this project compiles without the DOM library). */
declare const document: {
  querySelector(selector: string): { getBoundingClientRect(): DOMRectLike } | null;
  querySelectorAll(selector: string): ArrayLike<{
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; getBoundingClientRect(): DOMRectLike }>;
  }>;
};

describe('lineCharts in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** The SVG's box and each panel's text boxes as Chromium lays them out, in the given font; a screenshot in the temp directory. */
  async function layOut(svg: string, font: string, png: string) {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg.replace('font-family="sans-serif"', `font-family="${font}"`)}</body></html>`);
    const shown = await page.evaluate(() => {
      const svgBox = document.querySelector('svg')!.getBoundingClientRect();
      const panels = Array.from(document.querySelectorAll('g.panel')).map((g) => Array.from(g.querySelectorAll('text')).map((t) => {
        const r = t.getBoundingClientRect();
        return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
      }));
      return { width: svgBox.width, height: svgBox.height, left: svgBox.left, top: svgBox.top, panels };
    });
    await page.screenshot({ path: path.join(os.tmpdir(), png), fullPage: true });
    await page.close();
    const texts = shown.panels.flat();
    return {
      ...shown,
      empty: texts.filter((t) => t.width === 0).map((t) => t.text),
      outside: texts
        .filter((t) => t.left < shown.left || t.top < shown.top || t.right > shown.left + shown.width || t.bottom > shown.top + shown.height)
        .map((t) => t.text),
      overlapping: shown.panels.flatMap((inPanel) => inPanel.flatMap((a, i) => inPanel.slice(i + 1)
        .filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        .map((b) => `${a.text} / ${b.text}`))),
    };
  }

  // Chromium draws sans-serif with Liberation Sans (Arial's metrics); other viewers pick DejaVu Sans, which is wider.
  test.each([
    ['sans-serif', 'bench-chart.png'],
    ['DejaVu Sans', 'bench-chart-dejavu.png'],
  ])('the report\'s 2-panel chart in %s: its size, every label inside the picture, no two labels of a panel overlapping', async (font, png) => {
    // GIVEN
    const svg = lineCharts(REPORT_PANELS);
    const root = parseSvg(svg);

    // WHEN
    const shown = await layOut(svg, font, png);

    // THEN
    expect(shown.width).toBe(num(root, 'width'));
    expect(shown.height).toBe(num(root, 'height'));
    expect(shown.panels).toHaveLength(2);
    expect(shown.empty).toEqual([]);
    expect(shown.outside).toEqual([]);
    expect(shown.overlapping).toEqual([]);
    // Every series name is in its panel's legend, and most points have their value written next to them.
    REPORT_PANELS.forEach((p, i) => expect(shown.panels[i].map((t) => t.text)).toEqual(expect.arrayContaining(p.series.map((s) => s.name))));
    expect(byClass(root, 'text', 'value-label').length).toBeGreaterThanOrEqual(10);
  }, 60_000);

  test('awkward panels in a 2 x 2 grid keep every label inside and apart', async () => {
    // GIVEN: long words and names, many decades on a log axis, negative values, a limit under the data, lone points.
    const long = 'Supercalifragilisticexpialidocious-ResourceNameWithoutAnySpacesAtAllThatIsLongerThanAPanel';
    const svg = lineCharts([
      {
        title: `${long} & "quoted" <b>text</b> with a title that goes on and on`,
        xLabel: `An x label that is long enough to need wrapping onto a second line, ${long}`,
        yLabel: 'a y label that is rather long for the height of the plot area, in units',
        series: range(7).map((i) => ({
          name: `series number ${i} with a long legend name, so the panel must be wider`,
          points: [[0, i * 3], [5, i * 7 + 1], [10, 50 - i * 2]] as Array<[number, number]>,
        })),
      },
      {
        title: 'Twelve decades',
        xLabel: 'x (log)',
        yLabel: 'y',
        logX: true,
        series: [{ name: 'tiny', points: [[1e-6, 0.001234], [1, 2.5], [1e6, 0.5]] }, { name: 'one point', points: [[1000, 1]] }],
      },
      {
        title: 'Negative values and a limit under the data',
        xLabel: 'x',
        yLabel: 'y',
        limit: { value: 5, label: 'a limit below the data' },
        series: [{ name: 'down', points: [[-10, 100], [0, -40], [10, 60]] }, { name: 'zero', points: [[-10, 0], [10, 0]] }],
      },
      { title: 'One point', xLabel: 'x', yLabel: 'y', series: [{ name: 'origin', points: [[0, 0]] }] },
    ]);

    // WHEN
    const shown = await layOut(svg, 'DejaVu Sans', 'bench-chart-awkward.png');

    // THEN
    expect(shown.panels).toHaveLength(4);
    expect(shown.empty).toEqual([]);
    expect(shown.outside).toEqual([]);
    expect(shown.overlapping).toEqual([]);
  }, 60_000);
});
