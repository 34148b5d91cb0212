import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Browser } from 'playwright-core';
import { buildCrossAccountDataApiApp } from '../../examples/cross-account-data-api';
import { AccessGraph } from '../../src';
import { DOMRectLike, launchChromium } from '../chromium';

// The SVG access graph as a browser shows it: Debian's Chromium, headless (test/chromium.ts).

/** The page's document, as the function passed to page.evaluate sees it (this project compiles without the DOM library). */
declare const document: {
  querySelector(selector: string): { getBoundingClientRect(): DOMRectLike } | null;
  querySelectorAll(selector: string): ArrayLike<{
    querySelector(selector: string): { textContent: string | null; getBoundingClientRect(): DOMRectLike } | null;
  }>;
};

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

test('the cross-account Data API graph renders with its size, every label, and each label inside its shape', async () => {
  // GIVEN
  const app = new App();
  buildCrossAccountDataApiApp(app);
  const graph = AccessGraph.fromStage(app);
  const svg = await graph.toSvg();
  const [, width, height] = /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg)!;

  // WHEN
  const page = await browser.newPage();
  await page.setContent(`<!doctype html><html><body style="margin:0">${svg.slice(svg.indexOf('<svg'))}</body></html>`);
  const shown = await page.evaluate(() => {
    const svgBox = document.querySelector('svg')!.getBoundingClientRect();
    const nodes = Array.from(document.querySelectorAll('g.node')).map((node) => {
      const text = node.querySelector('text')!;
      const shape = node.querySelector('path, polygon, ellipse')!;
      const t = text.getBoundingClientRect();
      const s = shape.getBoundingClientRect();
      return { label: text.textContent, inside: t.left >= s.left - 1 && t.right <= s.right + 1 && t.top >= s.top - 1 && t.bottom <= s.bottom + 1 };
    });
    return { width: svgBox.width, height: svgBox.height, nodes };
  });
  await page.screenshot({ path: path.join(os.tmpdir(), 'cross-account-data-api-graph.png'), fullPage: true });
  await page.close();

  // THEN: CSS pixels are 4/3 of the points Graphviz gives.
  expect(shown.width).toBeCloseTo((Number(width) * 4) / 3, 0);
  expect(shown.height).toBeCloseTo((Number(height) * 4) / 3, 0);
  expect(shown.nodes.map((n) => n.label).sort()).toEqual(graph.nodes.map((n) => n.label).sort());
  expect(shown.nodes.filter((n) => !n.inside).map((n) => n.label)).toEqual([]);
}, 60_000);
