/**
 * face-api on the tfjs WebAssembly backend, entirely offline: the .wasm binaries and the
 * model weights are read from node_modules on disk (never a CDN, never fetch()).
 * Runs inside the face worker; importing it on the main thread would block it for seconds.
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type * as TfNamespace from '@tensorflow/tfjs';
import type * as FaceApiNamespace from '@vladmandic/face-api';
import { FaceError } from './errors';
import type { RgbImage } from './image';
import type { FaceBox, FaceDetectorSettings, FaceModelInfo, FacePoint } from './types';

const require = createRequire(import.meta.url);

export const DEFAULT_DETECTOR: FaceDetectorSettings = { minFaceSize: 40, minConfidence: 0.5 };

/**
 * Detection passes, as grey borders of this fraction of the longer side (0 = as is). A
 * small image is nearly always a tight face (the ID chip photo is 102×126), so it starts
 * padded; a bigger one starts as it is.
 */
const PAD_STEPS_LARGE = [0, 0.5, 0.25];
const PAD_STEPS_SMALL = [0.5, 0, 0.25];
const SMALL_SIDE = 400;

/** Where the weights and the wasm binaries are, resolved from the installed packages. */
export function modelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/dist/face-api.node-wasm.js')), '..', 'model');
}

export function wasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')) + sep;
}

export interface DetectedFace {
  box: FaceBox;
  landmarks: FacePoint[];
}

export interface Engine {
  model: FaceModelInfo;
  backend: string;
  loadMs: number;
  /** All faces with landmarks, in original-image coordinates. */
  detect(img: RgbImage, withLandmarks?: boolean): Promise<DetectedFace[]>;
  /** Exactly one big-enough face → its 128-D descriptor; otherwise a FaceError. */
  describe(img: RgbImage): Promise<{ descriptor: Float32Array; faces: number }>;
  memory(): { numTensors: number; numBytes: number };
}

export async function loadEngine(settings: FaceDetectorSettings = DEFAULT_DETECTOR): Promise<Engine> {
  const t0 = performance.now();
  // The node-wasm build re-exports @tensorflow/tfjs and tfjs-backend-wasm: same instances as below.
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApiNamespace;
  const tf = require('@tensorflow/tfjs') as typeof TfNamespace;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string, usePlatformFetch?: boolean): void };
  // A directory prefix + no platform fetch: emscripten then reads the file with fs (Node 20's fetch has no file://).
  wasm.setWasmPaths(wasmDir());
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
  await tf.ready();

  const dir = modelDir();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(dir);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: settings.minConfidence, maxResults: 20 });

  // One dry run of each net, so the first real check does not pay for kernel set-up.
  const dry = tf.zeros([160, 160, 3], 'int32') as TfNamespace.Tensor3D;
  const face = tf.zeros([150, 150, 3], 'int32') as TfNamespace.Tensor3D;
  try {
    await faceapi.detectAllFaces(dry as never, options);
    await faceapi.nets.faceLandmark68Net.detectLandmarks(face as never);
    await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(face as never);
  } finally {
    dry.dispose();
    face.dispose();
  }
  const loadMs = performance.now() - t0;

  /**
   * SSD misses faces that fill the frame (a 102×126 ID photo, a tight crop): 2 of 22 demo
   * ID photos were found as they are, 20 of 22 after a grey border half the image size
   * was added. So when nothing is found, look again on a padded copy.
   */
  async function run(img: RgbImage) {
    const base = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
    let tensor = base;
    const steps = Math.max(img.width, img.height) <= SMALL_SIDE ? PAD_STEPS_SMALL : PAD_STEPS_LARGE;
    try {
      for (const [i, fraction] of steps.entries()) {
        if (tensor !== base) tensor.dispose();
        const pad = Math.round(Math.max(img.width, img.height) * fraction);
        tensor = pad > 0 ? tf.pad(base, [[pad, pad], [pad, pad], [0, 0]], 128) : base;
        const results = await faceapi.detectAllFaces(tensor as never, options).withFaceLandmarks();
        if (results.length > 0 || i === steps.length - 1) {
          if (tensor !== base) base.dispose();
          return { tensor, results, pad };
        }
      }
      throw new Error('unreachable');
    } catch (e) {
      if (tensor !== base) tensor.dispose();
      base.dispose();
      throw e;
    }
  }

  /** Back to original-image pixels: remove the padding, undo the shrink. */
  function toFace(
    img: RgbImage,
    pad: number,
    r: { detection: FaceApiNamespace.FaceDetection; landmarks: FaceApiNamespace.FaceLandmarks68 },
    withLandmarks: boolean,
  ): DetectedFace {
    const s = img.scale;
    const b = r.detection.box;
    return {
      box: { x: (b.x - pad) * s, y: (b.y - pad) * s, width: b.width * s, height: b.height * s, score: r.detection.score },
      landmarks: withLandmarks ? r.landmarks.positions.map((p) => ({ x: (p.x - pad) * s, y: (p.y - pad) * s })) : [],
    };
  }

  return {
    model: {
      name: 'face-api SSD MobileNet v1 + 68-point landmarks + FaceRecognitionNet (128-D)',
      version: `@vladmandic/face-api ${faceapi.version}, tfjs ${tf.version_core} (${tf.getBackend()})`,
    },
    backend: tf.getBackend(),
    loadMs,

    async detect(img, withLandmarks = true) {
      const { tensor, results, pad } = await run(img);
      tensor.dispose();
      return results.map((r) => toFace(img, pad, r, withLandmarks));
    },

    async describe(img) {
      const { tensor, results, pad } = await run(img);
      try {
        if (results.length === 0) throw new FaceError('NO_FACE');
        if (results.length > 1) {
          throw new FaceError('MULTIPLE_FACES', `图片中检测到 ${results.length} 张人脸，请确保画面中只有办事人一人后重新拍摄`);
        }
        const face = toFace(img, pad, results[0], false);
        const side = Math.min(face.box.width, face.box.height);
        if (side < settings.minFaceSize) {
          throw new FaceError('FACE_TOO_SMALL', `人脸过小（约 ${Math.round(side)} 像素，至少需要 ${settings.minFaceSize} 像素），请靠近摄像头后重新拍摄`);
        }
        // Same steps as face-api's withFaceDescriptor(): dlib-style alignment, then the recognition net.
        const aligned = results[0].landmarks.align(null, { useDlibAlignment: true });
        const crops = await faceapi.extractFaceTensors(tensor as never, [aligned]);
        try {
          const descriptor = (await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(crops[0] as never)) as Float32Array;
          return { descriptor, faces: 1 };
        } finally {
          crops.forEach((c) => c.dispose());
        }
      } finally {
        tensor.dispose();
      }
    },

    memory() {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    },
  };
}
