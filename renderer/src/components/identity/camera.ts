/**
 * Cameras for 人证核验 through webcamjs, loaded the one way that works: as a
 * classic <script> from its own file, never bundled (its code relies on sloppy-mode `this`).
 * webcamjs is a page singleton: one live camera at a time, so attachments go through a token
 * and only the current holder may reset it (React StrictMode runs effects twice).
 */
import { loadWebcam, type WebcamApi } from '../webcam/load';

export { loadWebcam, type WebcamApi };

const DOC_CAMERA = /高拍|文档|document|doc\s?cam|visuali[sz]er|scanner|eloam|良田|捷宇|紫光|汉王|方正|得力|gaopai/i;
const FACE_CAMERA = /人脸|face|front|integrated|built-?in|facetime|hd webcam|ir camera/i;

export async function listCameras(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
}

/** The remembered device, else one named like the wanted kind, else one not named like the other kind. */
export function pickCamera(cameras: MediaDeviceInfo[], kind: 'face' | 'document', remembered: string | null): string | undefined {
  if (remembered && cameras.some((c) => c.deviceId === remembered)) return remembered;
  const want = kind === 'face' ? FACE_CAMERA : DOC_CAMERA;
  const avoid = kind === 'face' ? DOC_CAMERA : FACE_CAMERA;
  return (cameras.find((c) => want.test(c.label) && !(kind === 'face' && DOC_CAMERA.test(c.label))) ?? cameras.find((c) => !avoid.test(c.label)) ?? cameras[0])?.deviceId;
}

/** A Chinese explanation of a getUserMedia / webcamjs failure. */
export function describeCameraError(err: unknown, what: string): string {
  const name = (err as { name?: string })?.name ?? '';
  const message = (err as { message?: string })?.message ?? String(err);
  if (name === 'NotAllowedError' || name === 'SecurityError') return `未获得${what}使用权限：请联系信息技术人员在系统设置中允许本程序使用摄像头`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return `未找到${what}：请检查 USB 线是否插好后重试`;
  if (name === 'NotReadableError' || name === 'AbortError') return `${what}被占用或无法启动：请关闭占用它的程序后重试`;
  return `${what}无法使用${message ? `（${message}）` : ''}`;
}

let holder: symbol | null = null;

export interface AttachOptions {
  deviceId?: string;
  width: number;
  height: number;
  previewWidth: number;
  onLive: () => void;
  onError: (message: string) => void;
  /** For messages: 人脸摄像头 / 高拍仪. */
  what: string;
}

/** Attaches a camera to `element` (which React must leave empty); returns the detach function. */
export async function attachCamera(element: HTMLElement, options: AttachOptions, isCancelled: () => boolean): Promise<() => void> {
  const Webcam = await loadWebcam();
  if (isCancelled()) return () => undefined;
  const token = Symbol('camera');
  if (holder) Webcam.reset();
  holder = token;
  Webcam.off('live');
  Webcam.off('error');
  Webcam.set({
    width: options.previewWidth,
    height: Math.round((options.previewWidth * options.height) / options.width),
    dest_width: options.width,
    dest_height: options.height,
    image_format: 'jpeg',
    jpeg_quality: 90,
    enable_flash: false,
    force_flash: false,
    flip_horiz: false,
    fps: 15,
    constraints: {
      ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}),
      width: { ideal: options.width },
      height: { ideal: options.height },
    },
  });
  Webcam.on('live', () => {
    if (holder !== token) return;
    const video = element.querySelector('video');
    if (video && video.videoWidth > 0) Webcam.set({ dest_width: video.videoWidth, dest_height: video.videoHeight });
    options.onLive();
  });
  Webcam.on('error', (err) => {
    if (holder === token) options.onError(describeCameraError(err, options.what));
  });
  Webcam.attach(element as unknown as string);
  return () => {
    if (holder !== token) return;
    holder = null;
    Webcam.off('live');
    Webcam.off('error');
    Webcam.reset();
  };
}

/**
 * The current frame as JPEG base64 (no data: prefix), scaled so its longer side is at most
 * `maxSide`. Encoded with canvas.toBlob, off the UI thread.
 */
export async function snapBase64(maxSide: number, quality = 0.9): Promise<string> {
  const Webcam = await loadWebcam();
  const state = Webcam as unknown as { live: boolean; params: { dest_width: number; dest_height: number } };
  if (!state.live) throw new Error('摄像头尚未就绪，请稍候');
  const full = document.createElement('canvas');
  full.width = state.params.dest_width;
  full.height = state.params.dest_height;
  await new Promise<void>((resolve) => Webcam.snap(() => resolve(), full));
  return canvasToBase64(shrink(full, maxSide), quality);
}

function shrink(source: HTMLCanvasElement | HTMLImageElement, maxSide: number): HTMLCanvasElement {
  const w = source instanceof HTMLImageElement ? source.naturalWidth : source.width;
  const h = source instanceof HTMLImageElement ? source.naturalHeight : source.height;
  const scale = Math.min(1, maxSide / Math.max(w, h));
  if (scale === 1 && source instanceof HTMLCanvasElement) return source;
  const out = document.createElement('canvas');
  out.width = Math.round(w * scale);
  out.height = Math.round(h * scale);
  out.getContext('2d')!.drawImage(source, 0, 0, out.width, out.height);
  return out;
}

function canvasToBase64(canvas: HTMLCanvasElement, quality: number): Promise<string> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => {
        if (!blob) return reject(new Error('拍摄失败，请重试'));
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
        reader.onerror = () => reject(new Error('读取图像失败'));
        reader.readAsDataURL(blob);
      },
      'image/jpeg',
      quality,
    );
  });
}

/** An image file (card scan) as JPEG base64, shrunk to `maxSide` (the core keeps requests under 2 MB). */
export async function fileToBase64(file: File, maxSide: number): Promise<string> {
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('无法读取该图片，请选择 JPEG 或 PNG 文件'));
      img.src = url;
    });
    return await canvasToBase64(shrink(img, maxSide), 0.9);
  } finally {
    URL.revokeObjectURL(url);
  }
}
