/**
 * The clerk's side of the applicant screen (IntakePage): open it, push the current draft for the
 * citizen to confirm, ask for a signature (or take it on the clerk's own screen as a fallback),
 * and after acceptance ask for the 好差评 rating. The core decides what the citizen sees.
 */
import { Alert, Button, Modal, Space, Tag, Tooltip } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { SIGNATURE_PURPOSE_NAMES, type ApplicantView, type SignaturePurpose } from '../../../../shared/contract/applicant';
import type { MaterialState } from '../../../../shared/catalog/materials';
import { api } from '../../api/client';
import { errorMessage, useSystemInfo } from '../../api/hooks';
import { SignatureBox } from './SignaturePad';

const STAGE_NAMES: Record<ApplicantView['stage'], string> = {
  idle: '空闲',
  confirm: '核对信息',
  sign: '等待签名',
  rate: '等待评价',
  thanks: '已评价',
};

/** The applicant screen of this session, refreshed when the core says it changed. */
export function useApplicantDisplay(): ApplicantView | undefined {
  const [view, setView] = useState<ApplicantView>();
  const load = useCallback(() => void api.call('applicant.view', {}).then(setView, () => undefined), []);
  useEffect(() => {
    load();
    return api.onEvent((e) => e.type === 'applicant.display' && load());
  }, [load]);
  return view;
}

/** Opens the applicant screen: Electron's window on the other display, or a second browser tab. */
export function useOpenApplicantScreen() {
  const info = useSystemInfo();
  return async () => {
    if (info?.transport === 'electron') {
      const { opened } = await api.call('applicant.openScreen', {});
      if (!opened) throw new Error('未能打开申请人屏，请检查第二台显示器是否已连接');
      return;
    }
    window.open(`${window.location.origin}/#/applicant`, 'onewindow-applicant');
  };
}

export interface ApplicantControlsProps {
  itemCode: string;
  itemVersion: number;
  formData: Record<string, unknown>;
  materials: MaterialState[];
  draftId?: string;
  onDraft: (draftId: string) => void;
}

export function ApplicantControls(props: ApplicantControlsProps) {
  const view = useApplicantDisplay();
  const open = useOpenApplicantScreen();
  const [error, setError] = useState<string>();
  const [fallback, setFallback] = useState<SignaturePurpose>();
  const hasCommitment = props.materials.some((m) => m.status === 'commitment');

  /** Saves the form as it is now, then shows that draft: the citizen confirms what the clerk sees. */
  const show = async () => {
    const saved = await api.call('drafts.save', { draftId: props.draftId, itemCode: props.itemCode, itemVersion: props.itemVersion, formData: props.formData, materials: props.materials });
    if (saved.draftId !== props.draftId) props.onDraft(saved.draftId);
    return api.call('applicant.show', { draftId: saved.draftId });
  };
  const run = (action: () => Promise<unknown>) => async () => {
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const requestSignature = (purpose: SignaturePurpose) => run(async () => {
    await show();
    await api.call('applicant.requestSignature', { purpose });
  });
  const signHere = async (pngBase64: string) => {
    if (!fallback) return;
    await show();
    const v = await api.call('applicant.requestSignature', { purpose: fallback });
    await api.call('applicant.sign', { requestId: v.signature!.requestId, pngBase64, source: 'clerk-screen' });
    setFallback(undefined);
  };

  const signed = new Set(view?.signed.map((s) => s.purpose));
  const purposes: SignaturePurpose[] = hasCommitment ? ['application', 'commitment'] : ['application'];
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }} data-testid="applicant-controls">
        <Button onClick={run(open)} data-testid="open-applicant-screen">
          打开申请人屏
        </Button>
        <Button onClick={run(show)} data-testid="applicant-show">
          推送核对信息
        </Button>
        {purposes.map((p) => (
          <Button key={p} onClick={requestSignature(p)} data-testid={`request-signature-${p}`}>
            请申请人签名（{SIGNATURE_PURPOSE_NAMES[p]}）
          </Button>
        ))}
        <Tooltip title="申请人屏不可用时，请申请人在本屏签名">
          <Button onClick={() => setFallback('application')} data-testid="sign-here">
            在本屏签名
          </Button>
        </Tooltip>
        {view && <Tag data-testid="applicant-stage">申请人屏：{STAGE_NAMES[view.stage]}</Tag>}
        {purposes.map((p) => signed.has(p) && <Tag key={p} color="green" data-testid={`signed-${p}`}>{SIGNATURE_PURPOSE_NAMES[p]}已签名</Tag>)}
      </Space>
      {error && <Alert type="error" showIcon closable message={error} onClose={() => setError(undefined)} style={{ marginBottom: 12 }} data-testid="applicant-error" />}
      <Modal open={!!fallback} title="请申请人在本屏签名" footer={null} onCancel={() => setFallback(undefined)} width={760} destroyOnHidden>
        <Space style={{ marginBottom: 12 }}>
          {purposes.map((p) => (
            <Button key={p} type={fallback === p ? 'primary' : 'default'} onClick={() => setFallback(p)}>
              {SIGNATURE_PURPOSE_NAMES[p]}
            </Button>
          ))}
        </Space>
        <SignatureBox key={fallback} onSubmit={signHere} height={220} testId="clerk-signature" />
      </Modal>
    </>
  );
}

/** After acceptance: ask the citizen to rate (好差评) on the applicant screen. */
export function RatingRequestButton({ caseId }: { caseId: string }) {
  const view = useApplicantDisplay();
  const [error, setError] = useState<string>();
  const ask = async () => {
    setError(undefined);
    try {
      await api.call('applicant.requestRating', { caseId });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Space direction="vertical">
      <Space>
        <Button onClick={() => void ask()} disabled={view?.stage === 'rate' || view?.stage === 'thanks'} data-testid="request-rating">
          请申请人评价（好差评）
        </Button>
        {view && (view.stage === 'rate' || view.stage === 'thanks') && <Tag data-testid="rating-stage">{STAGE_NAMES[view.stage]}</Tag>}
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
    </Space>
  );
}
