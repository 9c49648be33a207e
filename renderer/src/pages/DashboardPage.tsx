/**
 * 中心看板 for supervisors and administrators: the day's intake per window and item, window
 * handling time, sync backlog, due-soon and overdue cases, satisfaction. Every figure comes
 * from the core (dashboard.summary, computed in SQLite); the page refreshes itself when a case
 * changes or the sync status moves.
 */
import { Alert, Button, Card, Col, DatePicker, Row, Segmented, Select, Space, Statistic, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DashboardInput, DashboardSummary } from '../../../shared/contract/dashboard';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';
import { Chart } from './dashboard/Chart';
import { DeadlineList, type CaseListLink } from './dashboard/DeadlineList';
import { formatAge, formatDuration, shiftDate } from './dashboard/format';
import { handlingOption, hourIntakeOption, itemIntakeOption, satisfactionOption, windowIntakeOption } from './dashboard/options';

type Preset = 'today' | 'week' | 'month' | 'custom';
const PRESETS: { value: Preset; label: string }[] = [
  { value: 'today', label: '今日' },
  { value: 'week', label: '近 7 日' },
  { value: 'month', label: '近 30 日' },
  { value: 'custom', label: '自定义' },
];

function StatCard({ testId, ...props }: { testId: string } & Parameters<typeof Statistic>[0]) {
  return (
    <Col flex="1 1 180px">
      <Card size="small" data-testid={testId}>
        <Statistic {...props} />
      </Card>
    </Col>
  );
}

export function DashboardPage({ onOpenCases }: { onOpenCases: (link: CaseListLink) => void }) {
  const [data, setData] = useState<DashboardSummary>();
  const [error, setError] = useState<string>();
  const [preset, setPreset] = useState<Preset>('today');
  const [custom, setCustom] = useState<[Dayjs, Dayjs] | null>(null);
  const [dueSoonDays, setDueSoonDays] = useState(3);
  const today = data?.range.today;

  const input = useMemo<DashboardInput>(() => {
    if (preset === 'custom' && custom) return { from: custom[0].format('YYYY-MM-DD'), to: custom[1].format('YYYY-MM-DD'), dueSoonDays };
    if (!today || preset === 'today' || preset === 'custom') return { dueSoonDays };
    return { from: shiftDate(today, preset === 'week' ? -6 : -29), to: today, dueSoonDays };
  }, [preset, custom, dueSoonDays, today]);

  const load = useCallback(() => {
    api.call('dashboard.summary', input).then(
      (r) => {
        setData(r);
        setError(undefined);
      },
      (err) => setError(errorMessage(err)),
    );
  }, [input]);

  useEffect(load, [load]);
  // A burst of events (a sync drain) refreshes once; a slow timer keeps ages and "today" current.
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => {
    const off = api.onEvent((e) => {
      if (e.type !== 'case.changed' && e.type !== 'sync.status') return;
      clearTimeout(pending.current);
      pending.current = setTimeout(load, 400);
    });
    const timer = setInterval(load, 60_000);
    return () => {
      off();
      clearInterval(timer);
      clearTimeout(pending.current);
    };
  }, [load]);

  const rangeLabel = data ? (data.range.from === data.range.to ? (data.range.from === data.range.today ? '今日' : data.range.from) : `${data.range.from} 至 ${data.range.to}`) : '';

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="dashboard">
      <Card
        size="small"
        title={
          <Space>
            中心看板
            <Typography.Text type="secondary">{rangeLabel}</Typography.Text>
          </Space>
        }
        extra={
          <Space wrap>
            <Segmented<Preset> options={PRESETS} value={preset} onChange={setPreset} data-testid="dashboard-range" />
            {preset === 'custom' && (
              <DatePicker.RangePicker
                value={custom}
                onChange={(v) => setCustom(v && v[0] && v[1] ? [v[0], v[1]] : null)}
                disabledDate={(d) => (today ? d.format('YYYY-MM-DD') > today : false)}
                placeholder={['开始日期', '结束日期']}
              />
            )}
            <Select
              value={dueSoonDays}
              onChange={setDueSoonDays}
              style={{ width: 210 }}
              options={[1, 2, 3, 5, 10].map((n) => ({ value: n, label: `即将到期：${n} 个工作日内` }))}
            />
            <Button onClick={load}>刷新</Button>
            {data && <Typography.Text type="secondary">更新于 {new Date(data.generatedAt).toLocaleTimeString('zh-CN', { hour12: false })}</Typography.Text>}
          </Space>
        }
      />
      {error && <Alert type="error" showIcon message={error} />}
      {data && (
        <>
          <Row gutter={[12, 12]}>
            <StatCard testId="stat-intake" title={`受理量（${rangeLabel}）`} value={data.intake.total} suffix="件" />
            <StatCard
              testId="stat-handling"
              title={`平均办理时长（${data.handling.measured} 件）`}
              value={formatDuration(data.handling.averageSeconds)}
            />
            <StatCard
              testId="stat-backlog"
              title={data.sync.oldestPendingAt ? `待上报（最早 ${formatAge(data.sync.oldestPendingAgeSeconds)}前）` : '待上报'}
              value={data.sync.backlog}
              suffix="件"
              valueStyle={{ color: data.sync.backlog && !data.sync.online ? '#fa8c16' : undefined }}
            />
            <StatCard testId="stat-dead" title="被后台退回" value={data.sync.dead} suffix="件" valueStyle={{ color: data.sync.dead ? '#cf1322' : undefined }} />
            <StatCard testId="stat-due-soon" title={`即将到期（${data.deadlines.dueSoonDays} 个工作日内）`} value={data.deadlines.dueSoon ?? '—'} suffix={data.deadlines.dueSoon === null ? undefined : '件'} valueStyle={{ color: data.deadlines.dueSoon ? '#d46b08' : undefined }} />
            <StatCard testId="stat-overdue" title="已超期" value={data.deadlines.overdue} suffix="件" valueStyle={{ color: data.deadlines.overdue ? '#cf1322' : undefined }} />
            <StatCard
              testId="stat-satisfaction"
              title={data.satisfaction.count ? `满意度（${data.satisfaction.count} 次评价，差评 ${data.satisfaction.negative}）` : '满意度'}
              value={data.satisfaction.average === null ? (data.satisfaction.available ? '暂无评价' : '尚无评价记录') : data.satisfaction.average.toFixed(2)}
              suffix={data.satisfaction.average === null ? undefined : '/ 5'}
            />
          </Row>
          {!data.sync.enabled && <Alert type="info" showIcon message="本机未连接区级后台（同步未启动）：待上报件数为本机队列" />}
          <Row gutter={[12, 12]}>
            <Col xs={24} xl={12}>
              <Chart title="各窗口受理量" testId="chart-windows" option={windowIntakeOption(data)} empty={data.intake.byWindow.length === 0} />
            </Col>
            <Col xs={24} xl={12}>
              <Chart title="受理量前十的事项" testId="chart-items" option={itemIntakeOption(data)} empty={data.intake.byItem.length === 0} />
            </Col>
            <Col xs={24} xl={8}>
              <Chart title="受理时段分布" testId="chart-hours" option={hourIntakeOption(data)} empty={data.intake.total === 0} />
            </Col>
            <Col xs={24} xl={8}>
              <Chart title="各窗口平均办理时长（打开事项至受理）" testId="chart-handling" option={handlingOption(data)} empty={data.handling.measured === 0} />
            </Col>
            <Col xs={24} xl={8}>
              <Chart title="好差评分布" testId="chart-satisfaction" option={satisfactionOption(data)} empty={data.satisfaction.count === 0} />
            </Col>
          </Row>
          <DeadlineList deadlines={data.deadlines} onOpen={onOpenCases} />
        </>
      )}
    </Space>
  );
}
