// Harness helpers: percentiles, Markdown tables, the SVG charts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markdownTable } from '../../bench/lib/results.js';
import { median, percentile } from '../../bench/lib/stats.js';
import { barChart, lineChart, niceMax } from '../../bench/lib/svg-chart.js';

describe('bench stats and reports', () => {
  it('computes medians and nearest-rank percentiles', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile(xs, 50), 50);
    assert.ok(Number.isNaN(median([])));
  });

  it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceMax([0.7]), 1);
    assert.equal(niceMax([13]), 20);
    assert.equal(niceMax([420]), 500);
    assert.equal(niceMax([]), 1);
  });

  it('renders a Markdown table', () => {
    assert.equal(markdownTable(['a', 'b'], [['1', '2']]), '| a | b |\n| --- | --- |\n| 1 | 2 |');
  });

  it('draws one bar per measured value and escapes labels', () => {
    const svg = barChart({ title: 'a<b', yLabel: 's', categories: ['x', 'y'], series: [{ name: 'p', values: [1, null] }, { name: 'q', values: [2, 3] }] });
    assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, 3);
    assert.ok(svg.includes('a&lt;b'));
    assert.ok(svg.startsWith('<svg'));
  });

  it('draws one polyline per series', () => {
    const svg = lineChart({ title: 't', xLabel: 'clients', yLabel: 'ops/s', xs: [1, 4, 16], logX: true, series: [{ name: 'a', values: [1, 2, 3] }, { name: 'b', values: [3, null, 1] }] });
    assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
    assert.equal((svg.match(/<circle/g) ?? []).length, 5);
  });
});
