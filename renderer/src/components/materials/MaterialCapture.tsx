/**
 * 材料采集: the clerk captures every page of one material with the document camera (高拍仪),
 * one page per Space, or imports files (picker or drag and drop), while the citizen waits.
 *
 * Nothing captured is lost: every frame or file goes into a local queue first and is sent to
 * the core one at a time (so pages keep their capture order); a page that could not be stored
 * stays in the queue, marked, with 重试 / 放弃 — it never disappears silently. The window never
 * freezes: frames are encoded with canvas.toBlob, files read with FileReader, and all image work
 * (compression, rotation, cropping) happens in the core's worker thread.
 */
import {
  CameraOutlined,
  DeleteOutlined,
  EyeOutlined,
  FilePdfOutlined,
  LeftOutlined,
  ReloadOutlined,
  RightOutlined,
  RotateLeftOutlined,
  RotateRightOutlined,
  ScissorOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { Alert, Badge, Button, Card, Empty, Modal, Popconfirm, Select, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { MATERIAL_IMPORT_ACCEPT, type MaterialPage, type MaterialsCall, type PageOwner } from '../../../../shared/contract/materials';
import { CropModal } from './CropModal';
import { blobToBase64, errorText, precheckFile } from './files';
import {
  DEFAULT_RESOLUTION,
  CAMERA_SILENT,
  NO_CAMERA,
  RESOLUTIONS,
  attachCamera,
  describeCameraError,
  isLikelyDocumentCamera,
  isLikelyFaceCamera,
  listCameras,
  maxResolution,
  pickCamera,
  snapJpeg,
  type CameraProblem,
  type Resolution,
} from './webcam';

export interface MaterialCaptureProps {
  owner: PageOwner;
  material: { id: string; name: string };
  /** The contract client's `call` (e.g. `api.call as MaterialsCall`). */
  call: MaterialsCall;
  /** Pages stored for this material, after every change. */
  onPagesChanged?: (count: number) => void;
  /** Pages still waiting to be stored (or failed): the form should not be accepted meanwhile. */
  onPendingChanged?: (pending: number) => void;
}

interface QueueItem {
  key: number;
  source: 'camera' | 'import';
  blob: Blob;
  fileName?: string;
  previewUrl: string | null;
  status: 'waiting' | 'saving' | 'failed';
  error?: string;
}

const PREVIEW_WIDTH = 480;
const CAMERA_KEY = 'onewindow.materials.camera';
const RESOLUTION_KEY = 'onewindow.materials.resolution';

const remembered = (key: string): string | null => {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
};
const remember = (key: string, value: string): void => {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    /* private mode: nothing to keep */
  }
};

function initialResolution(): Resolution {
  const saved = remembered(RESOLUTION_KEY);
  return RESOLUTIONS.find((r) => `${r.width}x${r.height}` === saved) ?? DEFAULT_RESOLUTION;
}

/** Space belongs to text fields; everywhere else in the window it takes a page. */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.getAttribute('role') === 'combobox';
}

export function MaterialCapture(props: MaterialCaptureProps) {
  const { owner, material, call, onPagesChanged, onPendingChanged } = props;
  const readOnly = 'caseId' in owner; // an accepted case: pages may only be added
  // Compared by value: a parent passing a fresh `{ draftId }` object each render must not reload.
  const ownerKey = JSON.stringify(owner);

  // --- camera ---
  const previewRef = useRef<HTMLDivElement>(null);
  const [cameras, setCameras] = useState<MediaDeviceInfo[] | null>(null);
  const [deviceId, setDeviceId] = useState<string>();
  const [resolution, setResolution] = useState<Resolution>(initialResolution);
  const [cameraOn, setCameraOn] = useState(true);
  const [live, setLive] = useState<{ width: number; height: number } | null>(null);
  /** The device actually live (the selection may be '' = default camera, before permission). */
  const [activeId, setActiveId] = useState<string>();
  const [maxRes, setMaxRes] = useState<{ width: number; height: number } | null>(null);
  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const [detect, setDetect] = useState(0);
  const [flash, setFlash] = useState(false);

  // --- pages ---
  const [pages, setPages] = useState<MaterialPage[]>([]);
  const [thumbs, setThumbs] = useState<Record<string, string | null>>({});
  const [busyPages, setBusyPages] = useState<Set<string>>(new Set());
  const [queue, setQueue] = useState<QueueItem[]>([]);
  const queueRef = useRef<QueueItem[]>([]);
  const pumping = useRef(false);
  const nextKey = useRef(1);
  const [error, setError] = useState<string>();
  const [dropping, setDropping] = useState(false);
  const [cropping, setCropping] = useState<{ page: MaterialPage; src: string | null } | null>(null);
  const [previewing, setPreviewing] = useState<{ page: MaterialPage; src: string | null } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const dragged = useRef<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const r = await call('materials.listPages', { owner, materialId: material.id });
      setPages(r.pages);
      onPagesChanged?.(r.pages.length);
    } catch (err) {
      setError(errorText(err));
    }
  }, [call, ownerKey, material.id, onPagesChanged]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Thumbnails by content: a rotated page has a new hash and gets a new thumbnail. One request
  // at a time, each hash asked for once.
  const requested = useRef(new Set<string>());
  const thumbChain = useRef<Promise<void>>(Promise.resolve());
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    for (const p of pages) {
      if (requested.current.has(p.sha256)) continue;
      requested.current.add(p.sha256);
      if (p.kind === 'pdf') {
        setThumbs((t) => ({ ...t, [p.sha256]: null }));
        continue;
      }
      thumbChain.current = thumbChain.current.then(async () => {
        if (!mounted.current) return;
        try {
          const r = await call('materials.pageImage', { pageId: p.id, size: 'thumb' });
          if (mounted.current) setThumbs((t) => ({ ...t, [p.sha256]: r.dataUrl }));
        } catch (err) {
          requested.current.delete(p.sha256); // asked again on the next refresh
          if (mounted.current) setError(errorText(err));
        }
      });
    }
  }, [pages, call]);

  // --- camera detection and attachment ---
  useEffect(() => {
    let cancelled = false;
    setCameras(null);
    listCameras().then(
      (list) => {
        if (cancelled) return;
        setCameras(list);
        if (list.length === 0) {
          setDeviceId(undefined);
          setProblem(NO_CAMERA);
        } else {
          setProblem(null);
          setDeviceId((current) => (current && list.some((c) => c.deviceId === current) ? current : pickCamera(list, remembered(CAMERA_KEY))));
        }
      },
      (err) => !cancelled && setProblem(describeCameraError(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [detect]);

  useEffect(() => {
    const element = previewRef.current;
    if (!element || deviceId === undefined || !cameraOn) return;
    let cancelled = false;
    let detach: () => void = () => undefined;
    setLive(null);
    setProblem(null);
    // A permission prompt nobody answers, or a camera that hangs: say so, keep waiting.
    const silent = setTimeout(() => !cancelled && setProblem((p) => p ?? CAMERA_SILENT), 15_000);
    attachCamera(
      element,
      {
        deviceId,
        resolution,
        previewWidth: PREVIEW_WIDTH,
        onLive: (actual) => {
          if (cancelled) return;
          clearTimeout(silent);
          setProblem(null);
          setLive({ width: actual.width, height: actual.height });
          setActiveId(actual.deviceId);
          setMaxRes(maxResolution(element));
          // Labels are only readable once the camera is allowed: list again to show them.
          void listCameras().then((list) => !cancelled && list.length && setCameras(list));
        },
        onError: (p) => {
          clearTimeout(silent);
          if (!cancelled) setProblem(p);
        },
      },
      () => cancelled,
    ).then(
      (d) => (cancelled ? d() : (detach = d)),
      (err) => {
        clearTimeout(silent);
        if (!cancelled) setProblem(describeCameraError(err));
      },
    );
    return () => {
      cancelled = true;
      clearTimeout(silent);
      detach();
    };
  }, [deviceId, resolution, cameraOn, detect]);

  // --- the queue: one page at a time, in capture order, never dropped ---
  const publishQueue = useCallback(() => {
    setQueue([...queueRef.current]);
    onPendingChanged?.(queueRef.current.length);
  }, [onPendingChanged]);

  const pump = useCallback(async () => {
    if (pumping.current) return;
    pumping.current = true;
    try {
      for (;;) {
        const item = queueRef.current.find((i) => i.status === 'waiting');
        if (!item) break;
        item.status = 'saving';
        publishQueue();
        try {
          const dataBase64 = await blobToBase64(item.blob);
          await call('materials.addPage', { owner, materialId: material.id, dataBase64, source: item.source, ...(item.fileName ? { fileName: item.fileName.slice(0, 255) } : {}) });
          queueRef.current = queueRef.current.filter((i) => i !== item);
          if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
          publishQueue();
          await refresh();
        } catch (err) {
          item.status = 'failed';
          item.error = errorText(err);
          publishQueue();
        }
      }
    } finally {
      pumping.current = false;
    }
  }, [call, ownerKey, material.id, publishQueue, refresh]);

  const enqueue = useCallback(
    (items: Omit<QueueItem, 'key' | 'status'>[]) => {
      for (const i of items) queueRef.current.push({ ...i, key: nextKey.current++, status: 'waiting' });
      publishQueue();
      void pump();
    },
    [publishQueue, pump],
  );

  useEffect(
    () => () => {
      for (const i of queueRef.current) if (i.previewUrl) URL.revokeObjectURL(i.previewUrl);
    },
    [],
  );

  const capture = useCallback(async () => {
    if (!live) return;
    try {
      const blob = await snapJpeg();
      setFlash(true);
      setTimeout(() => setFlash(false), 120);
      enqueue([{ source: 'camera', blob, previewUrl: URL.createObjectURL(blob) }]);
    } catch (err) {
      setError(errorText(err));
    }
  }, [live, enqueue]);

  // Space takes a page (not while typing; holding the key down takes one, not thirty).
  useEffect(() => {
    if (!live) return;
    const down = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || isTyping(e.target) || e.ctrlKey || e.altKey || e.metaKey || document.querySelector('.ant-modal-wrap')) return;
      e.preventDefault(); // no page scroll, no click on a focused button
      if (!e.repeat) void capture();
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === 'Space' && !isTyping(e.target)) e.preventDefault();
    };
    window.addEventListener('keydown', down, true);
    window.addEventListener('keyup', up, true);
    return () => {
      window.removeEventListener('keydown', down, true);
      window.removeEventListener('keyup', up, true);
    };
  }, [live, capture]);

  const importFiles = (files: FileList | File[]) => {
    const ok: Omit<QueueItem, 'key' | 'status'>[] = [];
    const refused: string[] = [];
    for (const f of Array.from(files)) {
      const why = precheckFile(f);
      if (why) refused.push(why);
      else ok.push({ source: 'import', blob: f, fileName: f.name, previewUrl: f.type.startsWith('image/') ? URL.createObjectURL(f) : null });
    }
    setError(refused.length ? refused.join('；') : undefined);
    if (ok.length) enqueue(ok);
  };

  // --- page actions ---
  const withPage = async (pageId: string, fn: () => Promise<void>) => {
    setBusyPages((s) => new Set(s).add(pageId));
    try {
      await fn();
    } catch (err) {
      setError(errorText(err));
      await refresh();
    } finally {
      setBusyPages((s) => {
        const n = new Set(s);
        n.delete(pageId);
        return n;
      });
    }
  };

  const replacePage = (p: MaterialPage) => setPages((list) => list.map((x) => (x.id === p.id ? p : x)));

  const reorder = async (ids: string[]) => {
    const byId = new Map(pages.map((p) => [p.id, p]));
    setPages(ids.map((id, i) => ({ ...byId.get(id)!, order: i })));
    try {
      const r = await call('materials.reorder', { owner, materialId: material.id, pageIds: ids });
      setPages(r.pages);
    } catch (err) {
      setError(errorText(err));
      await refresh();
    }
  };

  const move = (from: number, to: number) => {
    if (to < 0 || to >= pages.length || from === to) return;
    const ids = pages.map((p) => p.id);
    const [id] = ids.splice(from, 1);
    ids.splice(to, 0, id);
    void reorder(ids);
  };

  const rotate = (p: MaterialPage, degrees: 90 | 270) =>
    withPage(p.id, async () => {
      replacePage(await call('materials.rotate', { pageId: p.id, degrees }));
    });

  const remove = (p: MaterialPage) =>
    withPage(p.id, async () => {
      await call('materials.deletePage', { owner, pageId: p.id });
      await refresh();
    });

  const openImage = async (p: MaterialPage, then: (src: string | null) => void) => {
    try {
      then((await call('materials.pageImage', { pageId: p.id, size: 'preview' })).dataUrl);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDropping(false);
    if (e.dataTransfer.files.length) importFiles(e.dataTransfer.files);
  };

  // --- render ---
  // Before the camera is allowed, browsers hide ids and names: one "default camera" entry then.
  const cameraOptions = (cameras ?? [])
    .filter((c, i, all) => all.findIndex((x) => x.deviceId === c.deviceId) === i)
    .map((c, i) => {
      const label = c.label || (c.deviceId ? `摄像头 ${i + 1}` : '默认摄像头');
      const hint = isLikelyDocumentCamera(label) ? '（高拍仪）' : isLikelyFaceCamera(label) ? '（可能是人脸核验摄像头）' : '';
      return { value: c.deviceId, label: `${label}${hint}` };
    });
  const resolutionOptions = RESOLUTIONS.filter((r) => !maxRes || (r.width <= maxRes.width && r.height <= maxRes.height)).map((r) => ({
    value: `${r.width}x${r.height}`,
    label: r.label,
  }));
  const previewHeight = Math.round((PREVIEW_WIDTH * resolution.height) / resolution.width);
  const failed = queue.filter((i) => i.status === 'failed').length;

  return (
    <Card
      size="small"
      data-testid="material-capture"
      title={
        <Space>
          <span>材料采集：{material.name}</span>
          <Tag color={pages.length ? 'green' : 'default'} data-testid="page-count">
            已采集 {pages.length} 页
          </Tag>
          {queue.length > 0 && (
            <Tag color={failed ? 'red' : 'processing'} data-testid="queue-count">
              {failed ? `${failed} 页未保存` : `正在保存 ${queue.length} 页`}
            </Tag>
          )}
        </Space>
      }
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDropping(true);
        }
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={onDrop}
      style={dropping ? { outline: '2px dashed #1677ff' } : undefined}
    >
      {error && <Alert type="error" showIcon closable message={error} onClose={() => setError(undefined)} style={{ marginBottom: 8 }} data-testid="capture-error" />}
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <div style={{ width: PREVIEW_WIDTH }}>
          <Space wrap style={{ marginBottom: 8 }}>
            <Select
              size="small"
              style={{ width: 300 }}
              placeholder={cameras === null ? '正在检测摄像头…' : '选择高拍仪'}
              value={deviceId || activeId || (cameraOptions.length ? cameraOptions[0].value : undefined)}
              options={cameraOptions}
              onChange={(id) => {
                setDeviceId(id);
                remember(CAMERA_KEY, id);
              }}
              data-testid="camera-select"
            />
            <Select
              size="small"
              style={{ width: 250 }}
              value={`${resolution.width}x${resolution.height}`}
              options={resolutionOptions}
              onChange={(v) => {
                const r = RESOLUTIONS.find((x) => `${x.width}x${x.height}` === v)!;
                setResolution(r);
                remember(RESOLUTION_KEY, v);
              }}
              data-testid="resolution-select"
            />
            <Tooltip title="重新检测摄像头（插拔高拍仪后）">
              <Button size="small" icon={<ReloadOutlined />} onClick={() => setDetect((n) => n + 1)}>
                重新检测
              </Button>
            </Tooltip>
            <Button size="small" onClick={() => setCameraOn((on) => !on)}>
              {cameraOn ? '关闭摄像头' : '打开摄像头'}
            </Button>
          </Space>
          <div style={{ position: 'relative', width: PREVIEW_WIDTH, height: previewHeight, background: '#1f1f1f', borderRadius: 4, overflow: 'hidden' }}>
            {/* webcamjs owns this element's children: React leaves it empty. */}
            <div ref={previewRef} data-testid="camera-preview" style={{ width: PREVIEW_WIDTH, height: previewHeight }} />
            {flash && <div style={{ position: 'absolute', inset: 0, background: 'rgba(255,255,255,0.6)' }} />}
            {!live && cameraOn && !problem && deviceId !== undefined && (
              <div style={{ position: 'absolute', inset: 0, display: 'grid', placeItems: 'center' }}>
                <Spin tip="正在打开高拍仪…">
                  <div style={{ width: 120, height: 60 }} />
                </Spin>
              </div>
            )}
          </div>
          {problem && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 8 }}
              data-testid="camera-problem"
              message={problem.title}
              description={problem.detail}
              action={
                <Space direction="vertical">
                  <Button size="small" type="primary" icon={<UploadOutlined />} onClick={() => fileInput.current?.click()}>
                    导入文件
                  </Button>
                  <Button size="small" onClick={() => setDetect((n) => n + 1)}>
                    重新检测
                  </Button>
                </Space>
              }
            />
          )}
          <Space style={{ marginTop: 8 }} wrap>
            <Button type="primary" size="large" icon={<CameraOutlined />} disabled={!live} onClick={() => void capture()} data-testid="capture-button">
              拍摄本页（空格键）
            </Button>
            <Button size="large" icon={<UploadOutlined />} onClick={() => fileInput.current?.click()} data-testid="import-button">
              导入文件
            </Button>
            <input
              ref={fileInput}
              type="file"
              multiple
              accept={MATERIAL_IMPORT_ACCEPT}
              style={{ display: 'none' }}
              data-testid="import-input"
              onChange={(e) => {
                if (e.target.files?.length) importFiles(e.target.files);
                e.target.value = '';
              }}
            />
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: 4, marginBottom: 0, fontSize: 12 }}>
            {live
              ? `高拍仪就绪（${live.width}×${live.height}）。每按一次空格拍一页；也可把扫描件、照片或 PDF 拖到本区域。`
              : '支持 JPEG、PNG 图片和 PDF（每个文件不超过 20 MB）；也可把文件拖到本区域。'}
          </Typography.Paragraph>
        </div>

        <div style={{ flex: 1, minWidth: 320 }}>
          {pages.length === 0 && queue.length === 0 ? (
            <Empty description="尚未采集本材料的页面" />
          ) : (
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }} data-testid="page-strip">
              {pages.map((p, i) => (
                <div
                  key={p.id}
                  data-testid="page-thumb"
                  data-page-id={p.id}
                  draggable={!readOnly}
                  onDragStart={(e) => {
                    dragged.current = p.id;
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  onDragOver={(e) => {
                    if (dragged.current) e.preventDefault();
                  }}
                  onDrop={(e) => {
                    if (!dragged.current) return;
                    e.preventDefault();
                    e.stopPropagation();
                    const from = pages.findIndex((x) => x.id === dragged.current);
                    dragged.current = null;
                    move(from, i);
                  }}
                  onDragEnd={() => (dragged.current = null)}
                  style={{ width: 150, border: '1px solid #d9d9d9', borderRadius: 4, padding: 4, background: '#fff' }}
                >
                  <Spin spinning={busyPages.has(p.id)}>
                    <div
                      style={{ height: 150, display: 'grid', placeItems: 'center', background: '#fafafa', cursor: p.kind === 'image' ? 'zoom-in' : 'default' }}
                      onClick={() => p.kind === 'image' && void openImage(p, (src) => setPreviewing({ page: p, src }))}
                    >
                      {p.kind === 'pdf' ? (
                        <Space direction="vertical" align="center">
                          <FilePdfOutlined style={{ fontSize: 40, color: '#cf1322' }} />
                          <span style={{ fontSize: 12 }}>PDF 页面</span>
                        </Space>
                      ) : thumbs[p.sha256] ? (
                        <img src={thumbs[p.sha256]!} alt={`第 ${i + 1} 页`} style={{ maxWidth: 140, maxHeight: 146 }} draggable={false} />
                      ) : (
                        <Spin size="small" />
                      )}
                    </div>
                  </Spin>
                  <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 4, fontSize: 12 }}>
                    <Badge count={i + 1} color="#1677ff" />
                    <span title={p.fileName ?? undefined}>
                      {p.source === 'reuse' ? <Tag color="purple">复用 {p.originCaseNo}</Tag> : p.source === 'import' ? '导入' : '拍摄'}
                      {p.edited ? '·已编辑' : ''}
                    </span>
                  </div>
                  {!readOnly && (
                    <Space size={0} wrap style={{ marginTop: 2 }}>
                      <Tooltip title="前移">
                        <Button type="text" size="small" icon={<LeftOutlined />} disabled={i === 0} onClick={() => move(i, i - 1)} aria-label="前移" />
                      </Tooltip>
                      <Tooltip title="后移">
                        <Button type="text" size="small" icon={<RightOutlined />} disabled={i === pages.length - 1} onClick={() => move(i, i + 1)} aria-label="后移" />
                      </Tooltip>
                      <Tooltip title="向左旋转">
                        <Button type="text" size="small" icon={<RotateLeftOutlined />} onClick={() => void rotate(p, 270)} aria-label="向左旋转" />
                      </Tooltip>
                      <Tooltip title="向右旋转">
                        <Button type="text" size="small" icon={<RotateRightOutlined />} onClick={() => void rotate(p, 90)} aria-label="向右旋转" data-testid="rotate-right" />
                      </Tooltip>
                      {p.kind === 'image' && (
                        <Tooltip title="裁剪">
                          <Button
                            type="text"
                            size="small"
                            icon={<ScissorOutlined />}
                            aria-label="裁剪"
                            onClick={() => {
                              setCropping({ page: p, src: null });
                              void openImage(p, (src) => setCropping({ page: p, src }));
                            }}
                          />
                        </Tooltip>
                      )}
                      <Popconfirm title={`删除第 ${i + 1} 页？`} description="删除后不能恢复，需要时请重新拍摄。" okText="删除" cancelText="保留" onConfirm={() => void remove(p)}>
                        <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label="删除" data-testid="delete-page" />
                      </Popconfirm>
                    </Space>
                  )}
                </div>
              ))}
              {queue.map((q) => (
                <div
                  key={`q${q.key}`}
                  data-testid="queue-item"
                  data-status={q.status}
                  style={{ width: 150, border: `1px ${q.status === 'failed' ? 'solid #ff4d4f' : 'dashed #91caff'}`, borderRadius: 4, padding: 4 }}
                >
                  <div style={{ height: 150, display: 'grid', placeItems: 'center', background: '#fafafa' }}>
                    {q.previewUrl ? <img src={q.previewUrl} alt="待保存的页面" style={{ maxWidth: 140, maxHeight: 146, opacity: 0.6 }} /> : <FilePdfOutlined style={{ fontSize: 40 }} />}
                  </div>
                  {q.status === 'failed' ? (
                    <>
                      <Typography.Paragraph type="danger" style={{ fontSize: 12, margin: '4px 0' }} ellipsis={{ rows: 3, tooltip: q.error }}>
                        未保存：{q.error}
                      </Typography.Paragraph>
                      <Space size={4}>
                        <Button
                          size="small"
                          onClick={() => {
                            q.status = 'waiting';
                            q.error = undefined;
                            publishQueue();
                            void pump();
                          }}
                        >
                          重试
                        </Button>
                        <Popconfirm
                          title="放弃这一页？"
                          description="这一页还没有保存，放弃后需要重新拍摄或导入。"
                          okText="放弃"
                          cancelText="保留"
                          onConfirm={() => {
                            queueRef.current = queueRef.current.filter((i) => i !== q);
                            if (q.previewUrl) URL.revokeObjectURL(q.previewUrl);
                            publishQueue();
                          }}
                        >
                          <Button size="small" danger>
                            放弃
                          </Button>
                        </Popconfirm>
                      </Space>
                    </>
                  ) : (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      <Spin size="small" /> {q.status === 'saving' ? '正在保存…' : '等待保存'}
                    </Typography.Text>
                  )}
                </div>
              ))}
            </div>
          )}
        </div>
      </div>

      {cropping && (
        <CropModal
          page={cropping.page}
          src={cropping.src}
          onCancel={() => setCropping(null)}
          onCrop={(rect) => {
            const p = cropping.page;
            setCropping(null);
            void withPage(p.id, async () => replacePage(await call('materials.crop', { pageId: p.id, rect })));
          }}
        />
      )}
      {previewing && (
        <Modal open title={`${material.name} 第 ${previewing.page.order + 1} 页`} footer={null} width={960} onCancel={() => setPreviewing(null)} destroyOnHidden>
          {previewing.src ? <img src={previewing.src} alt="页面预览" style={{ maxWidth: '100%', maxHeight: '75vh', display: 'block', margin: '0 auto' }} /> : <Empty description="无法预览" />}
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, textAlign: 'center' }}>
            <EyeOutlined /> {previewing.page.width}×{previewing.page.height} 像素，{Math.round(previewing.page.size / 1024)} KB
          </Typography.Paragraph>
        </Modal>
      )}
    </Card>
  );
}
