/**
 * The sync wire protocol between a workstation and the district back office. Described for
 * people in docs/SYNC.md. Pure (no Node, no DOM): both sides import it.
 */
export * from './primitives';
export * from './case';
export * from './mutations';
export * from './changes';
export * from './devices';
export * from './blobs';
export * from './review';
export * from './errors';
export * from './routes';
export * from './validation';
export * from './device-status';
export * from './audit';
