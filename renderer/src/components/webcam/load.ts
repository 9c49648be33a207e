/**
 * webcamjs for the whole page (document camera and face camera alike), loaded the one way that
 * works: as a classic <script> from its own file, never bundled — its code relies
 * on sloppy-mode `this`, which a bundle's strict mode breaks in snap(). One loader per page, so
 * the script is added once however many components ask for it.
 */
import webcamUrl from 'webcamjs/webcam.min.js?url';

export type WebcamApi = typeof import('webcamjs');

declare global {
  interface Window {
    Webcam?: WebcamApi;
  }
}

let loading: Promise<WebcamApi> | null = null;

/** Loads webcam.min.js once per page and resolves with `window.Webcam`. */
export function loadWebcam(): Promise<WebcamApi> {
  if (window.Webcam) return Promise.resolve(window.Webcam);
  if (!loading) {
    loading = new Promise<WebcamApi>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = webcamUrl;
      script.async = true;
      script.onload = () => (window.Webcam ? resolve(window.Webcam) : reject(new Error('摄像头组件加载后不可用')));
      script.onerror = () => {
        loading = null;
        script.remove();
        reject(new Error('无法加载摄像头组件'));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}
