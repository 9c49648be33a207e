/**
 * 待补正: cases a department in the back office sent back to the window for more materials.
 * The list shows what each department wants and why; opening a case lets the clerk capture or
 * import the new pages (on the case itself) and submit them. The core sends them to the back
 * office through the outbox and the case goes back into review.
 */
import { Alert, Badge, Button, Card, Descriptions, Empty, Input, List, Space, Tag, Typography, App as AntApp } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { MaterialsCall } from '../../../shared/contract/materials';
import type { SupplementTodo } from '../../../shared/contract/supplements';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';
import { MaterialCapture } from '../components/materials/MaterialCapture';

const localTime = (iso: string) => new Date(iso).toLocaleString('zh-CN', { hour12: false });

/** How many cases wait for a supplement: the badge in the navigation. Refreshes on case changes. */
export function useSupplementCount(enabled: boolean): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const load = () => api.call('supplements.list', {}).then((r) => setCount(r.todos.length), () => undefined);
    load();
    return api.onEvent((e) => e.type === 'case.changed' && load());
  }, [enabled]);
  return count;
}

/** The navigation label with its badge. */
export function SupplementsMenuLabel({ count }: { count: number }) {
  return (
    <span data-testid="nav-supplements">
      待补正 <Badge count={count} size="small" offset={[2, -2]} data-testid="supplements-badge" />
    </span>
  );
}

function TodoDetail({ caseId, onDone }: { caseId: string; onDone(message: string): void }) {
  const [todo, setTodo] = useState<SupplementTodo>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState<Record<string, number>>({});
  const [note, setNote] = useState('');
  const [submitting, setSubmitting] = useState(false);

  const load = useCallback(() => {
    api.call('supplements.get', { caseId }).then(
      (t) => {
        setTodo(t);
        setError(undefined);
      },
      (e) => setError(errorMessage(e)),
    );
  }, [caseId]);
  useEffect(load, [load]);

  if (error) return <Alert type="warning" showIcon title={error} data-testid="supplement-error" />;
  if (!todo) return null;
  const missing = todo.slots.filter((s) => s.newPageIds.length === 0);
  const busy = Object.values(pending).some((n) => n > 0);

  const submit = async () => {
    setSubmitting(true);
    try {
      const r = await api.call('supplements.submit', { caseId, ...(note.trim() ? { note: note.trim() } : {}) });
      onDone(`已提交补正材料（${r.caseNo}）：${r.materials.map((m) => `${m.name} ${m.pages} 页`).join('、')}，办件重新进入审批`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="supplement-detail">
      <Card size="small" title={`${todo.itemName} · ${todo.caseNo}`}>
        <Descriptions
          size="small"
          column={1}
          items={todo.requests.map((r, i) => ({
            key: String(i),
            label: `${r.departmentName}（${localTime(r.requestedAt)}）`,
            children: (
              <Space orientation="vertical" size={0}>
                <Typography.Text data-testid="supplement-reason">补正原因：{r.reason ?? '未说明'}</Typography.Text>
                <Typography.Text>所需材料：{r.materials.map((m) => (m.note ? `${m.name}（${m.note}）` : m.name)).join('、')}</Typography.Text>
              </Space>
            ),
          }))}
        />
      </Card>
      {todo.slots.map((slot) => (
        <Card
          key={slot.materialId}
          size="small"
          data-testid={`supplement-slot-${slot.materialId}`}
          title={
            <Space>
              {slot.name}
              {slot.newPageIds.length ? <Tag color="green">已补 {slot.newPageIds.length} 页</Tag> : <Tag color="orange">待补</Tag>}
              <Typography.Text type="secondary">{slot.departments.join('、')}要求</Typography.Text>
            </Space>
          }
        >
          {slot.note && <Typography.Paragraph type="secondary">{slot.note}</Typography.Paragraph>}
          <MaterialCapture
            owner={{ caseId }}
            material={{ id: slot.materialId, name: slot.name }}
            call={api.call as MaterialsCall}
            onPagesChanged={() => load()}
            onPendingChanged={(n) => setPending((p) => ({ ...p, [slot.materialId]: n }))}
          />
        </Card>
      ))}
      <Input.TextArea
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={500}
        placeholder="补正说明（可选），随材料一并报送审批部门"
        data-testid="supplement-note"
      />
      <Space>
        <Button type="primary" disabled={missing.length > 0 || busy} loading={submitting} onClick={submit} data-testid="supplement-submit">
          提交补正材料
        </Button>
        {missing.length > 0 && <Typography.Text type="warning">还缺少：{missing.map((s) => s.name).join('、')}</Typography.Text>}
      </Space>
    </Space>
  );
}

export function SupplementsPage() {
  const { message } = AntApp.useApp();
  const [todos, setTodos] = useState<SupplementTodo[]>();
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<string>();

  const load = useCallback(() => {
    api.call('supplements.list', {}).then(
      (r) => {
        setTodos(r.todos);
        setError(undefined);
      },
      (e) => setError(errorMessage(e)),
    );
  }, []);
  useEffect(load, [load]);
  useEffect(() => api.onEvent((e) => e.type === 'case.changed' && load()), [load]);

  if (error) return <Alert type="error" showIcon title={error} />;
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(280px, 1fr) 2fr', gap: 16 }}>
      <Card size="small" title="待补正办件" data-testid="supplement-list">
        {todos && todos.length === 0 ? (
          <Empty description="暂无需要补正的办件" />
        ) : (
          <List
            loading={!todos}
            dataSource={todos ?? []}
            renderItem={(t) => (
              <List.Item
                onClick={() => setOpen(t.caseId)}
                style={{ cursor: 'pointer', background: open === t.caseId ? '#e6f4ff' : undefined, paddingInline: 8 }}
                data-testid={`supplement-todo-${t.caseNo}`}
              >
                <List.Item.Meta
                  title={`${t.caseNo} · ${t.applicantName}`}
                  description={
                    <Space orientation="vertical" size={0}>
                      <span>{t.itemName}</span>
                      <span>
                        {t.requests.map((r) => r.departmentName).join('、')} · {localTime(t.requestedAt)}
                      </span>
                      <span>所需：{t.slots.map((s) => s.name).join('、')}</span>
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Card>
      <div>
        {open ? (
          <TodoDetail
            key={open}
            caseId={open}
            onDone={(text) => {
              void message.success(text);
              setOpen(undefined);
              load();
            }}
          />
        ) : (
          <Empty description="选择左侧办件，拍摄或导入补正材料后提交" />
        )}
      </div>
    </div>
  );
}
