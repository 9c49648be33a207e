/**
 * Structured JSON-lines logs for IT: `<dataDir>/logs/onewindow.log`, rotated by size
 * (onewindow.log → onewindow.1.log → … → onewindow.<maxFiles>.log, the oldest dropped).
 * Every record is redacted before it is written (./redact): no ID number, phone number, name
 * or secret reaches the disk. Writes are synchronous appends: log volume is low, and a line
 * written just before a crash is the one IT needs.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redactText, redactValue } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  t: string;
  level: LogLevel;
  /** The component, from a `[sync]`-style prefix or given. */
  src: string;
  msg: string;
  [field: string]: unknown;
}

export interface Logger {
  /** The workstation's `log(line)`: a `[src] message` line becomes a record. */
  log(line: string): void;
  write(level: LogLevel, src: string, msg: string, fields?: Record<string, unknown>): void;
  readonly file: string;
}

export interface LoggerOptions {
  dir: string;
  /** Rotate when the current file would exceed this (default 5 MB). */
  maxBytes?: number;
  /** Rotated files kept (default 5). */
  maxFiles?: number;
  now?: () => Date;
  /** Also echo each (redacted) line here, e.g. stderr in browser mode. */
  echo?: (line: string) => void;
}

export const LOG_FILE = 'onewindow.log';

const PREFIX = /^\[([a-z][a-z0-9-]*)\]\s*/i;

function levelOf(msg: string): LogLevel {
  return /internal error|失败|错误|无法|拒绝|error/i.test(msg) ? 'error' : /重试|warn|暂未/i.test(msg) ? 'warn' : 'info';
}

export function createLogger(o: LoggerOptions): Logger {
  const maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
  const maxFiles = o.maxFiles ?? 5;
  const now = o.now ?? (() => new Date());
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const file = join(o.dir, LOG_FILE);
  let size = existsSync(file) ? statSync(file).size : 0;

  function rotate() {
    rmSync(join(o.dir, `onewindow.${maxFiles}.log`), { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) {
      const from = join(o.dir, `onewindow.${i}.log`);
      if (existsSync(from)) renameSync(from, join(o.dir, `onewindow.${i + 1}.log`));
    }
    if (existsSync(file)) renameSync(file, join(o.dir, 'onewindow.1.log'));
    size = 0;
  }

  function append(record: LogRecord) {
    const line = JSON.stringify(redactValue(record)) + '\n';
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > maxBytes) rotate();
    try {
      appendFileSync(file, line, { mode: 0o600 });
      size += bytes;
    } catch {
      // A full disk must not take the window down with it; doctor reports the disk.
    }
    o.echo?.(`${record.t} ${record.level} [${record.src}] ${redactText(record.msg)}`);
  }

  return {
    file,
    log(line) {
      const m = PREFIX.exec(line);
      const msg = m ? line.slice(m[0].length) : line;
      append({ t: now().toISOString(), level: levelOf(msg), src: m?.[1] ?? 'app', msg });
    },
    write(level, src, msg, fields = {}) {
      append({ ...fields, t: now().toISOString(), level, src, msg });
    },
  };
}

/** The newest log records, up to maxBytes, oldest first (for diagnostics bundles). */
export function readRecentLogs(dir: string, maxBytes = 2 * 1024 * 1024): string {
  const files = [LOG_FILE, ...Array.from({ length: 20 }, (_, i) => `onewindow.${i + 1}.log`)].map((f) => join(dir, f)).filter((f) => existsSync(f));
  const parts: string[] = [];
  let total = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (total + text.length > maxBytes) {
      const tail = text.slice(text.length - (maxBytes - total));
      parts.unshift(tail.slice(tail.indexOf('\n') + 1));
      break;
    }
    parts.unshift(text);
    total += text.length;
  }
  return parts.join('');
}
