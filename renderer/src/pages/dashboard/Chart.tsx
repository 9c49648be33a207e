/** One dashboard chart: echarts-for-react's core component over our trimmed ECharts. */
import { Card, Empty } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { echarts } from './echarts';

export function Chart({ title, option, empty, testId, height = 260 }: { title: string; option: EChartsCoreOption; empty: boolean; testId: string; height?: number }) {
  return (
    <Card size="small" title={title} data-testid={testId}>
      {empty ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="区间内暂无数据" style={{ height: height - 20, margin: 0, paddingTop: height / 4 }} />
      ) : (
        <ReactEChartsCore echarts={echarts} option={option} notMerge lazyUpdate style={{ height }} opts={{ renderer: 'canvas' }} />
      )}
    </Card>
  );
}
