/** Bytes for the contract: files and camera frames as base64, read by the browser off the UI thread. */
import { MATERIAL_LIMITS } from '../../../../shared/contract/materials';

export function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error('无法读取文件，请重新选择'));
    reader.readAsDataURL(blob);
  });
}

/** A quick refusal before sending (the core checks again, from the bytes). */
export function precheckFile(file: File): string | null {
  if (file.size === 0) return `“${file.name}”是空文件（0 字节），请选择其他文件`;
  if (file.size > MATERIAL_LIMITS.maxFileBytes) {
    return `“${file.name}”过大（${(file.size / 1048576).toFixed(1)} MB，上限 ${MATERIAL_LIMITS.maxFileBytes / 1048576} MB），请降低分辨率或拆分后再导入`;
  }
  return null;
}

export function errorText(err: unknown): string {
  return err instanceof Error && err.message ? err.message : '操作失败，请重试';
}
