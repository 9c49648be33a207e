export * from './channels';
export * from './errors';
export * from './events';
export * from './client';
export * from './define';
