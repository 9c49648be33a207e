/**
 * The document camera (高拍仪) through webcamjs, loaded the one way that works:
 * as a classic <script> from its own file, not bundled — its code relies on
 * sloppy-mode `this`, which a bundle's strict mode breaks in snap(). webcamjs is a page
 * singleton: one live camera per page, so attachment goes through a token and only the current
 * holder may reset it (React StrictMode runs effects twice; a stale effect must not tear down
 * the live camera of the next one).
 */
import { loadWebcam, type WebcamApi } from '../webcam/load';

export { loadWebcam, type WebcamApi };

export interface Resolution {
  width: number;
  height: number;
  label: string;
}

/** Common document-camera modes, 4:3 and 16:9; the list is cut to what the device reports it can do. */
export const RESOLUTIONS: Resolution[] = [
  { width: 3264, height: 2448, label: '3264×2448（800 万像素）' },
  { width: 2592, height: 1944, label: '2592×1944（500 万像素）' },
  { width: 2048, height: 1536, label: '2048×1536（300 万像素）' },
  { width: 1920, height: 1080, label: '1920×1080（200 万像素，宽屏）' },
  { width: 1600, height: 1200, label: '1600×1200（200 万像素）' },
  { width: 1280, height: 960, label: '1280×960（130 万像素）' },
  { width: 640, height: 480, label: '640×480（仅供预览，不宜用于材料）' },
];

/** 5 MP: an A4 page filling the frame comes out near 160–200 dpi, what the core keeps (≤ 2339 px). */
export const DEFAULT_RESOLUTION = RESOLUTIONS[1];

const DOC_CAMERA = /高拍|文档|document|doc\s?cam|visuali[sz]er|scanner|eloam|良田|捷宇|紫光|汉王|方正|得力|gaopai/i;
const FACE_CAMERA = /人脸|face|front|integrated|built-?in|facetime|hd webcam|ir camera/i;

export function isLikelyDocumentCamera(label: string): boolean {
  return DOC_CAMERA.test(label);
}
export function isLikelyFaceCamera(label: string): boolean {
  return !DOC_CAMERA.test(label) && FACE_CAMERA.test(label);
}

export async function listCameras(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'videoinput');
}

/** The remembered device, else one named like a document camera, else one not named like a face camera. */
export function pickCamera(cameras: MediaDeviceInfo[], remembered: string | null): string | undefined {
  if (remembered && cameras.some((c) => c.deviceId === remembered)) return remembered;
  return (cameras.find((c) => isLikelyDocumentCamera(c.label)) ?? cameras.find((c) => !isLikelyFaceCamera(c.label)) ?? cameras[0])?.deviceId;
}

export interface CameraProblem {
  title: string;
  detail: string;
  /** Another resolution may help (the camera refused this one). */
  tryOtherResolution?: boolean;
}

const IMPORT_INSTEAD = '可改为导入文件：点击「导入文件」，或把扫描件、照片、PDF 拖到本区域。';

/** A Chinese explanation of a getUserMedia / webcamjs failure, with the way on. */
export function describeCameraError(err: unknown): CameraProblem {
  const name = (err as { name?: string })?.name ?? '';
  const message = (err as { message?: string })?.message ?? String(err);
  const constraint = (err as { constraint?: string })?.constraint;
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') {
    return { title: '未获得摄像头使用权限', detail: `请联系信息技术人员在系统设置中允许本程序使用摄像头。${IMPORT_INSTEAD}` };
  }
  if (name === 'OverconstrainedError' && constraint && constraint !== 'deviceId') {
    return { title: '高拍仪不支持所选分辨率', detail: `请换一个较低的分辨率再试。${IMPORT_INSTEAD}`, tryOtherResolution: true };
  }
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') {
    return { title: '未找到所选的高拍仪', detail: `请检查高拍仪的 USB 线是否插好，然后点击「重新检测」。${IMPORT_INSTEAD}` };
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
    return {
      title: '高拍仪被占用或无法启动',
      detail: `它可能正被其他程序、其他窗口或人脸核验使用。请关闭占用它的程序，或重新插拔高拍仪后点击「重新检测」。${IMPORT_INSTEAD}`,
    };
  }
  if (/No supported webcam interface|getUserMedia/i.test(message)) {
    return { title: '当前环境不支持摄像头', detail: IMPORT_INSTEAD };
  }
  return { title: '高拍仪无法使用', detail: `${message ? `（${message}）` : ''}${IMPORT_INSTEAD}` };
}

export const CAMERA_SILENT: CameraProblem = {
  title: '高拍仪长时间没有响应',
  detail: `如果屏幕上出现了是否允许使用摄像头的提示，请选择“允许”；否则请重新插拔高拍仪后点击「重新检测」。${IMPORT_INSTEAD}`,
};

export const NO_CAMERA: CameraProblem = {
  title: '未检测到摄像头（高拍仪）',
  detail: `请检查高拍仪的 USB 线是否插好，然后点击「重新检测」。${IMPORT_INSTEAD}`,
};

let holder: symbol | null = null;

export interface AttachOptions {
  /** '' before the camera was allowed (browsers hide device ids until then): the default camera. */
  deviceId: string;
  resolution: Resolution;
  /** Preview box in CSS pixels. */
  previewWidth: number;
  onLive: (actual: { width: number; height: number; deviceId?: string }) => void;
  onError: (problem: CameraProblem) => void;
}

/**
 * Attaches the camera to `element` (which React must leave empty). Returns the detach function,
 * which resets webcamjs only if this attachment is still the current one.
 */
export async function attachCamera(element: HTMLElement, options: AttachOptions, isCancelled: () => boolean): Promise<() => void> {
  const Webcam = await loadWebcam();
  if (isCancelled()) return () => undefined;
  const token = Symbol('camera');
  if (holder) Webcam.reset(); // someone else's (stale) attachment
  holder = token;
  Webcam.off('live');
  Webcam.off('error');
  const { width, height } = options.resolution;
  Webcam.set({
    width: options.previewWidth,
    height: Math.round((options.previewWidth * height) / width),
    dest_width: width,
    dest_height: height,
    image_format: 'jpeg',
    jpeg_quality: 92,
    enable_flash: false,
    force_flash: false,
    flip_horiz: false,
    fps: 15,
    constraints: { ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}), width: { ideal: width }, height: { ideal: height } },
  });
  Webcam.on('live', () => {
    if (holder !== token) return;
    // The camera may deliver another size than asked: capture exactly what it sends.
    const video = element.querySelector('video');
    const actual = video && video.videoWidth > 0 ? { width: video.videoWidth, height: video.videoHeight } : { width, height };
    Webcam.set({ dest_width: actual.width, dest_height: actual.height });
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
    options.onLive({ ...actual, deviceId: track?.getSettings().deviceId });
  });
  // webcamjs alerts() an error nobody listens to: always listen.
  Webcam.on('error', (err) => {
    if (holder === token) options.onError(describeCameraError(err));
  });
  // webcamjs takes an element too (its typings say selector only); keep `this` bound: call it as a method.
  Webcam.attach(element as unknown as string);
  return () => {
    if (holder !== token) return;
    holder = null;
    Webcam.off('live');
    Webcam.off('error');
    Webcam.reset();
  };
}

/** The current frame as a JPEG blob; the encoding runs off the UI thread (canvas.toBlob). */
export async function snapJpeg(quality = 0.92): Promise<Blob> {
  const Webcam = await loadWebcam();
  const state = Webcam as unknown as { live: boolean; params: { dest_width: number; dest_height: number } };
  if (!state.live) throw new Error('高拍仪尚未就绪，请稍候再拍');
  const params = state.params;
  const canvas = document.createElement('canvas');
  canvas.width = params.dest_width;
  canvas.height = params.dest_height;
  return new Promise<Blob>((resolve, reject) => {
    Webcam.snap(() => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('拍摄失败，请重试'))), 'image/jpeg', quality);
    }, canvas);
  });
}

/** The camera's largest mode, when the browser can say (to offer only resolutions it has). */
export function maxResolution(element: HTMLElement): { width: number; height: number } | null {
  const video = element.querySelector('video');
  const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
  const caps = track?.getCapabilities?.();
  return caps?.width?.max && caps?.height?.max ? { width: caps.width.max, height: caps.height.max } : null;
}
