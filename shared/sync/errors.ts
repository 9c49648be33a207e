/**
 * Errors of the sync API. Every non-2xx answer (except HEAD) has the body
 * `{ error: { code, message, details? } }` with a Chinese message the clerk or IT can act on.
 */
import { z } from 'zod';

export const SYNC_ERROR_MESSAGES = {
  INVALID_REQUEST: '请求格式不正确',
  AUTH_REQUIRED: '缺少身份凭证，请先登记设备或登录',
  DEVICE_UNAUTHORIZED: '设备凭证无效，请重新登记本设备',
  DEVICE_REVOKED: '本设备已被停用，请联系信息管理员重新登记',
  DEVICE_MISMATCH: '请求中的设备编号与凭证不一致',
  ENROLMENT_CODE_INVALID: '登记码不正确，请核对后重新输入',
  ENROLMENT_CODE_USED: '该登记码已被使用，请向信息管理员申请新的登记码',
  ENROLMENT_CODE_EXPIRED: '该登记码已过期，请向信息管理员申请新的登记码',
  LOGIN_FAILED: '用户名或密码错误',
  LOGIN_LOCKED: '登录失败次数过多，请 15 分钟后再试',
  SESSION_EXPIRED: '登录已过期，请重新登录',
  FORBIDDEN: '无权访问该资源',
  NOT_FOUND: '请求的资源不存在',
  INVALID_SHA256: '文件摘要格式不正确（应为 64 位小写十六进制 SHA-256）',
  BLOB_NOT_FOUND: '文件不存在或尚未上传完成',
  UPLOAD_OFFSET_MISMATCH: '上传位置与服务器不一致，请从服务器返回的位置继续上传',
  UPLOAD_BUSY: '该文件正由其他请求上传，请稍后从服务器返回的位置继续',
  UPLOAD_TOTAL_MISMATCH: '文件总长度与进行中的上传不一致',
  CHUNK_OUT_OF_RANGE: '分片超出文件总长度',
  BLOB_HASH_MISMATCH: '文件校验失败（SHA-256 不符），已丢弃，请重新上传',
  BLOB_TOO_LARGE: '文件超过大小上限',
  PAYLOAD_TOO_LARGE: '请求内容超过大小上限',
  UNSUPPORTED_MEDIA_TYPE: '不支持的内容类型',
  TASK_NOT_FOUND: '审查任务不存在',
  TASK_NOT_OPEN: '该审查任务当前不能办理（已办结或等待补正）',
  CASE_NOT_FOUND: '办件不存在',
  CASE_CLOSED: '办件已办结或已撤回',
  INTERNAL: '后台服务内部错误，请稍后重试',
  UNAVAILABLE: '后台服务暂不可用，请稍后重试',
} as const;
export type SyncErrorCode = keyof typeof SYNC_ERROR_MESSAGES;
export const SYNC_ERROR_CODES = Object.keys(SYNC_ERROR_MESSAGES) as SyncErrorCode[];

export const errorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        details: z.unknown().optional(),
      })
      .strict(),
  })
  .strict();
export type SyncErrorBody = { error: { code: SyncErrorCode; message: string; details?: unknown } };

/**
 * Whether a failed request is worth retrying unchanged (with back-off): 5xx, 429, 408 and
 * 409 UPLOAD_BUSY. 401 needs re-enrolment or login; other 4xx need a different request.
 */
export function isRetryableStatus(status: number, code?: string): boolean {
  return status >= 500 || status === 429 || status === 408 || (status === 409 && code === 'UPLOAD_BUSY');
}
