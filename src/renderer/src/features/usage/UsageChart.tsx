/**
 * One time-series chart of the last hour, drawn by uPlot on a canvas. It redraws itself when the store
 * ticks (once per frame with samples), with no React render: a tick costs uPlot's setData, about 0.3 ms a
 * chart of 270 points here, where PatternFly's charts (Victory, SVG through React) took 3-6 ms a chart
 * (bench notes in the commit that added uPlot).
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { usageStore } from './store';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
}

export type AlignedSeries = [number[], ...(number | null)[][]];

/** PatternFly's chart palette (blue, green, purple, orange, cyan, red), as colours a canvas takes. */
export const PALETTE = ['#0066cc', '#3d7317', '#5e40be', '#ca6c0f', '#009596', '#b1380b'] as const;

const HEIGHT = 160;

function options(
  series: readonly ChartSeries[],
  width: number,
  format: (v: number) => string,
): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    cursor: { drag: { x: false, y: false } },
    legend: { show: true, live: true },
    scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { stroke: '#6a6e73', grid: { stroke: '#d2d2d2', width: 1 } },
      {
        stroke: '#6a6e73',
        grid: { stroke: '#d2d2d2', width: 1 },
        size: 72,
        values: (_u, ticks) => ticks.map(format),
      },
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        // A moment with no figure (a poll that failed, a rate not known yet) is bridged, not a break.
        spanGaps: true,
        fill: `${s.color}1a`,
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
      })),
    ],
  };
}

/**
 * A chart of `series`, whose data `read` returns (aligned: times in seconds, then one array per series).
 * `read` is called on mount and at every tick; the chart is built again only when the series change.
 */
export function UsageChart(props: {
  series: readonly ChartSeries[];
  read: () => AlignedSeries;
  format: (v: number) => string;
  testId: string;
  ariaLabel: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const read = useRef(props.read);
  const format = useRef(props.format);
  useEffect(() => {
    read.current = props.read;
    format.current = props.format;
  });
  const seriesKey = props.series.map((s) => `${s.label}\u0000${s.color}`).join('\u0001');

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const series =
      seriesKey === ''
        ? []
        : seriesKey.split('\u0001').map((s) => {
            const [label, color] = s.split('\u0000') as [string, string];
            return { label, color };
          });
    const plot = new uPlot(
      options(series, Math.max(240, el.clientWidth), (v) => format.current(v)),
      read.current(),
      el,
    );
    let drawn = usageStore.version;
    const off = usageStore.subscribe(() => {
      if (usageStore.version === drawn) return;
      drawn = usageStore.version;
      plot.setData(read.current());
    });
    const resize = new ResizeObserver((entries) => {
      const width = Math.floor(entries[entries.length - 1]?.contentRect.width ?? 0);
      if (width > 0 && Math.abs(width - plot.width) > 1) plot.setSize({ width, height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      off();
      resize.disconnect();
      plot.destroy();
    };
  }, [seriesKey]);

  return (
    <div
      ref={box}
      className="qhci-usage-chart"
      role="img"
      aria-label={props.ariaLabel}
      data-testid={props.testId}
    />
  );
}
