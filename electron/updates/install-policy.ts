/**
 * When a downloaded update may be installed: never while the clerk is in the middle of
 * something. The shell reports every call the renderer makes (`noteCall`); a window is busy
 * while a draft it saved is still open (not accepted or discarded), for a quiet period after
 * any intake or case call, and never idle while signed-in work happened in the last minutes.
 * An update waits for the next idle moment, or is installed when the app quits.
 */

export interface InstallPolicyOptions {
  now?: () => number;
  /** Minutes without intake/case activity before a window counts as idle (default 10). */
  quietMinutes?: number;
  /** A draft untouched this long is treated as abandoned (default 8 hours: a working day). */
  draftStaleMinutes?: number;
}

export type InstallDecision =
  | { action: 'none' }
  | { action: 'install-now'; version: string }
  | { action: 'defer'; version: string; reason: string };

export interface InstallPolicy {
  /** Called with every contract call (channel, its input and, when it succeeded, its output). */
  noteCall(channel: string, input: unknown, output?: unknown): void;
  /** An update finished downloading. */
  downloaded(version: string): void;
  busyReason(): string | null;
  /** Polled by the shell: install now, or keep waiting. */
  decide(): InstallDecision;
  /** At quit: a downloaded update is installed then (nobody is working any more). */
  installOnQuit(): boolean;
}

/** Calls that mean the clerk is working on a case or an intake. */
const INTAKE_PREFIXES = ['drafts.', 'cases.', 'identity.', 'materials.', 'documents.', 'applicants.', 'catalog.get'];

function draftIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.draftId === 'string') return v.draftId;
    if (v.draft && typeof v.draft === 'object' && typeof (v.draft as Record<string, unknown>).id === 'string') return (v.draft as Record<string, string>).id;
  }
  return undefined;
}

export function createInstallPolicy(o: InstallPolicyOptions = {}): InstallPolicy {
  const now = o.now ?? Date.now;
  const quietMs = (o.quietMinutes ?? 10) * 60_000;
  const staleMs = (o.draftStaleMinutes ?? 480) * 60_000;
  const openDrafts = new Map<string, number>();
  let lastIntakeAt = Number.NEGATIVE_INFINITY;
  let pending: string | null = null;

  return {
    noteCall(channel, input, output) {
      if (!INTAKE_PREFIXES.some((p) => channel.startsWith(p))) return;
      lastIntakeAt = now();
      if (channel === 'drafts.save' || channel === 'drafts.get') {
        const id = draftIdOf(output) ?? draftIdOf(input);
        if (id) openDrafts.set(id, now());
      } else if (channel === 'cases.accept' || channel === 'drafts.discard') {
        const id = draftIdOf(input);
        if (id) openDrafts.delete(id);
      }
    },
    downloaded(version) {
      pending = version;
    },
    busyReason() {
      const t = now();
      for (const [id, at] of openDrafts) if (t - at > staleMs) openDrafts.delete(id);
      if (openDrafts.size > 0) return `有 ${openDrafts.size} 份未完成的受理草稿`;
      if (t - lastIntakeAt < quietMs) return '正在办理业务';
      return null;
    },
    decide() {
      if (!pending) return { action: 'none' };
      const reason = this.busyReason();
      return reason ? { action: 'defer', version: pending, reason } : { action: 'install-now', version: pending };
    },
    installOnQuit() {
      return pending !== null;
    },
  };
}
