/**
 * The face-recognition notice (人脸识别告知书). Face images are sensitive personal information
 * (PIPL art. 28): processing them needs the applicant's separate consent (art. 29), given
 * after being told purpose, method, retention and the right to refuse — and refusing must not
 * cost them the service (art. 16), so a refusal leads to a supervisor's 人工核验, not a
 * rejection. The version and the SHA-256 of the exact text are recorded with every answer.
 */
import { sha256Hex } from './keys';

export const CONSENT_NOTICE_VERSION = '2026.1';

export interface ConsentNotice {
  version: string;
  title: string;
  text: string;
  retentionDays: number;
}

export function consentNotice(retentionDays: number): ConsentNotice {
  const text = [
    '为核验您的身份（人证核验），经您同意后，本窗口将：',
    '1. 请您配合完成眨眼、转头等动作（活体检测），并拍摄您的现场人脸图像；',
    '2. 将现场人脸图像与您居民身份证上的照片进行比对，比对在本台工作台离线完成，人脸图像不上传、不向任何第三方提供；',
    `3. 人脸图像加密保存 ${retentionDays} 天，用于事后核查，到期自动删除；此后仅保留比对结果、相似度分数和图像校验值（无法据此还原图像）。`,
    '您可以拒绝。拒绝后由值班负责人现场人工核验您的身份，不影响您办理业务。',
    '依据：《中华人民共和国个人信息保护法》第十四条、第十六条、第二十八条、第二十九条。',
  ].join('\n');
  return { version: CONSENT_NOTICE_VERSION, title: '人脸识别告知书', text, retentionDays };
}

export function noticeHash(notice: ConsentNotice): string {
  return sha256Hex(`${notice.version}\n${notice.title}\n${notice.text}`);
}
