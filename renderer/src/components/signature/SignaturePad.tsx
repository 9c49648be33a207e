/**
 * A handwriting pad (signature_pad) for the citizen's signature, by touch, pen or mouse. Hands
 * over a PNG as base64 (no data: prefix); the core checks it again (real PNG, size, not blank).
 */
import { Alert, Button, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import SignaturePad from 'signature_pad';
import { SIGNATURE_LIMITS } from '../../../../shared/contract/applicant';

export interface SignatureBoxProps {
  onSubmit: (pngBase64: string) => Promise<void> | void;
  busy?: boolean;
  /** CSS height of the pad; the width follows its container. */
  height?: number;
  submitLabel?: string;
  testId?: string;
}

export function SignatureBox({ onSubmit, busy, height = 240, submitLabel = '确认签名', testId = 'signature' }: SignatureBoxProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const padRef = useRef<SignaturePad>(undefined);
  const [empty, setEmpty] = useState(true);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const pad = new SignaturePad(canvas, { penColor: '#0b1f44', minWidth: 1.2, maxWidth: 3.2, backgroundColor: 'rgba(0,0,0,0)' });
    padRef.current = pad;
    // The bitmap matches the displayed size (and the screen's pixel ratio) so strokes land under the finger.
    const fit = () => {
      const ratio = Math.min(Math.max(window.devicePixelRatio || 1, 1), 2);
      const rect = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      canvas.getContext('2d')?.scale(ratio, ratio);
      pad.clear();
      setEmpty(true);
    };
    fit();
    const onEnd = () => {
      setEmpty(pad.isEmpty());
      setError(undefined);
    };
    pad.addEventListener('endStroke', onEnd);
    window.addEventListener('resize', fit);
    return () => {
      window.removeEventListener('resize', fit);
      pad.removeEventListener('endStroke', onEnd);
      pad.off();
    };
  }, []);

  const clear = () => {
    padRef.current?.clear();
    setEmpty(true);
    setError(undefined);
  };

  const submit = async () => {
    const pad = padRef.current;
    if (!pad || pad.isEmpty()) {
      setError('请先在框内签名');
      return;
    }
    const base64 = pad.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
    if (base64.length > SIGNATURE_LIMITS.maxBase64Chars) {
      setError('签名图片过大，请清除后重新签名');
      return;
    }
    try {
      await onSubmit(base64);
    } catch (err) {
      setError(err instanceof Error && err.message ? err.message : '签名提交失败，请重试');
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <div style={{ position: 'relative', border: '2px dashed #8c8c8c', borderRadius: 8, background: '#fff', height }}>
        <canvas ref={canvasRef} data-testid={`${testId}-canvas`} style={{ width: '100%', height: '100%', touchAction: 'none', display: 'block' }} />
        {empty && (
          <Typography.Text type="secondary" style={{ position: 'absolute', left: 16, bottom: 8, pointerEvents: 'none' }}>
            请在此框内签名
          </Typography.Text>
        )}
      </div>
      {error && <Alert type="error" showIcon message={error} data-testid={`${testId}-error`} />}
      <Space>
        <Button size="large" onClick={clear} disabled={busy} data-testid={`${testId}-clear`}>
          清除重签
        </Button>
        <Button size="large" type="primary" onClick={() => void submit()} loading={busy} disabled={empty} data-testid={`${testId}-submit`}>
          {submitLabel}
        </Button>
      </Space>
    </Space>
  );
}
