// 执行记录's chart: executions per week over the last weeks, the rolled
// back ones stacked in red.
import { useEffect, useRef } from 'react';
import { init, use, type ComposeOption } from 'echarts/core';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, type GridComponentOption, type LegendComponentOption, type TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useI18n } from '../../i18n/I18nProvider';
import type { WeekBucket } from './stats';

use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export function WeeklyChart({ weeks }: { weeks: WeekBucket[] }) {
  const { t } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = init(el.current);
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el.current);
    const label = (ms: number) => {
      const d = new Date(ms);
      return `${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const option: Option = {
      animation: false,
      grid: { left: 28, right: 8, top: 24, bottom: 20 },
      legend: { top: 0, right: 0, itemWidth: 10, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: weeks.map((w) => label(w.start)), axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#f0f0f0' } } },
      series: [
        { name: t('exe.history.weekly.total'), type: 'bar', stack: 'w', data: weeks.map((w) => w.total - w.rolledBack), itemStyle: { color: '#1677ff' }, barMaxWidth: 22 },
        { name: t('exe.history.weekly.rolledBack'), type: 'bar', stack: 'w', data: weeks.map((w) => w.rolledBack), itemStyle: { color: '#ff4d4f' }, barMaxWidth: 22 },
      ],
    };
    c.setOption(option);
    return () => {
      resize.disconnect();
      c.dispose();
    };
  }, [weeks, t]);
  return <div ref={el} style={{ height: 110, width: '100%' }} data-testid="history-weekly" />;
}
