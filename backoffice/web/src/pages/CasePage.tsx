/**
 * One case as the department sees it: the case and applicant, every department's task
 * (并联审批), the form data, the materials with their pages, supplements, the certificate,
 * and this department's decision form when its task is open. Esc goes back to the queue.
 */
import { Alert, Button, Card, Descriptions, Result, Skeleton, Space, Switch, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { Decision, DecisionResponse, ReviewCaseResponse, ReviewTaskView } from '../../../../shared/sync';
import { maskIdNumber } from '../../../../shared/validators/id-card';
import { errorText, type ReviewClient } from '../api';
import { DecisionForm, outcomeText } from '../components/DecisionForm';
import { FormDataView } from '../components/FormDataView';
import { IdentityCheckView } from '../components/IdentityCheckView';
import { FileButtons, Materials } from '../components/Materials';
import { loadFormSchema } from '../form-schema';
import {
  beijingTime,
  caseStatusName,
  DECISION_NAMES,
  departmentName,
  departmentShortName,
  ID_TYPE_NAMES,
  maskMobile,
  TASK_ROLE_NAMES,
  TASK_STATUS_COLORS,
  TASK_STATUS_NAMES,
  timeLeft,
} from '../names';

interface Props {
  client: ReviewClient;
  caseId: string;
  onBack(): void;
  /** After a decision: back to the queue with this message. */
  onDecided(message: string): void;
}

type Json = Record<string, unknown>;

function TasksTable({ tasks, department }: { tasks: ReviewTaskView[]; department: string }) {
  return (
    <Table<ReviewTaskView>
      size="small"
      pagination={false}
      rowKey="taskId"
      dataSource={tasks}
      data-testid="case-tasks"
      rowClassName={(t) => (t.department === department ? 'own-task' : '')}
      columns={[
        { title: '部门', dataIndex: 'department', render: (d: string) => <span title={departmentName(d)}>{departmentShortName(d)}</span> },
        { title: '角色', dataIndex: 'role', render: (r: ReviewTaskView['role']) => <Tag color={r === 'lead' ? 'blue' : 'default'}>{TASK_ROLE_NAMES[r]}</Tag> },
        { title: '状态', dataIndex: 'status', render: (s: ReviewTaskView['status']) => <Tag color={TASK_STATUS_COLORS[s]}>{TASK_STATUS_NAMES[s]}</Tag> },
        {
          title: '办理时限',
          dataIndex: 'deadline',
          render: (d: string, t) => (
            <span className={t.status === 'open' && new Date(d).getTime() < Date.now() ? 'overdue' : undefined}>{beijingTime(d)}</span>
          ),
        },
        {
          title: '意见',
          key: 'opinion',
          render: (_: unknown, t) => (
            <Space orientation="vertical" size={0}>
              {t.decision && <Typography.Text strong>{DECISION_NAMES[t.decision]}</Typography.Text>}
              {t.reason && <Typography.Text>{t.reason}</Typography.Text>}
              {t.materialsWanted?.length ? <Typography.Text type="secondary">补正材料：{t.materialsWanted.map((m) => m.name).join('、')}</Typography.Text> : null}
              {t.decidedBy && (
                <Typography.Text type="secondary">
                  {t.decidedBy}
                  {t.decidedAt ? ` · ${beijingTime(t.decidedAt)}` : ''}
                </Typography.Text>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}

export function CasePage({ client, caseId, onBack, onDecided }: Props) {
  const [data, setData] = useState<ReviewCaseResponse>();
  // undefined while loading, null when the catalogue has no such item version.
  const [schema, setSchema] = useState<Json | null>();
  const [error, setError] = useState<string>();
  const [revealIds, setRevealIds] = useState(false);

  const load = useCallback(() => {
    setError(undefined);
    client.case(caseId).then(
      (c) => {
        setData(c);
        loadFormSchema(c.case.itemCode, c.case.itemVersion).then(
          (s) => setSchema(s ?? null),
          () => setSchema(null),
        );
      },
      (e) => setError(errorText(e)),
    );
  }, [client, caseId]);
  useEffect(load, [load]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key !== 'Escape' || e.defaultPrevented || target.closest('[role=dialog], input, textarea, .ant-select')) return;
      onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onBack]);

  const decided = useCallback(
    (response: DecisionResponse, decision: Decision) => {
      onDecided(`已提交审查意见：${DECISION_NAMES[decision]}（${data?.case.caseNo ?? ''}），${outcomeText(response)}`);
    },
    [data, onDecided],
  );

  const back = (
    <Button onClick={onBack} data-testid="back-to-queue">
      返回待办队列（Esc）
    </Button>
  );
  if (error) {
    return <Result status="warning" title="无法打开办件" subTitle={<span data-testid="case-error">{error}</span>} extra={back} />;
  }
  if (!data) return <Skeleton active paragraph={{ rows: 10 }} />;

  const { case: c, tasks } = data;
  const jumpToDecision = () => {
    const card = document.getElementById('decision');
    card?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    card?.querySelector<HTMLInputElement>('input[type=radio]:checked')?.focus({ preventScroll: true });
  };
  const department = client.reviewer.department;
  const ownTask = tasks.find((t) => t.department === department && t.status === 'open') ?? tasks.find((t) => t.department === department);
  const canDecide = ownTask?.status === 'open' && (c.status === 'in-review' || c.status === 'supplement-requested');
  const applicant = c.applicant;

  return (
    <Space orientation="vertical" size="middle" className="case-page" data-testid="case-page">
      <Space wrap>
        {back}
        <Typography.Title level={4} className="case-title" data-testid="case-title">
          {c.itemName}
        </Typography.Title>
        <Tag color="blue">{caseStatusName(c.status)}</Tag>
        {ownTask && <Tag>{`本部门：${TASK_ROLE_NAMES[ownTask.role]}`}</Tag>}
        {canDecide && (
          <Button type="link" onClick={jumpToDecision} data-testid="jump-to-decision">
            填写审查意见 ↓
          </Button>
        )}
        {ownTask?.status === 'open' && (
          <Typography.Text type={new Date(ownTask.deadline).getTime() < Date.now() ? 'danger' : 'secondary'}>
            {timeLeft(ownTask.deadline)}（时限 {beijingTime(ownTask.deadline)}）
          </Typography.Text>
        )}
      </Space>

      <Card size="small" title="办件信息">
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            { key: 'caseNo', label: '办件编号', children: <span data-testid="case-no">{c.caseNo}</span> },
            { key: 'item', label: '事项', children: `${c.itemName}（${c.itemCode}，第 ${c.itemVersion} 版）` },
            { key: 'accepted', label: '受理时间', children: beijingTime(c.acceptedAt) },
            { key: 'window', label: '受理窗口', children: `${c.centerCode} 中心 ${c.windowNo} 号窗口（${c.acceptedBy}）` },
            { key: 'promised', label: '承诺办结日期', children: c.promisedDate ?? '即办' },
            { key: 'applicant', label: '申请人', children: <span data-testid="applicant-name">{applicant.name}</span> },
            {
              key: 'id',
              label: ID_TYPE_NAMES[applicant.idType] ?? '证件号码',
              children: <span data-testid="applicant-id">{revealIds ? applicant.idNumber : maskIdNumber(applicant.idNumber)}</span>,
            },
            ...(applicant.mobile ? [{ key: 'mobile', label: '手机号码', children: revealIds ? applicant.mobile : maskMobile(applicant.mobile) }] : []),
          ]}
        />
        <Space className="reveal-ids">
          <Switch size="small" checked={revealIds} onChange={setRevealIds} data-testid="reveal-ids" />
          <Typography.Text type="secondary">显示完整证件号码和手机号码（查阅已留痕）</Typography.Text>
        </Space>
      </Card>

      {c.identityCheck && (
        <Card size="small" title="人证核验（窗口）">
          <IdentityCheckView check={c.identityCheck} />
        </Card>
      )}

      <Card size="small" title="并联审批任务">
        <TasksTable tasks={tasks} department={department} />
      </Card>

      <Card size="small" title={schema === null ? '申请表（未找到该事项版本的表单定义，按字段名显示）' : '申请表'}>
        {schema === undefined ? <Skeleton active /> : <FormDataView data={c.formData} schema={schema ?? undefined} revealIds={revealIds} />}
      </Card>

      <Card size="small" title="申请材料">
        <Materials client={client} materials={data.materials} />
      </Card>

      {data.supplements.length > 0 && (
        <Card size="small" title="补正记录">
          <Descriptions
            size="small"
            column={1}
            items={data.supplements.map((s) => ({
              key: s.supplementId,
              label: beijingTime(s.submittedAt),
              children: `${s.submittedBy} 提交补正材料：${s.materialIds.map((id) => data.materials.find((m) => m.materialId === id)?.name ?? id).join('、')}${s.note ? `；说明：${s.note}` : ''}`,
            }))}
          />
        </Card>
      )}

      {data.certificate && (
        <Card size="small" title="证照">
          <Space wrap>
            <Typography.Text>
              {data.certificate.certificateNo}（{beijingTime(data.certificate.issuedAt)} 出具）
            </Typography.Text>
            <FileButtons client={client} url={data.certificate.url} fileName={`${data.certificate.certificateNo}.pdf`} />
          </Space>
        </Card>
      )}
      {canDecide && ownTask ? (
        <Card id="decision" size="small" title={`本部门审查意见（${departmentShortName(department)} · ${TASK_ROLE_NAMES[ownTask.role]}）`} className="decision-card">
          <DecisionForm client={client} taskId={ownTask.taskId} materials={data.materials} onDecided={decided} />
        </Card>
      ) : (
        <Alert
          type="info"
          showIcon
          data-testid="no-decision"
          title={ownTask ? `本部门的审查任务${TASK_STATUS_NAMES[ownTask.status]}，当前无需办理` : '本部门在此办件上没有审查任务'}
        />
      )}

    </Space>
  );
}
