/** ECharts options for the dashboard's charts, built from the core's figures (labels in Chinese). */
import type { EChartsCoreOption } from 'echarts/core';
import type { DashboardSummary } from '../../../../shared/contract/dashboard';
import { RATING_NAMES } from '../../../../shared/contract/applicant';

const grid = { left: 8, right: 24, top: 24, bottom: 8, containLabel: true };

export function windowIntakeOption(s: DashboardSummary): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    grid,
    xAxis: { type: 'category', data: s.intake.byWindow.map((w) => `${w.windowNo} 号窗口`) },
    yAxis: { type: 'value', minInterval: 1, name: '件' },
    series: [{ type: 'bar', name: '受理量', data: s.intake.byWindow.map((w) => w.count), barMaxWidth: 40, label: { show: true, position: 'top' } }],
  };
}

export function itemIntakeOption(s: DashboardSummary, top = 10): EChartsCoreOption {
  // Largest at the top of a horizontal bar chart.
  const rows = s.intake.byItem.slice(0, top).reverse();
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid,
    xAxis: { type: 'value', minInterval: 1, name: '件' },
    yAxis: { type: 'category', data: rows.map((r) => r.itemName), axisLabel: { width: 160, overflow: 'truncate' } },
    series: [{ type: 'bar', name: '受理量', data: rows.map((r) => r.count), barMaxWidth: 24, label: { show: true, position: 'right' } }],
  };
}

export function hourIntakeOption(s: DashboardSummary): EChartsCoreOption {
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const byHour = new Map(s.intake.byHour.map((h) => [h.hour, h.count]));
  // Office hours always show; night hours only when something was accepted then.
  const shown = hours.filter((h) => (h >= 8 && h <= 18) || byHour.has(h));
  return {
    tooltip: { trigger: 'axis' },
    grid,
    xAxis: { type: 'category', data: shown.map((h) => `${h} 时`) },
    yAxis: { type: 'value', minInterval: 1, name: '件' },
    series: [{ type: 'bar', name: '受理量', data: shown.map((h) => byHour.get(h) ?? 0), barMaxWidth: 28 }],
  };
}

export function handlingOption(s: DashboardSummary): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${Number(v).toFixed(1)} 分钟` },
    grid,
    xAxis: { type: 'category', data: s.handling.byWindow.map((w) => `${w.windowNo} 号窗口`) },
    yAxis: { type: 'value', name: '分钟' },
    series: [{ type: 'bar', name: '平均办理时长', data: s.handling.byWindow.map((w) => Math.round((w.averageSeconds / 60) * 10) / 10), barMaxWidth: 40 }],
  };
}

export function satisfactionOption(s: DashboardSummary): EChartsCoreOption {
  const colors: Record<number, string> = { 5: '#52c41a', 4: '#95de64', 3: '#fadb14', 2: '#fa8c16', 1: '#f5222d' };
  return {
    tooltip: { trigger: 'item', formatter: '{b}：{c} 次（{d}%）' },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        name: '好差评',
        radius: ['40%', '68%'],
        top: -20,
        data: [...s.satisfaction.byLevel]
          .reverse()
          .filter((l) => l.count > 0)
          .map((l) => ({ name: RATING_NAMES[l.level], value: l.count, itemStyle: { color: colors[l.level] } })),
      },
    ],
  };
}
