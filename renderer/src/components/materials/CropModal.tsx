/** Crop one page: drag a rectangle on its preview; the rectangle is sent in the page's own pixels. */
import { Modal, Typography } from 'antd';
import { useRef, useState, type PointerEvent } from 'react';
import type { MaterialPage } from '../../../../shared/contract/materials';

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function CropModal(props: {
  page: MaterialPage;
  src: string | null;
  onCancel: () => void;
  onCrop: (rect: { left: number; top: number; width: number; height: number }) => void;
}) {
  const img = useRef<HTMLImageElement>(null);
  const [box, setBox] = useState<Box | null>(null);
  const dragging = useRef(false);

  const at = (e: PointerEvent) => {
    const r = img.current!.getBoundingClientRect();
    return { x: Math.min(Math.max(e.clientX - r.left, 0), r.width), y: Math.min(Math.max(e.clientY - r.top, 0), r.height) };
  };

  const rect = () => {
    if (!box || !img.current || !props.page.width || !props.page.height) return null;
    const scale = props.page.width / img.current.clientWidth;
    const left = Math.round(Math.min(box.x0, box.x1) * scale);
    const top = Math.round(Math.min(box.y0, box.y1) * scale);
    const width = Math.min(props.page.width - left, Math.round(Math.abs(box.x1 - box.x0) * scale));
    const height = Math.min(props.page.height - top, Math.round(Math.abs(box.y1 - box.y0) * scale));
    return width >= 32 && height >= 32 ? { left, top, width, height } : null;
  };
  const chosen = rect();

  return (
    <Modal
      open
      title="裁剪页面"
      okText="裁剪"
      cancelText="取消"
      width={900}
      okButtonProps={{ disabled: !chosen, 'data-testid': 'crop-ok' }}
      onCancel={props.onCancel}
      onOk={() => chosen && props.onCrop(chosen)}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">按住鼠标拖出要保留的区域；裁剪后可随时旋转，原始拍摄内容仍保留。</Typography.Paragraph>
      {props.src ? (
        <div
          style={{ position: 'relative', display: 'inline-block', cursor: 'crosshair', userSelect: 'none', touchAction: 'none' }}
          data-testid="crop-area"
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            dragging.current = true;
            const p = at(e);
            setBox({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
          }}
          onPointerMove={(e) => {
            if (!dragging.current) return;
            const p = at(e);
            setBox((b) => (b ? { ...b, x1: p.x, y1: p.y } : b));
          }}
          onPointerUp={() => (dragging.current = false)}
        >
          <img ref={img} src={props.src} alt="页面预览" draggable={false} style={{ display: 'block', maxWidth: '100%', maxHeight: '65vh' }} />
          {box && (
            <div
              style={{
                position: 'absolute',
                left: Math.min(box.x0, box.x1),
                top: Math.min(box.y0, box.y1),
                width: Math.abs(box.x1 - box.x0),
                height: Math.abs(box.y1 - box.y0),
                border: '2px dashed #1677ff',
                boxShadow: '0 0 0 9999px rgba(0,0,0,0.35)',
                pointerEvents: 'none',
              }}
            />
          )}
        </div>
      ) : (
        <Typography.Text>正在载入预览…</Typography.Text>
      )}
      {chosen && (
        <Typography.Paragraph style={{ marginTop: 8 }}>
          保留区域：{chosen.width}×{chosen.height} 像素
        </Typography.Paragraph>
      )}
    </Modal>
  );
}
