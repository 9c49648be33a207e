/**
 * 窗口状态 (IT reviewers only): every enrolled window with its last contact, app version and
 * sync backlog (depth and age of the oldest entry), as the workstations report them on each
 * request. Windows silent for over 10 minutes or with a backlog older than an hour are marked.
 * Refreshes every 30 s; R reloads.
 */
import { Alert, Button, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { DeviceOverview } from '../../../../shared/sync';
import { errorText, type ReviewClient } from '../api';
import { beijingTime } from '../names';

const REFRESH_MS = 30_000;
const SILENT_MS = 10 * 60_000;
const OLD_BACKLOG_S = 3_600;

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} 秒`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} 分钟`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} 小时 ${Math.floor((seconds % 3_600) / 60)} 分`;
  return `${Math.floor(seconds / 86_400)} 天 ${Math.floor((seconds % 86_400) / 3_600)} 小时`;
}

export function DevicesPage({ client, onBack }: { client: ReviewClient; onBack(): void }) {
  const [rows, setRows] = useState<DeviceOverview[]>();
  const [at, setAt] = useState<string>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(() => {
    setLoading(true);
    client
      .devices()
      .then(
        (r) => {
          setRows(r.devices);
          setAt(r.at);
          setError(undefined);
        },
        (e: unknown) => setError(errorText(e)),
      )
      .finally(() => setLoading(false));
  }, [client]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.key === 'r' || e.key === 'R') && !(e.target instanceof HTMLInputElement)) load();
      if (e.key === 'Escape') onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      clearInterval(timer);
      window.removeEventListener('keydown', onKey);
    };
  }, [load, onBack]);

  const now = at ? Date.parse(at) : Date.now();
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="devices-page">
      <Space>
        <Button onClick={onBack}>返回待办</Button>
        <Button onClick={load} loading={loading}>
          刷新（R）
        </Button>
        {at && <Typography.Text type="secondary">数据时间 {beijingTime(at)}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      <Table<DeviceOverview>
        rowKey="deviceId"
        size="middle"
        pagination={false}
        loading={loading && !rows}
        dataSource={rows ?? []}
        locale={{ emptyText: '尚无已登记的窗口' }}
        columns={[
          { title: '中心 / 窗口', render: (_, d) => `${d.centerCode} / ${d.windowNo}${d.label ? `（${d.label}）` : ''}` },
          { title: '设备名称', dataIndex: 'name' },
          {
            title: '最近联系',
            render: (_, d) => {
              if (d.revoked) return <Tag>已停用</Tag>;
              if (!d.lastContactAt) return <Tag color="default">从未联系</Tag>;
              const silent = now - Date.parse(d.lastContactAt) > SILENT_MS;
              return <Typography.Text type={silent ? 'danger' : undefined}>{beijingTime(d.lastContactAt)}{silent ? '（已失联）' : ''}</Typography.Text>;
            },
          },
          { title: '程序版本', render: (_, d) => d.appVersion ?? '—' },
          {
            title: '待上报',
            render: (_, d) => {
              if (d.backlog === null) return '—';
              if (d.backlog === 0) return <Tag color="green">0</Tag>;
              const old = (d.backlogAgeSeconds ?? 0) > OLD_BACKLOG_S;
              return (
                <Typography.Text type={old ? 'danger' : 'warning'}>
                  {d.backlog} 件{d.backlogAgeSeconds !== null ? `，最早 ${duration(d.backlogAgeSeconds)}前` : ''}
                </Typography.Text>
              );
            },
          },
          { title: '上报失败', render: (_, d) => (d.deadLetters ? <Tag color="red">{d.deadLetters}</Tag> : d.deadLetters === 0 ? '0' : '—') },
        ]}
      />
    </Space>
  );
}
