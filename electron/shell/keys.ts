/**
 * The Electron shell's key store: the workstation's keys sealed by the OS key store through
 * safeStorage (DPAPI on Windows, Keychain on macOS, libsecret/KWallet on Linux). Without an
 * OS key store the app refuses to start and tells IT why: it never falls back to keeping the
 * key, and with it citizens' data, readable on disk (docs/SECURITY.md "Encryption at rest").
 */
import { safeStorage } from 'electron';
import { createSealedKeyStore, OS_KEY_STORE_UNAVAILABLE, type KeyStore } from '../keys/store';

export class KeyStoreUnavailableError extends Error {
  override readonly name = 'KeyStoreUnavailableError';
  readonly code = 'KEY_STORE_UNAVAILABLE' as const;
}

/** For `createWorkstation({ keyStore: shellKeyStore })`. Call after app 'ready'. */
export function shellKeyStore(dataDir: string): KeyStore {
  // On Linux without a secret service, Electron "encrypts" with a hard-coded password
  // ('basic_text'): that is plaintext in all but name, so it counts as unavailable.
  const basicText = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (!safeStorage.isEncryptionAvailable() || basicText) throw new KeyStoreUnavailableError(OS_KEY_STORE_UNAVAILABLE);
  return createSealedKeyStore(dataDir, safeStorage);
}
