import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract/channels';
import { api } from './client';

export type SystemInfo = ChannelOutput<'system.info'>;

export function useSystemInfo(): SystemInfo | undefined {
  const [info, setInfo] = useState<SystemInfo>();
  useEffect(() => {
    api.call('system.info', {}).then(setInfo, () => undefined);
  }, []);
  return info;
}

/** A Chinese message for any failure: the core's own message, or a generic one. */
export function errorMessage(err: unknown): string {
  return err instanceof Error && err.message ? err.message : '操作失败，请重试';
}
