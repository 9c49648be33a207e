/**
 * 人证核验 at the counter: read the ID card → tell the applicant and record their consent →
 * liveness challenge on the live face camera → compare with the ID photo → result, then retry,
 * a supervisor's 人工核验 (their own password and a written reason) or refusal. Every rule is
 * the core's (shared/contract/identity.ts); this component only walks the clerk through it.
 * Mount it with the contract client's call: `<IdentityCheck call={api.call as IdentityCall} />`.
 */
import { AuditOutlined, CheckCircleOutlined, CloseCircleOutlined, ReloadOutlined, SafetyCertificateOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Form, Image, Input, Modal, Radio, Result, Space, Spin, Steps, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import {
  CHECK_STATUS_NAMES,
  type CardView,
  type CheckView,
  type CreditResult,
  type IdentityCall,
  type IdentityOutput,
} from '../../../../shared/contract/identity';
import { CardStep, type CardRead } from './CardStep';
import { ChallengeStep } from './ChallengeStep';
import { errorCode, errorText } from './errors';

export interface IdentityCheckProps {
  call: IdentityCall;
  /** The intake draft this check belongs to (kept with the check). */
  draftId?: string;
  /** The card was read: the form may be prefilled from it. */
  onCardRead?: (card: CardView) => void;
  /** The check ended: passed, overridden by a supervisor, or refused. */
  onFinished?: (result: { check: CheckView; card: CardView; credit: CreditResult | null }) => void;
}

type Stage = 'card' | 'consent' | 'challenge' | 'checking' | 'result';
type FaceResult = IdentityOutput<'identity.face.check'>;

const FINAL = ['passed', 'overridden', 'refused'];
const DECISION: Record<string, { color: string; label: string }> = {
  match: { color: 'green', label: '同一人' },
  review: { color: 'orange', label: '需人工复核' },
  'no-match': { color: 'red', label: '不是同一人' },
};
const STAGE_INDEX: Record<Stage, number> = { card: 0, consent: 1, challenge: 2, checking: 3, result: 3 };

function ConsentStep(props: { call: IdentityCall; checkId: string; onDone: (check: CheckView) => void }) {
  const [notice, setNotice] = useState<IdentityOutput<'identity.consent.notice'> | null>(null);
  const [method, setMethod] = useState<'screen' | 'verbal' | 'paper'>('screen');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    props.call('identity.consent.notice', {}).then(setNotice, (e) => setError(errorText(e)));
  }, [props.call]);
  const record = async (given: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      props.onDone((await props.call('identity.consent.record', { checkId: props.checkId, given, method })).check);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  if (!notice) return error ? <Alert type="error" showIcon title={error} /> : <Spin />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={notice.title} size="small" data-testid="consent-notice">
        <Typography.Paragraph style={{ whiteSpace: 'pre-line', fontSize: 16, marginBottom: 0 }}>{notice.text}</Typography.Paragraph>
      </Card>
      <Space>
        <Typography.Text>告知方式：</Typography.Text>
        <Radio.Group
          value={method}
          onChange={(e) => setMethod(e.target.value)}
          options={[
            { value: 'screen', label: '办事人阅读屏幕' },
            { value: 'verbal', label: '工作人员口头告知' },
            { value: 'paper', label: '书面告知并签字' },
          ]}
        />
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      <Space>
        <Button type="primary" size="large" loading={busy} onClick={() => void record(true)}>
          办事人同意
        </Button>
        <Button size="large" loading={busy} onClick={() => void record(false)}>
          办事人不同意（改为人工核验）
        </Button>
      </Space>
    </Space>
  );
}

function OverrideModal(props: { call: IdentityCall; checkId: string; open: boolean; onClose: () => void; onDone: (check: CheckView) => void }) {
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (v: { supervisorUsername: string; supervisorPassword: string; reason: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const check = await props.call('identity.face.override', { checkId: props.checkId, ...v });
      form.resetFields();
      props.onDone(check);
    } catch (e) {
      setError(errorText(e));
      form.setFieldValue('supervisorPassword', '');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="值班负责人人工核验" open={props.open} onCancel={props.onClose} footer={null} destroyOnHidden>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="请值班主管本人到场，核对证件与办事人后，用自己的账户和密码确认，并写明理由。此操作记入审计日志。" />
      <Form form={form} layout="vertical" onFinish={submit} autoComplete="off">
        <Form.Item name="supervisorUsername" label="值班主管账户" rules={[{ required: true, message: '必填' }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="supervisorPassword" label="密码" rules={[{ required: true, message: '必填' }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="reason" label="核验理由" rules={[{ required: true, min: 4, message: '请写明理由（至少 4 个字）' }]}>
          <Input.TextArea rows={3} maxLength={500} placeholder="例如：证件照片为多年前拍摄，已当面核对本人与户口簿" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="override-error" />}
        <Button type="primary" htmlType="submit" loading={busy} icon={<AuditOutlined />}>
          确认放行
        </Button>
      </Form>
    </Modal>
  );
}

function RefuseModal(props: { call: IdentityCall; checkId: string; open: boolean; onClose: () => void; onDone: (check: CheckView) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  return (
    <Modal
      title="拒绝办理"
      open={props.open}
      onCancel={props.onClose}
      okText="确认拒绝"
      okButtonProps={{ danger: true, disabled: reason.trim().length < 2 }}
      onOk={async () => {
        try {
          props.onDone(await props.call('identity.check.refuse', { checkId: props.checkId, reason }));
        } catch (e) {
          setError(errorText(e));
        }
      }}
    >
      <Input.TextArea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="请写明拒绝理由" />
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
    </Modal>
  );
}

export function IdentityCheck(props: IdentityCheckProps) {
  const { call } = props;
  const [stage, setStage] = useState<Stage>('card');
  const [card, setCard] = useState<CardRead | null>(null);
  const [check, setCheck] = useState<CheckView | null>(null);
  const [credit, setCredit] = useState<CreditResult | null>(null);
  const [face, setFace] = useState<FaceResult | null>(null);
  const [capture, setCapture] = useState<string | null>(null);
  const [message, setMessage] = useState<{ type: 'error' | 'warning' | 'info'; text: string } | null>(null);
  const [overriding, setOverriding] = useState(false);
  const [refusing, setRefusing] = useState(false);
  const [round, setRound] = useState(0);

  const finish = useCallback(
    (c: CheckView) => {
      setCheck(c);
      if (FINAL.includes(c.status) && card) props.onFinished?.({ check: c, card: card.card, credit });
    },
    [card, credit, props.onFinished],
  );

  const onRead = (r: CardRead) => {
    setCard(r);
    setCheck(r.check);
    setStage('consent');
    props.onCardRead?.(r.card);
    call('identity.credit.check', { idNumber: r.card.idNumber, checkId: r.check.checkId, ...(props.draftId ? { draftId: props.draftId } : {}) }).then(setCredit, () => setCredit(null));
  };

  const onConsent = (c: CheckView) => {
    setCheck(c);
    setStage(c.status === 'consented' ? 'challenge' : 'result');
  };

  const onPassed = async (challengeId: string, captureBase64: string) => {
    setStage('checking');
    setCapture(captureBase64);
    setMessage(null);
    try {
      const r = await call('identity.face.check', { checkId: check!.checkId, challengeId, liveImageBase64: captureBase64 });
      setFace(r);
      finish(r.check);
      setStage('result');
    } catch (e) {
      const code = errorCode(e);
      setMessage({ type: 'error', text: errorText(e) });
      if (code === 'NO_FACE' || code === 'FACE_TOO_SMALL' || code === 'MULTIPLE_FACES' || code === 'CHALLENGE_EXPIRED') {
        setRound((n) => n + 1);
        setStage('challenge');
      } else {
        const latest = await call('identity.check.get', { checkId: check!.checkId }).catch(() => check!);
        setCheck(latest);
        setStage('result');
      }
    }
  };

  const onFailed = (c: CheckView, hint: string) => {
    setCheck(c);
    setFace(null);
    setMessage({ type: 'warning', text: hint });
    setStage('result');
  };

  const restart = () => {
    setCard(null);
    setCheck(null);
    setCredit(null);
    setFace(null);
    setCapture(null);
    setMessage(null);
    setStage('card');
  };

  const final = check && FINAL.includes(check.status);
  return (
    <Card
      title={
        <Space>
          <SafetyCertificateOutlined />
          人证核验
          {check?.training && <Tag color="orange">培训</Tag>}
        </Space>
      }
      extra={check && <Tag data-testid="check-status">{CHECK_STATUS_NAMES[check.status]}</Tag>}
    >
      <Steps
        current={STAGE_INDEX[stage]}
        size="small"
        style={{ marginBottom: 24 }}
        items={[{ title: '读取证件' }, { title: '告知同意' }, { title: '活体检测' }, { title: '比对结果' }]}
      />
      {card && stage !== 'card' && (
        <Space align="start" size="large" style={{ marginBottom: 16 }}>
          <Image width={102} src={card.photoDataUrl} alt="证件照片" preview={false} />
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label="姓名">{card.card.name}</Descriptions.Item>
            <Descriptions.Item label="公民身份号码">{card.card.idNumberMasked}</Descriptions.Item>
            <Descriptions.Item label="有效期">
              {card.card.validFrom} 至 {card.card.validTo ?? '长期'}
            </Descriptions.Item>
            <Descriptions.Item label="证件状态">
              {card.validity.status === 'valid' ? <Tag color="green">有效</Tag> : <Tag color="red">{card.validity.status === 'expired' ? '已过期' : '未生效'}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label="信用审查" span={2}>
              {credit ? (
                <Tag color={credit.hit ? 'red' : credit.standing === 'unknown' ? 'default' : 'green'} data-testid="credit-result">
                  {credit.hit ? `失信名单：${credit.category}（不适用告知承诺）` : credit.standing === 'unknown' ? '未能审查（名单未导入）' : '未在失信名单中'}
                </Tag>
              ) : (
                <Spin size="small" />
              )}
              {credit && <Typography.Text type="secondary"> {credit.list.loaded ? `名单 ${credit.list.version}，${credit.list.ageDays} 天前生成` : ''}</Typography.Text>}
            </Descriptions.Item>
          </Descriptions>
        </Space>
      )}
      {card && card.validity.status !== 'valid' && stage !== 'card' && <Alert type="error" showIcon title={card.validity.message} style={{ marginBottom: 12 }} />}
      {card && card.warnings.length > 0 && stage !== 'card' && <Alert type="warning" showIcon title={card.warnings.join('；')} style={{ marginBottom: 12 }} />}
      {message && <Alert type={message.type} showIcon title={message.text} style={{ marginBottom: 12 }} data-testid="identity-message" />}

      {stage === 'card' && <CardStep call={call} draftId={props.draftId} onRead={onRead} />}
      {stage === 'consent' && check && <ConsentStep call={call} checkId={check.checkId} onDone={onConsent} />}
      {stage === 'challenge' && check && (
        <ChallengeStep
          key={round}
          call={call}
          checkId={check.checkId}
          attemptsLeft={check.attemptsLeft}
          onPassed={(id, img) => void onPassed(id, img)}
          onFailed={onFailed}
          onStopped={() => call('identity.check.get', { checkId: check.checkId }).then(setCheck, () => undefined)}
        />
      )}
      {stage === 'checking' && <Spin description="正在比对…" size="large"><div style={{ height: 120 }} /></Spin>}
      {stage === 'result' && check && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="identity-result">
          {check.status === 'passed' && <Result status="success" icon={<CheckCircleOutlined />} title="人证核验通过" subTitle="现场人像与证件照片为同一人" />}
          {check.status === 'overridden' && <Result status="success" title="值班负责人人工核验通过" subTitle={`${check.decidedBy}：${check.reason}`} />}
          {check.status === 'refused' && <Result status="error" icon={<CloseCircleOutlined />} title="已拒绝办理" subTitle={check.reason ?? ''} />}
          {!final && (
            <Alert
              type={check.overrideAllowed ? 'error' : 'warning'}
              showIcon
              title={check.status === 'consented' && check.failedAttempts > 0 ? `第 ${check.failedAttempts} 次核验未通过` : CHECK_STATUS_NAMES[check.status]}
              description={
                check.status === 'consent-declined'
                  ? '办事人不同意人脸识别：请值班负责人当面核对证件与本人后人工核验，不得因此拒绝办理。'
                  : check.canRetry
                    ? `未通过，还可重试 ${check.attemptsLeft} 次。`
                    : '已不能再试：请值班负责人人工核验，或拒绝办理。'
              }
            />
          )}
          {face && (
            <Space align="start" size="large">
              {capture && <Image width={160} src={`data:image/jpeg;base64,${capture}`} alt="现场照片" preview={false} />}
              <Image width={102} src={card?.photoDataUrl} alt="证件照片" preview={false} />
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label="比对结论">
                  <Tag color={DECISION[face.decision].color} data-testid="face-decision">
                    {DECISION[face.decision].label}
                  </Tag>
                </Descriptions.Item>
                <Descriptions.Item label="特征距离">
                  {face.distance.toFixed(4)}（≤ {face.thresholds.match} 同一人，≥ {face.thresholds.noMatch} 不同人）
                </Descriptions.Item>
                <Descriptions.Item label="耗时">{Math.round(face.ms)} 毫秒</Descriptions.Item>
                <Descriptions.Item label="第几次">第 {face.attempt} 次</Descriptions.Item>
              </Descriptions>
            </Space>
          )}
          <Space>
            {!final && check.canRetry && (
              <Button
                type="primary"
                icon={<ReloadOutlined />}
                onClick={() => {
                  setMessage(null);
                  setFace(null);
                  setRound((n) => n + 1);
                  setStage('challenge');
                }}
              >
                重新核验
              </Button>
            )}
            {!final && check.overrideAllowed && (
              <Button type="primary" icon={<UserSwitchOutlined />} onClick={() => setOverriding(true)}>
                值班负责人人工核验
              </Button>
            )}
            {!final && (
              <Button danger onClick={() => setRefusing(true)}>
                拒绝办理
              </Button>
            )}
            {final && <Button onClick={restart}>核验下一位</Button>}
          </Space>
        </Space>
      )}
      {check && (
        <>
          <OverrideModal
            call={call}
            checkId={check.checkId}
            open={overriding}
            onClose={() => setOverriding(false)}
            onDone={(c) => {
              setOverriding(false);
              setMessage(null);
              finish(c);
            }}
          />
          <RefuseModal
            call={call}
            checkId={check.checkId}
            open={refusing}
            onClose={() => setRefusing(false)}
            onDone={(c) => {
              setRefusing(false);
              finish(c);
            }}
          />
        </>
      )}
    </Card>
  );
}
