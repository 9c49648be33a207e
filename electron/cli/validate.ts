/**
 * `onewindow validate <id-card|uscc|mobile> [value] [--json]`: checks numbers against the
 * standards. With no value it reads one value per line from stdin and writes one JSON object
 * per line, so IT can check a whole export in one go.
 */
import { createInterface } from 'node:readline';
import { validateValue } from '../../shared/validators';
import { parseCommand, UsageError, type CliIo } from './args';

const KINDS = ['id-card', 'uscc', 'mobile'] as const;
type Kind = (typeof KINDS)[number];

function check(kind: Kind, value: string) {
  const r = validateValue(kind, value);
  return r.valid ? { value, valid: true, normalized: r.value } : { value, valid: false, code: r.code, reason: r.reason };
}

export async function runValidateCommand(argv: string[], io: CliIo, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const cmd = parseCommand(argv);
  const [kind, value, ...extra] = cmd.positionals;
  if (!kind || !KINDS.includes(kind as Kind) || extra.length) {
    throw new UsageError('用法：onewindow validate <id-card|uscc|mobile> [值] [--json]（不给值时从标准输入逐行读取）');
  }
  if (value !== undefined) {
    const r = check(kind as Kind, value);
    if (cmd.json) io.stdout(JSON.stringify(r));
    else io.stdout(r.valid ? `✓ 有效：${r.normalized}` : `✗ 无效：${r.reason}`);
    return r.valid ? 0 : 1;
  }
  let invalid = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const r = check(kind as Kind, line.trim());
    if (!r.valid) invalid++;
    io.stdout(JSON.stringify(r));
  }
  return invalid ? 1 : 0;
}
