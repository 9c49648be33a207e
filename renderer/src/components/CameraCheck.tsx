/**
 * The cameras this counter PC offers (document camera, face camera), for IT on the phone with a
 * clerk: `onewindow doctor` runs outside the app and cannot see them. Labels are only given
 * after camera permission, so the check asks for it once and lets the stream go at once.
 */
import { Alert, Button, Card, List, Tag } from 'antd';
import { useState } from 'react';

interface Camera {
  deviceId: string;
  label: string;
}

async function listCameras(): Promise<Camera[]> {
  if (!navigator.mediaDevices?.enumerateDevices) throw new Error('此环境不支持摄像头（需要 https 或 127.0.0.1 访问）');
  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  stream.getTracks().forEach((t) => t.stop());
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `摄像头 ${i + 1}` }));
}

function cameraError(err: unknown): string {
  const name = (err as { name?: string })?.name;
  if (name === 'NotAllowedError') return '摄像头权限被拒绝：请在系统设置中允许本程序使用摄像头';
  if (name === 'NotFoundError') return '未检测到摄像头：请检查高拍仪或人脸摄像头的连接线和驱动';
  if (name === 'NotReadableError') return '摄像头被其他程序占用：请关闭其他使用摄像头的程序后重试';
  return `摄像头检测失败：${(err as Error)?.message ?? String(err)}`;
}

export function CameraCheck() {
  const [cameras, setCameras] = useState<Camera[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setCameras(await listCameras());
    } catch (err) {
      setCameras(undefined);
      setError(cameraError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      size="small"
      title="设备检查：摄像头"
      style={{ marginTop: 12 }}
      extra={
        <Button onClick={check} loading={busy} data-testid="camera-check">
          检测摄像头
        </Button>
      }
    >
      {error && <Alert type="error" showIcon message={error} data-testid="camera-error" />}
      {cameras && (
        <List
          size="small"
          data-testid="camera-list"
          dataSource={cameras}
          locale={{ emptyText: '未检测到摄像头' }}
          renderItem={(c, i) => (
            <List.Item>
              <Tag>{i + 1}</Tag>
              <span data-testid="camera-name">{c.label}</span>
            </List.Item>
          )}
        />
      )}
      {!cameras && !error && <span>高拍仪（材料拍摄）和人脸摄像头（人证核验）都应在此列出。</span>}
    </Card>
  );
}
