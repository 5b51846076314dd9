export * from './catalog';
export * from './units';
export * from './eco/index';
