/**
 * Reuse (材料复用): pages of this material that the same applicant gave in an earlier case,
 * attached again without rescanning; the copies keep their origin case number.
 */
import { Alert, Button, List, Space, Typography } from 'antd';
import { useState } from 'react';
import type { MaterialsCall, MaterialsOutput, PageOwner } from '../../../../shared/contract/materials';
import { errorText } from './files';

type Candidate = MaterialsOutput<'materials.reuseCandidates'>['candidates'][number];

export function ReusePanel(props: { owner: PageOwner; materialId: string; applicantIdNo?: string; call: MaterialsCall; onReused: () => void }) {
  const [candidates, setCandidates] = useState<Candidate[]>();
  const [error, setError] = useState<string>();
  if (!props.applicantIdNo || props.applicantIdNo.length < 15) {
    return <Typography.Text type="secondary">填写申请人证件号码后，可复用其历史办件中的同一材料。</Typography.Text>;
  }
  const load = async () => {
    try {
      const r = await props.call('materials.reuseCandidates', { applicantIdNo: props.applicantIdNo!, materialIds: [props.materialId] });
      setCandidates(r.candidates);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const reuse = async (c: Candidate) => {
    try {
      await props.call('materials.reuse', { owner: props.owner, materialId: props.materialId, fromPageIds: c.pages.map((p) => p.id) });
      props.onReused();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon message={error} />}
      {candidates === undefined ? (
        <Button onClick={load} data-testid="reuse-search">
          查找本人历史材料
        </Button>
      ) : (
        <List
          size="small"
          dataSource={candidates}
          locale={{ emptyText: '没有可复用的历史材料' }}
          renderItem={(c) => (
            <List.Item actions={[<a key="reuse" onClick={() => void reuse(c)} data-testid="reuse-apply">复用（{c.pages.length} 页）</a>]}>
              来自办件 {c.caseNo}（{new Date(c.acceptedAt).toLocaleDateString('zh-CN')}）
            </List.Item>
          )}
        />
      )}
    </Space>
  );
}
