/**
 * The department's work queue: open tasks, earliest deadline first (the back office sorts),
 * overdue ones in red. Keyboard: ↑/↓ (or j/k) select, Enter opens, R reloads. Refreshes
 * itself every minute.
 */
import { Alert, Button, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState, type HTMLAttributes, type KeyboardEvent } from 'react';
import type { QueueItem } from '../../../../shared/sync';
import { errorText, type ReviewClient } from '../api';
import { beijingTime, TASK_ROLE_NAMES, timeLeft } from '../names';

interface Props {
  client: ReviewClient;
  onOpen(item: QueueItem): void;
  /** The case opened last, selected again on return. */
  lastCaseId?: string;
}

const REFRESH_MS = 60_000;

export function QueuePage({ client, onOpen, lastCaseId }: Props) {
  const [items, setItems] = useState<QueueItem[]>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState(0);
  const [loading, setLoading] = useState(false);
  const tableRef = useRef<HTMLDivElement>(null);

  const load = useCallback(() => {
    setLoading(true);
    client
      .queue()
      .then(
        (tasks) => {
          setItems(tasks);
          setError(undefined);
          setSelected((s) => {
            const back = lastCaseId ? tasks.findIndex((t) => t.caseId === lastCaseId) : -1;
            return back >= 0 ? back : Math.min(s, Math.max(0, tasks.length - 1));
          });
        },
        (e) => setError(errorText(e)),
      )
      .finally(() => setLoading(false));
  }, [client, lastCaseId]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  // Keyboard first: the list has focus as soon as it is there.
  const hasItems = (items?.length ?? 0) > 0;
  useEffect(() => {
    if (hasItems) tableRef.current?.focus();
  }, [hasItems]);

  useEffect(() => {
    tableRef.current?.querySelector('.queue-selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (!items?.length) return;
    const move = (to: number) => {
      e.preventDefault();
      setSelected(Math.max(0, Math.min(items.length - 1, to)));
    };
    if (e.key === 'ArrowDown' || e.key === 'j') move(selected + 1);
    else if (e.key === 'ArrowUp' || e.key === 'k') move(selected - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(items.length - 1);
    else if (e.key === 'Enter' && items[selected]) {
      e.preventDefault();
      onOpen(items[selected]);
    } else if (e.key === 'r' || e.key === 'R') {
      e.preventDefault();
      load();
    }
  };

  const overdue = items?.filter((i) => i.overdue).length ?? 0;
  return (
    <Space orientation="vertical" size="middle" className="queue-page">
      <Space wrap align="center">
        <Typography.Title level={4} className="page-title">
          待办队列
        </Typography.Title>
        {items && (
          <Typography.Text type="secondary" data-testid="queue-count">
            共 {items.length} 件{overdue ? `，其中已超期 ${overdue} 件` : ''}
          </Typography.Text>
        )}
        <Button onClick={load} loading={loading} data-testid="queue-refresh">
          刷新（R）
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} data-testid="queue-error" />}
      <div
        ref={tableRef}
        tabIndex={0}
        role="grid"
        aria-label="待办队列：上下方向键选择，回车打开办件"
        className="queue-table"
        data-testid="queue"
        onKeyDown={onKeyDown}
      >
        <Table<QueueItem>
          size="middle"
          rowKey="taskId"
          loading={!items && !error}
          dataSource={items ?? []}
          pagination={false}
          locale={{ emptyText: '暂无待办办件' }}
          rowClassName={(item, index) => [item.overdue ? 'queue-overdue' : '', index === selected ? 'queue-selected' : ''].join(' ')}
          onRow={(item, index) => ({
            'data-testid': 'queue-row',
            'aria-selected': index === selected,
            onClick: () => setSelected(index ?? 0),
            onDoubleClick: () => onOpen(item),
          } as HTMLAttributes<HTMLElement>)}
          columns={[
            {
              title: '办件编号',
              dataIndex: 'caseNo',
              render: (no: string, item) => (
                <Typography.Link
                  onClick={(e) => {
                    e.stopPropagation();
                    onOpen(item);
                  }}
                >
                  {no}
                </Typography.Link>
              ),
            },
            { title: '事项', dataIndex: 'itemName' },
            { title: '申请人', dataIndex: 'applicantName' },
            {
              title: '本部门角色',
              dataIndex: 'role',
              render: (r: QueueItem['role']) => <Tag color={r === 'lead' ? 'blue' : 'default'}>{TASK_ROLE_NAMES[r]}</Tag>,
            },
            {
              title: '办理时限',
              dataIndex: 'deadline',
              render: (d: string, item) => (
                <Space orientation="vertical" size={0}>
                  <span className={item.overdue ? 'overdue' : undefined}>{beijingTime(d)}</span>
                  <Typography.Text type={item.overdue ? 'danger' : 'secondary'}>{timeLeft(d)}</Typography.Text>
                </Space>
              ),
            },
            {
              title: '状态',
              key: 'status',
              render: (_: unknown, item) => (item.overdue ? <Tag color="error">已超期</Tag> : <Tag color="processing">待审查</Tag>),
            },
            { title: '受理时间', dataIndex: 'acceptedAt', render: (a: string) => beijingTime(a) },
            { title: '受理窗口', key: 'window', render: (_: unknown, item) => `${item.centerCode} · ${item.windowNo} 号窗口` },
          ]}
        />
      </div>
      <Typography.Text type="secondary">提示：↑ ↓ 选择办件，回车打开，R 刷新；办件页按 Esc 返回。</Typography.Text>
    </Space>
  );
}
