/**
 * 人证核验 as the window recorded it: the decision and how it was reached (distance against the
 * thresholds, model and version, who checked, a supervisor's override with its reason) and the
 * SHA-256 of the two images. The images themselves stay at the window (PIPL), never here.
 */
import { Descriptions, Tag, Typography } from 'antd';
import type { IdentityCheckSubmission } from '../../../../shared/sync';
import { beijingTime } from '../names';

const DECISION_TEXT: Record<'match' | 'review' | 'no-match', string> = { match: '一致', review: '需人工复核', 'no-match': '不一致' };

function shortHash(sha: string | null): string {
  return sha ? `${sha.slice(0, 12)}…${sha.slice(-6)}` : '—';
}

export function IdentityCheckView({ check }: { check: IdentityCheckSubmission }) {
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 2, xl: 3 }}
      data-testid="identity-check"
      items={[
        {
          key: 'result',
          label: '核验结果',
          children: (
            <span data-testid="identity-result">
              {check.result === 'passed' ? <Tag color="green">核验通过</Tag> : <Tag color="orange">人工核验通过</Tag>}
              {check.training && <Tag>培训数据</Tag>}
            </span>
          ),
        },
        { key: 'decision', label: '比对结论', children: check.decision ? DECISION_TEXT[check.decision] : '未能比对' },
        {
          key: 'distance',
          label: '特征距离 / 阈值',
          children: (
            <span data-testid="identity-distance">
              {check.distance === null ? '—' : check.distance.toFixed(3)}
              {check.thresholds ? `（一致 ≤ ${check.thresholds.match}，不一致 ≥ ${check.thresholds.noMatch}）` : ''}
            </span>
          ),
        },
        { key: 'model', label: '算法模型', children: check.model ? `${check.model.name} ${check.model.version}` : '—' },
        { key: 'time', label: '核验时间', children: beijingTime(check.checkedAt) },
        { key: 'operator', label: '核验人', children: `${check.operator}（尝试 ${check.attempts} 次）` },
        ...(check.override
          ? [{ key: 'override', label: '人工核验', children: <span data-testid="identity-override">{`${check.override.by}：${check.override.reason}（${beijingTime(check.override.at)}）`}</span> }]
          : []),
        {
          key: 'hashes',
          label: '图像摘要（SHA-256）',
          children: (
            <Typography.Text type="secondary" title={`现场照片 ${check.imageSha256.live ?? '—'}\n证件照片 ${check.imageSha256.idPhoto ?? '—'}`}>
              现场 {shortHash(check.imageSha256.live)} · 证件 {shortHash(check.imageSha256.idPhoto)}（图像仅保存在受理窗口）
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}
