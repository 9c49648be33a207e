/**
 * The materials checklist (材料清单): one row per material the item lists, with only the
 * statuses its definition allows (告知承诺 where commitment is allowed, 容缺 where it may be
 * supplied later, 复用 where it can be reused). What still blocks acceptance is listed below.
 */
import { Alert, Button, Drawer, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { MaterialsCall } from '../../../shared/contract/materials';
import { MaterialCapture } from './materials/MaterialCapture';
import { ReusePanel } from './materials/ReusePanel';
import type { ItemDetail } from '../../../shared/contract/channels';
import { MATERIAL_FORM_NAMES } from '../../../shared/catalog/item-definition';
import { MATERIAL_STATUS_NAMES, type MaterialState, type MaterialStatus, type MaterialsEvaluation } from '../../../shared/catalog/materials';

type Material = ItemDetail['materials'][number];

function allowedStatuses(m: Material): MaterialStatus[] {
  return [
    'received',
    ...(m.reusableFrom.length ? (['reused'] as const) : []),
    ...(m.commitmentAllowed ? (['commitment'] as const) : []),
    ...(m.deferrable ? (['deferred'] as const) : []),
    'missing',
  ];
}

export function MaterialsChecklist(props: {
  materials: Material[];
  states: MaterialState[];
  evaluation: MaterialsEvaluation;
  onChange: (states: MaterialState[]) => void;
  /** The draft the pages belong to (created on demand). */
  ensureDraft: () => Promise<string | undefined>;
  call: MaterialsCall;
  pageCounts: Record<string, number>;
  onPageCount: (materialId: string, count: number) => void;
  onPending: (materialId: string, pending: number) => void;
  /** The applicant's ID number as typed, to find reusable materials from earlier cases. */
  applicantIdNo?: string;
}) {
  const [reloads, setReloads] = useState(0);
  const [capturing, setCapturing] = useState<{ material: Material; draftId: string }>();
  const capture = async (m: Material) => {
    const draftId = await props.ensureDraft();
    if (draftId) setCapturing({ material: m, draftId });
  };
  const statusOf = (id: string) => props.states.find((s) => s.materialId === id)?.status ?? 'missing';
  const setStatus = (id: string, status: MaterialStatus) =>
    props.onChange([...props.states.filter((s) => s.materialId !== id), { materialId: id, status }]);
  if (props.materials.length === 0) return <Typography.Text type="secondary">本事项无需提交材料</Typography.Text>;
  return (
    <>
      <Table<Material>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={props.materials}
        data-testid="materials-checklist"
        columns={[
          {
            title: '材料',
            render: (_v, m) => (
              <>
                {m.name} {m.required ? <Tag color="red">必要</Tag> : <Tag>非必要</Tag>}
                {m.note && <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{m.note}</Typography.Text>}
              </>
            ),
          },
          { title: '形式', width: 120, render: (_v, m) => `${MATERIAL_FORM_NAMES[m.form]}${m.count > 1 ? ` ×${m.count}` : ''}` },
          {
            title: '扫描件',
            width: 130,
            render: (_v, m) => (
              <Button size="small" onClick={() => void capture(m)} data-testid={`capture-${m.id}`}>
                拍摄/导入{props.pageCounts[m.id] ? `（${props.pageCounts[m.id]} 页）` : ''}
              </Button>
            ),
          },
          {
            title: '收取情况',
            width: 160,
            render: (_v, m) => (
              <Select<MaterialStatus>
                size="small"
                style={{ width: 140 }}
                value={statusOf(m.id)}
                data-testid={`material-${m.id}`}
                onChange={(v) => setStatus(m.id, v)}
                options={allowedStatuses(m).map((s) => ({
                  value: s,
                  label: s === 'deferred' && m.deferDays ? `${MATERIAL_STATUS_NAMES[s]}（${m.deferDays}个工作日内）` : MATERIAL_STATUS_NAMES[s],
                }))}
              />
            ),
          },
        ]}
      />
      <Drawer
        open={!!capturing}
        width={900}
        title={capturing ? `采集材料：${capturing.material.name}` : ''}
        onClose={() => setCapturing(undefined)}
        destroyOnHidden
      >
        {capturing && capturing.material.reusableFrom.includes('earlier-case') && (
          <div style={{ marginBottom: 16 }}>
            <ReusePanel
              owner={{ draftId: capturing.draftId }}
              materialId={capturing.material.id}
              applicantIdNo={props.applicantIdNo}
              call={props.call}
              onReused={() => {
                setReloads((n) => n + 1);
                if (statusOf(capturing.material.id) === 'missing') setStatus(capturing.material.id, 'reused');
              }}
            />
          </div>
        )}
        {capturing && (
          <MaterialCapture
            key={reloads}
            owner={{ draftId: capturing.draftId }}
            material={{ id: capturing.material.id, name: capturing.material.name }}
            call={props.call}
            onPagesChanged={(count) => {
              props.onPageCount(capturing.material.id, count);
              // A captured or imported page marks the material received.
              if (count > 0 && statusOf(capturing.material.id) === 'missing') setStatus(capturing.material.id, 'received');
            }}
            onPendingChanged={(pending) => props.onPending(capturing.material.id, pending)}
          />
        )}
      </Drawer>
      {props.evaluation.blocking.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 8 }}
          data-testid="materials-blocking"
          message="以下情况须处理后才能受理（或出具一次性告知书）："
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {props.evaluation.blocking.map((b) => (
                <li key={b.materialId}>{b.reason}</li>
              ))}
            </ul>
          }
        />
      )}
    </>
  );
}
