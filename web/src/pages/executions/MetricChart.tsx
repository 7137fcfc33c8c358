// One live chart of 实时监控: the new (blue) and the old (green) version of
// one metric over the execution's time, the MONITOR thresholds drawn —
// absolute bounds as mark lines, a bound relative to the old version as a
// dashed red line. ECharts with only the parts it needs.
import { useEffect, useRef } from 'react';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkLineComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { MetricSeries } from './series';

use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | MarkLineComponentOption | TooltipComponentOption>;

export const BLUE = '#1677ff';
export const GREEN = '#52c41a';
const LIMIT = '#ff4d4f';

export interface ChartLabels {
  title: string;
  blue: string;
  green: string;
  limit: string;
  min: (v: string) => string;
  max: (v: string) => string;
  unit: string;
}

interface Props {
  series: MetricSeries;
  labels: ChartLabels;
  /** The execution's time span (ms): the x axis covers it. */
  from: number;
  to: number;
  /** Traffic: a step line. */
  step?: boolean;
  y: { min?: number; max?: number };
  testId: string;
}

export function MetricChart({ series, labels, from, to, step, y, testId }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | undefined>(undefined);

  useEffect(() => {
    if (!el.current) return;
    const c = init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const fmt = (v: number) => `${Math.round(v * 10) / 10}${labels.unit}`;
    const lines = series.lines.map((b) => ({
      yAxis: b.value,
      name: b.kind === 'min' ? labels.min(fmt(b.value)) : labels.max(fmt(b.value)),
      label: { formatter: b.kind === 'min' ? labels.min(fmt(b.value)) : labels.max(fmt(b.value)), position: 'insideEndTop' as const, color: LIMIT, fontSize: 10 },
      lineStyle: { color: LIMIT, type: 'dashed' as const, width: 1 },
    }));
    const option: Option = {
      animation: false,
      grid: { left: 44, right: 12, top: 28, bottom: 22 },
      legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? fmt(v) : String(v)) },
      xAxis: {
        type: 'time',
        min: from,
        max: Math.max(to, from + 20_000),
        axisLabel: { fontSize: 10, hideOverlap: true, formatter: '{HH}:{mm}:{ss}' },
        splitLine: { show: false },
      },
      yAxis: { type: 'value', min: y.min, max: y.max, axisLabel: { fontSize: 10, formatter: (v: number) => fmt(v) }, splitLine: { lineStyle: { color: '#f0f0f0' } } },
      series: [
        {
          name: labels.blue,
          type: 'line',
          data: series.blue,
          step: step ? 'end' : undefined,
          showSymbol: series.blue.length < 30,
          symbolSize: 4,
          lineStyle: { color: BLUE, width: 2 },
          itemStyle: { color: BLUE },
          markLine: lines.length ? { symbol: 'none', silent: true, data: lines } : undefined,
        },
        {
          name: labels.green,
          type: 'line',
          data: series.green,
          step: step ? 'end' : undefined,
          showSymbol: series.green.length < 30,
          symbolSize: 4,
          lineStyle: { color: GREEN, width: 2 },
          itemStyle: { color: GREEN },
        },
        ...(series.limit.length
          ? [
              {
                name: labels.limit,
                type: 'line' as const,
                data: series.limit,
                showSymbol: false,
                lineStyle: { color: LIMIT, width: 1, type: 'dashed' as const },
                itemStyle: { color: LIMIT },
              },
            ]
          : []),
      ],
    };
    c.setOption(option, { notMerge: true });
  }, [series, labels, from, to, step, y]);

  return (
    <div className="exe-chart" data-testid={testId} data-points={series.blue.length}>
      <div className="exe-chart-title">{labels.title}</div>
      <div ref={el} className="exe-chart-canvas" />
    </div>
  );
}
