/**
 * `onewindow face compare <imageA> <imageB> [--json]`. Exit codes: 0 compared (whatever the
 * decision), 1 an image cannot be checked (the error code and a Chinese message are
 * printed), 2 bad usage.
 */
import { readFile, stat } from 'node:fs/promises';
import { DECISION_LABELS } from './decision';
import { FaceError, errorText, isFaceError } from './errors';
import { DEFAULT_IMAGE_LIMITS } from './image';
import { createFaceService } from './service';
import type { FaceService, FaceServiceOptions } from './types';

export interface FaceCommandIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

export interface FaceCommandOptions {
  /** Use this (warm) service instead of starting one; it is not closed afterwards. */
  service?: FaceService;
  serviceOptions?: FaceServiceOptions;
}

export const FACE_USAGE = '用法：onewindow face compare <图片A> <图片B> [--json]（图片A 为现场照片，图片B 为证件照片）';

const LABELS = ['图片A', '图片B'] as const;

/** Errors carry no path: the caller prefixes which image it was. */
async function readImageFile(path: string, maxBytes: number): Promise<Uint8Array> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new FaceError('UNREADABLE', '不是图片文件');
    size = st.size;
  } catch (e) {
    if (isFaceError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FaceError('NOT_FOUND', '找不到图片文件，请检查路径');
    throw new FaceError('UNREADABLE', '无法读取图片文件，请检查文件权限', { detail: errorText(e) });
  }
  // Checked before reading, so a huge file is never loaded into memory.
  if (size > maxBytes) {
    throw new FaceError('TOO_LARGE', `图片文件过大（${(size / 1048576).toFixed(1)} MB，上限 ${(maxBytes / 1048576).toFixed(0)} MB），请降低分辨率后重新拍摄`);
  }
  try {
    return await readFile(path);
  } catch (e) {
    throw new FaceError('UNREADABLE', '无法读取图片文件，请检查文件权限', { detail: errorText(e) });
  }
}

/** `argv` may start with "face" or directly with "compare". Resolves to the exit code. */
export async function runFaceCompareCommand(
  argv: string[],
  io: FaceCommandIO,
  options: FaceCommandOptions = {},
): Promise<number> {
  const args = argv[0] === 'face' ? argv.slice(1) : [...argv];
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${FACE_USAGE}\n`);
    return 0;
  }
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  const usage = (why: string): number => {
    io.stderr(`${why}\n${FACE_USAGE}\n`);
    return 2;
  };
  const [command, ...paths] = rest;
  if (command === undefined) return usage('缺少子命令。');
  if (command !== 'compare') return usage(`未知的子命令：${command}。`);
  const unknown = paths.find((a) => a.startsWith('-'));
  if (unknown !== undefined) return usage(`未知的选项：${unknown}。`);
  if (paths.length < 2) return usage('缺少图片参数：需要两张图片。');
  if (paths.length > 2) return usage(`多余的参数：${paths.slice(2).join(' ')}。`);

  const service = options.service ?? createFaceService(options.serviceOptions);
  let which: 0 | 1 | undefined;
  try {
    const maxBytes = { ...DEFAULT_IMAGE_LIMITS, ...options.serviceOptions?.limits }.maxBytes;
    which = 0;
    const a = await readImageFile(paths[0], maxBytes);
    which = 1;
    const b = await readImageFile(paths[1], maxBytes);
    which = undefined;
    const r = await service.compare(a, b);
    if (json) {
      const out = { decision: r.decision, match: r.match, distance: r.distance, thresholds: r.thresholds, faces: r.faces, ms: r.ms };
      io.stdout(`${JSON.stringify(out)}\n`);
    } else {
      io.stdout(
        `${DECISION_LABELS[r.decision]}（距离 ${r.distance.toFixed(4)}；≤ ${r.thresholds.match} 判定为同一人，` +
          `≥ ${r.thresholds.noMatch} 判定为不同人；耗时 ${r.ms} 毫秒）\n`,
      );
    }
    return 0;
  } catch (e) {
    const err = isFaceError(e) ? e : new FaceError('WORKER_FAILED', undefined, { detail: errorText(e) });
    const image = err.image ?? which;
    const message = image === undefined ? err.message : `${LABELS[image]}（${paths[image]}）：${err.message}`;
    if (json) io.stdout(`${JSON.stringify({ error: err.code, message })}\n`);
    else io.stderr(`${message}\n`);
    return 1;
  } finally {
    if (!options.service) await service.close();
  }
}
