/**
 * 活体检测: the live preview from the FACE camera, the random actions the core asks for, and a
 * loop that sends one small frame at a time (the core finds the landmarks and judges; nothing
 * is decided here). The frame that completes the challenge is the capture for the comparison.
 */
import { PlayCircleOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Steps, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { CheckView, IdentityCall, IdentityOutput } from '../../../../shared/contract/identity';
import { attachCamera, listCameras, pickCamera, snapBase64 } from './camera';
import { errorText } from './errors';

interface Props {
  call: IdentityCall;
  checkId: string;
  attemptsLeft: number;
  onPassed: (challengeId: string, captureBase64: string) => void;
  onFailed: (check: CheckView, hint: string) => void;
  /** The clerk stopped a running challenge (the core counts it if it had seen frames). */
  onStopped?: () => void;
}

type Start = IdentityOutput<'identity.liveness.start'>;

const FACE_CAMERA_KEY = 'onewindow.identity.faceCamera';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function ChallengeStep(props: Props) {
  const preview = useRef<HTMLDivElement>(null);
  const [live, setLive] = useState(false);
  const [cameraProblem, setCameraProblem] = useState<string>();
  const [challenge, setChallenge] = useState<Start | null>(null);
  const [step, setStep] = useState(0);
  const [hint, setHint] = useState('请办事人正对摄像头，点击「开始核验」后按提示做动作');
  const [faces, setFaces] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const running = useRef(false);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    let cancelled = false;
    let detach: (() => void) | undefined;
    void (async () => {
      try {
        const cameras = await listCameras();
        if (cameras.length === 0) return setCameraProblem('未检测到人脸摄像头：请检查 USB 线后重试，或由值班负责人人工核验');
        const deviceId = pickCamera(cameras, 'face', localStorage.getItem(FACE_CAMERA_KEY));
        if (!preview.current || cancelled) return;
        detach = await attachCamera(
          preview.current,
          { deviceId, width: 640, height: 480, previewWidth: 480, what: '人脸摄像头', onLive: () => setLive(true), onError: setCameraProblem },
          () => cancelled,
        );
      } catch (e) {
        setCameraProblem(errorText(e));
      }
    })();
    return () => {
      cancelled = true;
      mounted.current = false;
      running.current = false;
      detach?.();
    };
  }, []);

  const run = async () => {
    setError(undefined);
    let start: Start;
    try {
      start = await props.call('identity.liveness.start', { checkId: props.checkId });
    } catch (e) {
      return setError(errorText(e));
    }
    setChallenge(start);
    setStep(0);
    setHint(start.steps[0].prompt);
    running.current = true;
    try {
      while (running.current && mounted.current) {
        const t0 = performance.now();
        const frame = await snapBase64(start.frameWidth, 0.85);
        const r = await props.call('identity.liveness.frame', { challengeId: start.challengeId, frameBase64: frame });
        if (!mounted.current) return;
        setStep(r.step);
        setHint(r.hint);
        setFaces(r.faces);
        if (r.status === 'passed') return props.onPassed(start.challengeId, frame);
        if (r.status === 'failed') return props.onFailed(r.check!, r.hint);
        const wait = start.frameIntervalMs - (performance.now() - t0);
        if (wait > 0) await sleep(wait);
      }
    } catch (e) {
      if (mounted.current) setError(errorText(e));
    } finally {
      running.current = false;
      if (mounted.current) setChallenge((c) => (c?.challengeId === start.challengeId ? null : c));
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', gap: 24, alignItems: 'flex-start' }}>
        {/* Mirrored like a looking glass: the applicant turns the way the screen shows. */}
        <div ref={preview} data-testid="face-camera" style={{ width: 480, height: 360, background: '#111', transform: 'scaleX(-1)' }} />
        <Space orientation="vertical" style={{ flex: 1 }}>
          <Typography.Title level={3} data-testid="liveness-hint" style={{ margin: 0 }}>
            {hint}
          </Typography.Title>
          {challenge && (
            <Steps
              orientation="vertical"
              size="small"
              current={step}
              items={challenge.steps.map((s) => ({ title: s.prompt }))}
            />
          )}
          {faces !== null && (faces === 1 ? <Tag color="green">已检测到人脸</Tag> : <Tag color="red">{faces === 0 ? '未检测到人脸' : `检测到 ${faces} 张人脸`}</Tag>)}
          <Typography.Text type="secondary">还可核验 {props.attemptsLeft} 次</Typography.Text>
        </Space>
      </div>
      {cameraProblem && <Alert type="warning" showIcon title={cameraProblem} />}
      {error && <Alert type="error" showIcon title={error} />}
      <Space>
        <Button type="primary" size="large" icon={<PlayCircleOutlined />} disabled={!live || challenge !== null} onClick={() => void run()}>
          开始核验
        </Button>
        {challenge && (
          <Button
            icon={<StopOutlined />}
            onClick={() => {
              running.current = false;
              props.onStopped?.();
            }}
          >
            停止
          </Button>
        )}
      </Space>
    </Space>
  );
}
