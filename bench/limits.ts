/**
 * The machine's own limits, measured in the same run as the other benchmarks so their figures
 * can be read against them: durable SQLite commits/s (plain, and encrypted as the workstation's
 * database is: SQLCipher format via better-sqlite3-multiple-ciphers), loopback HTTP small POSTs/s
 * (one keep-alive connection), SHA-256 and AES-256-GCM (blob sealing) throughput.
 *
 *   npx tsx bench/limits.ts
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { createHash, randomBytes } from 'node:crypto';
import { openEncrypted } from '../electron/database';
import { seal } from '../electron/keys/aead';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function sqliteCommitsPerSecond(encrypted = false): number {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-limits-'));
  try {
    const file = join(dir, 'limits.db');
    const db = encrypted ? openEncrypted(file, randomBytes(32)) : new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table t (id integer primary key, v text)');
    const insert = db.prepare('insert into t (v) values (?)');
    let n = 0;
    const end = performance.now() + 1500;
    while (performance.now() < end) {
      insert.run('x'.repeat(100));
      n++;
    }
    db.close();
    return n / 1.5;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function loopbackPostsPerSecond(count = 3000): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ mutationId: '01J00000000000000000000000', kind: 'ping' });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const start = performance.now();
  for (let i = 0; i < count; i++) await post();
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  await new Promise((r) => server.close(r));
  return count / seconds;
}

function sha256MBps(): number {
  const chunk = randomBytes(8 * 1024 * 1024);
  const start = performance.now();
  const hash = createHash('sha256');
  for (let i = 0; i < 32; i++) hash.update(chunk);
  hash.digest();
  return (32 * 8) / ((performance.now() - start) / 1000);
}

function aesGcmMBps(): number {
  const chunk = randomBytes(8 * 1024 * 1024);
  const key = randomBytes(32);
  const format = { magic: Buffer.from('OWB1'), headerBytes: 8 };
  const start = performance.now();
  for (let i = 0; i < 16; i++) seal(format, key, chunk, 'bench', Buffer.alloc(8));
  return (16 * 8) / ((performance.now() - start) / 1000);
}

export async function measureLimits() {
  return {
    sqliteCommitsPerSec: sqliteCommitsPerSecond(),
    sqliteEncryptedCommitsPerSec: sqliteCommitsPerSecond(true),
    loopbackPostsPerSec: await loopbackPostsPerSecond(),
    sha256MBps: sha256MBps(),
    aesGcmMBps: aesGcmMBps(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const l = await measureLimits();
  console.log(
    `limits: sqlite_durable_commits=${Math.round(l.sqliteCommitsPerSec)}/s sqlite_encrypted_durable_commits=${Math.round(l.sqliteEncryptedCommitsPerSec)}/s ` +
      `loopback_http_posts=${Math.round(l.loopbackPostsPerSec)}/s sha256=${Math.round(l.sha256MBps)}MB/s aes256gcm=${Math.round(l.aesGcmMBps)}MB/s`,
  );
}
