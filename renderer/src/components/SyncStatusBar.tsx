/**
 * The window's link to the district back office, as the back office itself answered (never the
 * OS "online" flag): online or not, how many cases wait to be sent and since when, dead letters.
 */
import { Tag, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract/channels';
import { api } from '../api/client';

type Status = ChannelOutput<'sync.status'>;

const since = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '—');

export function SyncStatusBar() {
  const [status, setStatus] = useState<Status>();
  useEffect(() => {
    const load = () => api.call('sync.status', {}).then(setStatus, () => undefined);
    void load();
    const timer = setInterval(load, 10_000);
    const off = api.onEvent((e) => (e.type === 'sync.status' || e.type === 'case.changed') && void load());
    return () => {
      clearInterval(timer);
      off();
    };
  }, []);
  if (!status) return null;
  const color = !status.enabled ? 'default' : status.online ? 'green' : 'orange';
  const label = !status.enabled ? '同步未启动' : status.online ? '后台在线' : '后台离线（办件保存在本机，恢复后自动上报）';
  return (
    <Tooltip title={`上次成功：${since(status.lastSuccessAt)}；最早待报：${since(status.oldestPendingAt)}${status.lastError ? `；${status.lastError}` : ''}`}>
      <span data-testid="sync-status">
        <Tag color={color}>{label}</Tag>
        <Tag color={status.backlog ? 'blue' : 'default'}>待上报 {status.backlog} 件</Tag>
        {status.dead > 0 && <Tag color="red">被退回 {status.dead} 件</Tag>}
      </span>
    </Tooltip>
  );
}
