/**
 * 读取身份证: by hand (fields typed from the card + its portrait side from the document camera
 * or a file) or, in training mode, from a practice card. A reader driver plugs in behind the
 * same channel later (docs/IDENTITY.md); until then its tab says so.
 */
import { CameraOutlined, IdcardOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Col, Form, Input, Radio, Row, Select, Space, Tabs, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { IdentityCall, IdentityOutput, ManualCardFields } from '../../../../shared/contract/identity';
import { attachCamera, fileToBase64, listCameras, pickCamera, snapBase64 } from './camera';
import { errorText } from './errors';

export type CardRead = IdentityOutput<'identity.idcard.read'>;

interface Props {
  call: IdentityCall;
  draftId?: string;
  onRead: (result: CardRead) => void;
}

const CARD_MAX_SIDE = 1600;
const DOC_CAMERA_KEY = 'onewindow.identity.documentCamera';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function DocumentCamera(props: { onShot: (base64: string) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    let cancelled = false;
    let detach: (() => void) | undefined;
    void (async () => {
      try {
        const cameras = await listCameras();
        if (cameras.length === 0) return setProblem('未检测到高拍仪：可改为导入证件图片');
        const deviceId = pickCamera(cameras, 'document', localStorage.getItem(DOC_CAMERA_KEY));
        if (!ref.current || cancelled) return;
        detach = await attachCamera(
          ref.current,
          { deviceId, width: 1600, height: 1200, previewWidth: 360, what: '高拍仪', onLive: () => setLive(true), onError: setProblem },
          () => cancelled,
        );
      } catch (e) {
        setProblem(errorText(e));
      }
    })();
    return () => {
      cancelled = true;
      detach?.();
    };
  }, []);
  return (
    <Space orientation="vertical">
      <div ref={ref} style={{ width: 360, height: 270, background: '#f0f2f5' }} data-testid="document-camera" />
      {problem && <Alert type="warning" showIcon title={problem} />}
      <Button icon={<CameraOutlined />} disabled={!live} onClick={async () => props.onShot(await snapBase64(CARD_MAX_SIDE, 0.92))}>
        拍摄证件人像面
      </Button>
    </Space>
  );
}

function ManualForm(props: Props) {
  const [form] = Form.useForm();
  const [image, setImage] = useState<string>();
  const [longTerm, setLongTerm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const file = useRef<HTMLInputElement>(null);

  const submit = async (values: Record<string, string>) => {
    if (!image) return setError('请先拍摄或导入身份证人像面');
    setBusy(true);
    setError(undefined);
    try {
      const fields: ManualCardFields = {
        name: values.name,
        sex: values.sex as 'male' | 'female',
        ...(values.nation ? { nation: values.nation } : {}),
        birthDate: values.birthDate,
        address: values.address,
        idNumber: values.idNumber,
        issuer: values.issuer,
        validFrom: values.validFrom,
        validTo: longTerm ? null : values.validTo,
      };
      props.onRead(await props.call('identity.idcard.read', { driver: 'manual', fields, cardImageBase64: image, ...(props.draftId ? { draftId: props.draftId } : {}) }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const day = [{ required: true, message: '必填' }, { pattern: DAY, message: '格式为 YYYY-MM-DD' }];
  return (
    <Row gutter={24}>
      <Col flex="380px">
        <DocumentCamera onShot={setImage} />
        <Space style={{ marginTop: 8 }}>
          <Button icon={<UploadOutlined />} onClick={() => file.current?.click()}>
            导入证件图片
          </Button>
          {image && <Tag color="green">已获取证件图像</Tag>}
        </Space>
        <input
          ref={file}
          type="file"
          accept="image/jpeg,image/png"
          hidden
          onChange={async (e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) setImage(await fileToBase64(f, CARD_MAX_SIDE).catch((err) => (setError(errorText(err)), undefined)));
          }}
        />
        {image && <img alt="证件图像" src={`data:image/jpeg;base64,${image}`} style={{ display: 'block', marginTop: 8, maxWidth: 360 }} />}
      </Col>
      <Col flex="auto">
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ sex: 'male' }}>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="name" label="姓名" rules={[{ required: true, message: '必填' }]}>
                <Input maxLength={30} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="sex" label="性别">
                <Radio.Group options={[{ value: 'male', label: '男' }, { value: 'female', label: '女' }]} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="nation" label="民族">
                <Input maxLength={10} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="idNumber" label="公民身份号码" rules={[{ required: true, message: '必填' }]}>
            <Input maxLength={20} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="birthDate" label="出生日期" rules={day}>
                <Input placeholder="1990-03-07" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="issuer" label="签发机关" rules={[{ required: true, message: '必填' }]}>
                <Input maxLength={30} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="address" label="住址" rules={[{ required: true, message: '必填' }]}>
            <Input maxLength={70} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="validFrom" label="有效期起" rules={day}>
                <Input placeholder="2020-01-01" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="validTo" label="有效期至" rules={longTerm ? [] : day}>
                <Input disabled={longTerm} placeholder="2040-01-01" />
              </Form.Item>
              <Checkbox checked={longTerm} onChange={(e) => setLongTerm(e.target.checked)}>
                长期
              </Checkbox>
            </Col>
          </Row>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
          <Button type="primary" htmlType="submit" loading={busy} icon={<IdcardOutlined />}>
            核对并读取
          </Button>
        </Form>
      </Col>
    </Row>
  );
}

function TrainingPicker(props: Props & { cards: { card: string; name: string; idNumberMasked: string }[] }) {
  const [card, setCard] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Alert type="warning" showIcon title="培训读卡：读取的是培训用模拟证件，不是真实办事人" />
      <Space>
        <Select
          style={{ width: 360 }}
          placeholder="选择培训证件"
          value={card}
          onChange={setCard}
          options={props.cards.map((c) => ({ value: c.card, label: `${c.name}（${c.idNumberMasked}）` }))}
          data-testid="training-card"
        />
        <Button
          type="primary"
          disabled={!card}
          loading={busy}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              props.onRead(await props.call('identity.idcard.read', { driver: 'training', card: card!, ...(props.draftId ? { draftId: props.draftId } : {}) }));
            } catch (e) {
              setError(errorText(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          读取
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
    </Space>
  );
}

export function CardStep(props: Props) {
  const [training, setTraining] = useState<{ enabled: boolean; cards: { card: string; name: string; idNumberMasked: string }[] }>({ enabled: false, cards: [] });
  useEffect(() => {
    props.call('identity.idcard.trainingCards', {}).then(setTraining, () => undefined);
  }, [props.call]);
  const items = [
    ...(training.enabled ? [{ key: 'training', label: <span>培训读卡 <Tag color="orange">培训</Tag></span>, children: <TrainingPicker {...props} cards={training.cards} /> }] : []),
    { key: 'manual', label: '手工录入', children: <ManualForm {...props} /> },
    {
      key: 'reader',
      label: '读卡器',
      disabled: true,
      children: <Typography.Text type="secondary">未安装二代证读卡器驱动</Typography.Text>,
    },
  ];
  return <Tabs items={items} defaultActiveKey={training.enabled ? 'training' : 'manual'} key={training.enabled ? 't' : 'm'} />;
}
