/** Messages between the face service (caller thread) and the face worker. */
import type { FaceErrorData } from './errors';
import type { FaceDetectorSettings, FaceImageLimits, FaceModelInfo, FaceBox, FacePoint } from './types';

export interface FaceWorkerData {
  limits: FaceImageLimits;
  detector: FaceDetectorSettings;
}

export type FaceRequestBody =
  | { op: 'describe'; images: Uint8Array[] }
  | { op: 'detect'; image: Uint8Array; landmarks: boolean }
  | { op: 'stats' };

export type FaceRequest = FaceRequestBody & { id: number };

export interface DescribeReply {
  descriptors: Float32Array[];
  faces: number[];
}

export interface DetectReply {
  boxes: FaceBox[];
  landmarks: FacePoint[][];
  width: number;
  height: number;
}

export interface StatsReply {
  rss: number;
  heapUsed: number;
  tensorBytes: number;
  numTensors: number;
  backend: string;
}

export type FaceReply =
  | { type: 'ready'; model: FaceModelInfo; loadMs: number }
  | { type: 'load-failed'; error: FaceErrorData }
  | { type: 'result'; id: number; ok: true; value: DescribeReply | DetectReply | StatsReply }
  | { type: 'result'; id: number; ok: false; error: FaceErrorData };
