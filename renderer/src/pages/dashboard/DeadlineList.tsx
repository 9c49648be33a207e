/** Open cases due soon or overdue, most urgent first; a click opens them in the case list. */
import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { CASE_STATUS_NAMES } from '../../../../shared/cases/status';
import type { DashboardSummary, DeadlineCase } from '../../../../shared/contract/dashboard';

export interface CaseListLink {
  query?: string;
  deadline?: 'due-soon' | 'overdue';
}

function urgency(c: DeadlineCase) {
  if (c.overdue) return <Tag color="red">{c.workingDaysLeft === null ? '已超期' : `超期 ${-c.workingDaysLeft} 个工作日`}</Tag>;
  if (c.workingDaysLeft === 0) return <Tag color="volcano">今日到期</Tag>;
  return <Tag color="orange">{c.workingDaysLeft === null ? '即将到期' : `剩 ${c.workingDaysLeft} 个工作日`}</Tag>;
}

export function DeadlineList({ deadlines, onOpen }: { deadlines: DashboardSummary['deadlines']; onOpen: (link: CaseListLink) => void }) {
  return (
    <Card
      size="small"
      title={
        <Space>
          即将到期与已超期办件
          <Typography.Text type="secondary">
            {deadlines.dueSoonUntil ? `即将到期：${deadlines.dueSoonDays} 个工作日内（至 ${deadlines.dueSoonUntil}）` : '节假日数据未覆盖今年，未统计即将到期'}
          </Typography.Text>
        </Space>
      }
      extra={
        // Overdue means the same in the case list; its "due soon" counts calendar days, so only single cases are linked for those.
        <Button size="small" danger onClick={() => onOpen({ deadline: 'overdue' })} data-testid="open-overdue">
          在办件列表中查看全部已超期
        </Button>
      }
      data-testid="deadline-list"
    >
      <Table<DeadlineCase>
        size="small"
        rowKey="id"
        dataSource={deadlines.cases}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: '没有即将到期或已超期的办件' }}
        onRow={(c) => ({ onClick: () => onOpen({ query: c.caseNo }), style: { cursor: 'pointer' } })}
        columns={[
          { title: '办件编号', dataIndex: 'caseNo', render: (v: string) => <a data-testid="deadline-case">{v}</a> },
          { title: '事项', dataIndex: 'itemName', ellipsis: true },
          { title: '申请人', dataIndex: 'applicantName', width: 120 },
          { title: '窗口', dataIndex: 'windowNo', width: 70, render: (v: string) => `${v} 号` },
          { title: '状态', dataIndex: 'status', width: 90, render: (v: DeadlineCase['status']) => CASE_STATUS_NAMES[v] },
          { title: '承诺办结', dataIndex: 'promisedDate', width: 110 },
          { title: '时限', key: 'urgency', width: 150, render: (_: unknown, c) => urgency(c) },
        ]}
      />
    </Card>
  );
}
