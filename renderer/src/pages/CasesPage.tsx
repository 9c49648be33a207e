/**
 * The case list (ag-grid). Filtering happens in SQLite through the contract, not in the grid,
 * so it stays fast with a large local history; ID numbers are only ever shown masked.
 */
import { AllCommunityModule, ModuleRegistry, type ColDef } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { Alert, Card, Input, Select, Space, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { CASE_STATUS_NAMES, CASE_STATUSES, type CaseStatus } from '../../../shared/cases/status';
import type { CaseRow } from '../../../shared/contract/channels';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';

ModuleRegistry.registerModules([AllCommunityModule]);

const formatTime = (iso: string) => {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
};

export function CasesPage() {
  const [rows, setRows] = useState<CaseRow[]>([]);
  const [total, setTotal] = useState(0);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<CaseStatus>();
  const [error, setError] = useState<string>();

  const load = useCallback(() => {
    api.call('cases.list', { query: query || undefined, status, limit: 500 }).then(
      (r) => {
        setRows(r.rows);
        setTotal(r.total);
        setError(undefined);
      },
      (err) => setError(errorMessage(err)),
    );
  }, [query, status]);

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
        <Space>
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
            onSearch={setQuery}
            data-testid="case-search"
          />
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
        />
      </div>
    </Card>
  );
}
