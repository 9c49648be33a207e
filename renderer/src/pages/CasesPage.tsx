/**
 * The case list (ag-grid). Filtering happens in SQLite through the contract, not in the grid,
 * so it stays fast with a large local history; ID numbers are only ever shown masked.
 * Enter (or a double-click) on a row opens the case's detail drawer (./case-detail).
 */
import { AllCommunityModule, ModuleRegistry, type ColDef } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { Alert, App, Button, Card, DatePicker, Input, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CaseActorRole } from '../../../shared/cases/state-machine';
import { CASE_STATUS_NAMES, CASE_STATUSES, type CaseStatus } from '../../../shared/cases/status';
import type { CaseFilter, CaseRow } from '../../../shared/contract/channels';
import { api } from '../api/client';
import { errorMessage, useSystemInfo } from '../api/hooks';
import { CaseDetailDrawer } from './case-detail/CaseDetailDrawer';

ModuleRegistry.registerModules([AllCommunityModule]);

const formatTime = (iso: string) => {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
};

function downloadCsv(fileName: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** `initialFilter`: where another page (the dashboard) sends the clerk: one case number, or a deadline filter. */
export function CasesPage({ canExport, initialFilter }: { canExport: boolean; initialFilter?: Pick<CaseFilter, 'query' | 'deadline'> }) {
  const [rows, setRows] = useState<CaseRow[]>([]);
  const [total, setTotal] = useState(0);
  const [query, setQuery] = useState(initialFilter?.query ?? '');
  const [status, setStatus] = useState<CaseStatus>();
  const [deadline, setDeadline] = useState<CaseFilter['deadline']>(initialFilter?.deadline);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [error, setError] = useState<string>();
  const { message } = App.useApp();
  const [openCaseId, setOpenCaseId] = useState<string | null>(null);
  const [role, setRole] = useState<CaseActorRole>('clerk');
  const info = useSystemInfo();
  useEffect(() => {
    api.call('auth.session', {}).then((s) => s && setRole(s.user.role), () => undefined);
  }, []);

  const filter = useMemo<CaseFilter>(
    () => ({
      query: query || undefined,
      status,
      deadline,
      from: range?.[0]?.format('YYYY-MM-DD'),
      to: range?.[1]?.format('YYYY-MM-DD'),
    }),
    [query, status, deadline, range],
  );

  const exportCsv = async () => {
    try {
      const r = await api.call('cases.exportCsv', filter);
      downloadCsv(r.fileName, r.csv);
      message.success(`已导出 ${r.rows} 件（证件号码已脱敏）`);
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const load = useCallback(() => {
    api.call('cases.list', { ...filter, limit: 500 }).then(
      (r) => {
        setRows(r.rows);
        setTotal(r.total);
        setError(undefined);
      },
      (err) => setError(errorMessage(err)),
    );
  }, [filter]);

  useEffect(load, [load]);
  useEffect(() => api.onEvent((e) => e.type === 'case.changed' && load()), [load]);

  const columns = useMemo<ColDef<CaseRow>[]>(
    () => [
      { field: 'caseNo', headerName: '办件编号', width: 240 },
      { field: 'itemName', headerName: '事项', flex: 1, minWidth: 200 },
      { field: 'applicantName', headerName: '申请人', width: 180 },
      { field: 'applicantIdMasked', headerName: '证件号码', width: 200 },
      { field: 'status', headerName: '状态', width: 100, valueFormatter: (p) => CASE_STATUS_NAMES[p.value as CaseStatus] ?? String(p.value) },
      { field: 'promisedDate', headerName: '承诺办结', width: 120, valueFormatter: (p) => p.value ?? '—' },
      { field: 'createdBy', headerName: '受理人', width: 100 },
      { field: 'createdAt', headerName: '受理时间', width: 160, valueFormatter: (p) => formatTime(p.value as string) },
    ],
    [],
  );

  return (
    <Card
      size="small"
      title={
        <Space>
          办件
          <Typography.Text type="secondary" data-testid="case-total">
            共 {total} 件
          </Typography.Text>
        </Space>
      }
      extra={
        <Space wrap>
          <DatePicker.RangePicker value={range} onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)} placeholder={['受理日期起', '止']} />
          <Select
            allowClear
            placeholder="承诺时限"
            style={{ width: 120 }}
            value={deadline}
            onChange={setDeadline}
            options={[
              { value: 'due-soon', label: '即将到期' },
              { value: 'overdue', label: '已超期' },
            ]}
          />
          <Select
            allowClear
            placeholder="全部状态"
            style={{ width: 140 }}
            value={status}
            onChange={setStatus}
            options={CASE_STATUSES.map((s) => ({ value: s, label: CASE_STATUS_NAMES[s] }))}
          />
          <Input.Search
            allowClear
            placeholder="办件编号、姓名或完整证件号码"
            style={{ width: 280 }}
            defaultValue={initialFilter?.query}
            onSearch={setQuery}
            data-testid="case-search"
          />
          {canExport && (
            <Button onClick={exportCsv} data-testid="export-csv">
              导出 CSV
            </Button>
          )}
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} />}
      <div style={{ height: 'calc(100vh - 240px)' }} data-testid="case-grid">
        <AgGridReact<CaseRow>
          rowData={rows}
          columnDefs={columns}
          getRowId={(p) => p.data.id}
          animateRows={false}
          rowSelection={{ mode: 'singleRow', checkboxes: false }}
          overlayNoRowsTemplate="暂无办件"
          onRowDoubleClicked={(e) => e.data && setOpenCaseId(e.data.id)}
          onCellKeyDown={(e) => {
            if ((e.event as KeyboardEvent | null)?.key === 'Enter' && e.data) setOpenCaseId(e.data.id);
          }}
        />
      </div>
      <CaseDetailDrawer caseId={openCaseId} role={role} transport={info?.transport ?? 'browser'} onClose={() => setOpenCaseId(null)} />
    </Card>
  );
}
