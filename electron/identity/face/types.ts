/**
 * Public types of the face check (人证核验). Plain data only, so they cross the worker
 * boundary and the IPC contract unchanged.
 */

/** Euclidean-distance cut-offs between two 128-D face descriptors (0 = identical). */
export interface FaceThresholds {
  /** distance ≤ match → 'match' (同一人). */
  match: number;
  /** distance ≥ noMatch → 'no-match' (不同人); between the two → 'review' (人工复核). */
  noMatch: number;
}

export type FaceDecision = 'match' | 'review' | 'no-match';

export interface FaceModelInfo {
  name: string;
  version: string;
}

export interface FaceCompareResult {
  decision: FaceDecision;
  /** True only for decision 'match'; 'review' is not a pass. */
  match: boolean;
  /** Descriptor distance, rounded to 4 decimals (the decision uses this rounded value). */
  distance: number;
  thresholds: FaceThresholds;
  /** Faces found in image A and image B (always [1, 1]: anything else is a FaceError). */
  faces: [number, number];
  /** Wall time of this comparison in ms (decode + detection + descriptors), without model loading. */
  ms: number;
  model: FaceModelInfo;
}

/** Box in the pixel coordinates of the original image (after EXIF orientation). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Detector confidence 0..1. */
  score: number;
}

export interface FacePoint {
  x: number;
  y: number;
}

export interface FaceDetectResult {
  faces: number;
  boxes: FaceBox[];
  /** 68 landmark points per face, same order as boxes. */
  landmarks?: FacePoint[][];
  /** Size of the image (after EXIF orientation). */
  width: number;
  height: number;
  ms: number;
}

/** Limits applied to every input image, before and while decoding. */
export interface FaceImageLimits {
  /** Refuse files bigger than this many bytes (default 20 MB). */
  maxBytes: number;
  /** Refuse images with more pixels than this, read from the header before decoding (default 40 MP). */
  maxPixels: number;
  /** Larger images are shrunk so the longer side is at most this before detection (default 1920). */
  maxDecodeSide: number;
}

export interface FaceDetectorSettings {
  /** Smallest accepted face box side in original-image pixels (default 40). */
  minFaceSize: number;
  /** SSD MobileNet v1 minimum confidence for a face to count (default 0.5). */
  minConfidence: number;
}

export interface FaceServiceOptions {
  thresholds?: Partial<FaceThresholds>;
  limits?: Partial<FaceImageLimits>;
  detector?: Partial<FaceDetectorSettings>;
  /** A call that takes longer than this kills the worker (WORKER_FAILED); default 60 s. */
  callTimeoutMs?: number;
  /** V8 heap cap of the worker in MB (default 1024); exceeding it ends the worker, not the app. */
  workerHeapMb?: number;
  /** Worker entry; defaults to face-worker.ts beside the sources or face-worker.js beside the bundle. */
  workerUrl?: string | URL;
}

export interface FaceWorkerStats {
  /** Time the worker took to start tfjs and load the three models, ms. */
  loadMs: number;
  /** Process-wide resident set size (the worker shares the process), bytes. */
  rss: number;
  /** V8 heap used by the worker isolate, bytes. */
  heapUsed: number;
  /** Bytes held by tfjs tensors (WebAssembly memory), and how many tensors are alive. */
  tensorBytes: number;
  numTensors: number;
  backend: string;
  /** How many workers this service has started (1 + restarts). */
  workerStarts: number;
}

export interface FaceDescribeResult {
  /** 128-D face descriptor (biometric data: keep it in memory only, as long as the check lasts). */
  descriptor: Float32Array;
  ms: number;
}

export interface FaceService {
  compare(imageA: Uint8Array, imageB: Uint8Array): Promise<FaceCompareResult>;
  /**
   * Descriptor of the one face in an image, with the same checks as compare(). Lets a caller
   * describe the ID photo once while the live capture is retaken; see compareDescriptors().
   */
  describe(image: Uint8Array): Promise<FaceDescribeResult>;
  /** Same verdict as compare(), from two descriptors of describe(). */
  compareDescriptors(a: Float32Array, b: Float32Array): Omit<FaceCompareResult, 'ms' | 'faces' | 'model'>;
  /** Finds all faces without judging them (for quality gates and liveness later). */
  detect(image: Uint8Array, options?: { landmarks?: boolean }): Promise<FaceDetectResult>;
  /** Starts the worker and loads the models now, instead of on the first call. */
  warmUp(): Promise<void>;
  stats(): Promise<FaceWorkerStats>;
  /** Ends the worker; later calls reject with WORKER_FAILED. */
  close(): Promise<void>;
  readonly thresholds: FaceThresholds;
}
