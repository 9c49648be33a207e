/**
 * Face check for 人证核验: compare a live capture with the ID-card photo, offline.
 * Plain Node (no `electron` import); inference runs in a worker thread. See docs/FACE.md.
 */
export { createFaceService } from './service';
export { FaceError, isFaceError, FACE_ERROR_CODES, FACE_ERROR_MESSAGES, type FaceErrorCode } from './errors';
export { DEFAULT_THRESHOLDS, DECISION_LABELS, decide, euclideanDistance, resolveThresholds } from './decision';
export { DEFAULT_IMAGE_LIMITS, sniffImageFormat, inspectImage, type ImageFormat, type ImageInfo } from './image';
export { DEFAULT_DETECTOR } from './engine';
export type {
  FaceBox,
  FaceCompareResult,
  FaceDecision,
  FaceDescribeResult,
  FaceDetectResult,
  FaceDetectorSettings,
  FaceImageLimits,
  FaceModelInfo,
  FacePoint,
  FaceService,
  FaceServiceOptions,
  FaceThresholds,
  FaceWorkerStats,
} from './types';
