/**
 * Intake (受理): find the item (name, pinyin initials, code), fill its form, accept.
 * Keyboard-first: the search box has focus, ↑/↓ pick, Enter opens, Ctrl+Enter accepts,
 * and after acceptance Enter starts the next citizen's case.
 */
import { Alert, Card, Col, Descriptions, Empty, Input, List, Modal, Row, Space, Tag, Typography, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { CaseRow, ItemDetail, ItemSummary } from '../../../shared/contract/channels';
import { SERVICE_LEVEL_NAMES } from '../../../shared/catalog/item-definition';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';
import { ItemForm } from '../components/ItemForm';

export function IntakePage({ onAccepted }: { onAccepted: (c: CaseRow) => void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ItemSummary[]>([]);
  const [active, setActive] = useState(0);
  const [item, setItem] = useState<ItemDetail>();
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [accepted, setAccepted] = useState<CaseRow>();
  const searchRef = useRef<InputRef>(null);

  useEffect(() => {
    let stale = false;
    api.call('catalog.search', { query, limit: 30 }).then(
      (r) => {
        if (!stale) {
          setResults(r);
          setActive(0);
        }
      },
      (err) => !stale && setError(errorMessage(err)),
    );
    return () => {
      stale = true;
    };
  }, [query]);

  const open = async (summary: ItemSummary | undefined) => {
    if (!summary) return;
    setError(undefined);
    try {
      setItem(await api.call('catalog.get', { code: summary.code }));
      setFormData({});
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const accept = async (data: Record<string, unknown>) => {
    if (!item || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const row = await api.call('cases.accept', { itemCode: item.code, itemVersion: item.version, formData: data });
      setAccepted(row);
      onAccepted(row);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const nextCitizen = () => {
    setAccepted(undefined);
    setItem(undefined);
    setFormData({});
    setQuery('');
    setTimeout(() => searchRef.current?.focus(), 0);
  };

  return (
    <Row gutter={16}>
      <Col span={8}>
        <Card title="查找事项" size="small">
          <Input
            ref={searchRef}
            autoFocus
            allowClear
            placeholder="事项名称、拼音首字母（如 gsdj）或事项编码"
            value={query}
            data-testid="item-search"
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                setActive((a) => Math.min(a + 1, results.length - 1));
              } else if (e.key === 'ArrowUp') {
                e.preventDefault();
                setActive((a) => Math.max(a - 1, 0));
              } else if (e.key === 'Enter') {
                e.preventDefault();
                void open(results[active]);
              }
            }}
          />
          <List
            size="small"
            style={{ marginTop: 8, maxHeight: 'calc(100vh - 260px)', overflow: 'auto' }}
            dataSource={results}
            locale={{ emptyText: <Empty description="没有匹配的事项" /> }}
            renderItem={(r, i) => (
              <List.Item
                data-testid="item-result"
                onClick={() => void open(r)}
                style={{ cursor: 'pointer', background: i === active ? '#e6f4ff' : undefined, paddingInline: 8 }}
              >
                <Space direction="vertical" size={0}>
                  <Typography.Text strong>{r.name}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.code} · {r.departmentName} · {SERVICE_LEVEL_NAMES[r.level]} · 承诺 {r.promisedDays === 0 ? '即办' : `${r.promisedDays} 个工作日`}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      </Col>
      <Col span={16}>
        {error && <Alert type="error" showIcon message={error} closable onClose={() => setError(undefined)} style={{ marginBottom: 12 }} data-testid="intake-error" />}
        {item ? (
          <Card
            size="small"
            title={
              <Space>
                <span data-testid="item-title">{item.name}</span>
                <Tag>{item.type}</Tag>
                <Tag color="blue">{item.departmentName}</Tag>
              </Space>
            }
          >
            <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
              <Descriptions.Item label="事项编码">{item.code}</Descriptions.Item>
              <Descriptions.Item label="法定时限">{item.legalDays} 个工作日</Descriptions.Item>
              <Descriptions.Item label="承诺时限">{item.promisedDays === 0 ? '即办' : `${item.promisedDays} 个工作日`}</Descriptions.Item>
              <Descriptions.Item label="收费">{item.fees.charged ? item.fees.description ?? '收费' : '不收费'}</Descriptions.Item>
              <Descriptions.Item label="所需材料" span={2}>
                {item.materials.length ? item.materials.map((m) => m.name).join('、') : '无'}
              </Descriptions.Item>
            </Descriptions>
            <ItemForm schema={item.formSchema} uiSchema={item.uiSchema} formData={formData} onChange={setFormData} onSubmit={accept} disabled={busy} />
          </Card>
        ) : (
          <Card size="small">
            <Empty description="在左侧输入事项名称或拼音首字母，按回车开始受理" />
          </Card>
        )}
      </Col>
      <Modal
        open={!!accepted}
        title="已受理"
        onOk={nextCitizen}
        onCancel={nextCitizen}
        okText="继续受理下一件（Enter）"
        cancelButtonProps={{ style: { display: 'none' } }}
        okButtonProps={{ autoFocus: true }}
      >
        {accepted && (
          <Descriptions column={1} size="small">
            <Descriptions.Item label="办件编号">
              <Typography.Text copyable data-testid="accepted-case-no">
                {accepted.caseNo}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="事项">{accepted.itemName}</Descriptions.Item>
            <Descriptions.Item label="申请人">
              {accepted.applicantName}（{accepted.applicantIdMasked}）
            </Descriptions.Item>
            <Descriptions.Item label="承诺办结日期">{accepted.promisedDate ?? '以后台确认为准'}</Descriptions.Item>
          </Descriptions>
        )}
      </Modal>
    </Row>
  );
}
