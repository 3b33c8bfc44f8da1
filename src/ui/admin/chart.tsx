import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  color: string;
  /**
   * Draw each point as a dot: for series with gaps (latencies of buckets without requests), where
   * a lone bucket would otherwise draw nothing.
   */
  dots?: boolean;
}

export interface TimeChartProps {
  title: string;
  /** Each bucket's start, in epoch seconds. */
  time: readonly number[];
  series: readonly ChartSeries[];
  /** How the y axis and the legend show a value. */
  format: (value: number) => string;
  /** The y axis starts at zero and does not go below `minMax` (so a quiet hour is not all noise). */
  minMax?: number;
  /** The values are counts: ticks at whole numbers only. */
  integer?: boolean;
  height?: number;
}

/**
 * A uPlot line chart of the last hour. The chart is made once per set of series and fed new data
 * on every poll; it follows its container's width. `data-points` says how many points have a value
 * (what the browser test checks besides the drawing).
 */
/** Whole-number tick steps for counts. */
const INTEGER_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
];

export function TimeChart({
  title,
  time,
  series,
  format,
  minMax = 1,
  integer = false,
  height = 180,
}: TimeChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((line) => `${line.label}\u0000${line.color}`).join('\u0001');

  const data = [
    time as number[],
    ...series.map((line) => line.values as (number | null)[]),
  ] as uPlot.AlignedData;

  // (Re)made when the set of series changes.
  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        y: { range: (_self, _min, max) => [0, Math.max(minMax, max * 1.1)] },
      },
      axes: [
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.2)' },
          size: 70,
          values: (_self, ticks) => ticks.map((tick) => format(tick)),
          ...(integer ? { incrs: INTEGER_STEPS } : {}),
        },
      ],
      series: [
        { label: 'time' },
        ...series.map((line): uPlot.Series => ({
          label: line.label,
          stroke: line.color,
          width: 1.5,
          spanGaps: false,
          value: (_self, value) => (value === null || value === undefined ? '–' : format(value)),
          points: line.dots ? { show: true, size: 5, fill: line.color, stroke: line.color } : { show: false },
        })),
      ],
    };
    const made = new uPlot(options, data, element);
    plot.current = made;
    const resize = new ResizeObserver(() =>
      made.setSize({ width: Math.max(200, element.clientWidth), height }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
    // The data is fed by the effect below; the chart is remade only for a new set of series.
  }, [labels, height, minMax, integer]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const points = series.reduce(
    (sum, line) => sum + line.values.filter((value) => value !== null && value !== 0).length,
    0,
  );
  return (
    <figure className="chart" data-chart={title} data-points={points}>
      <figcaption>{title}</figcaption>
      <div ref={container} />
    </figure>
  );
}
