export * from './audit';
export * from './organisations';
export * from './tokens';
