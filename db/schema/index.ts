export * from './apps';
export * from './audit';
export * from './network-policies';
export * from './organisations';
export * from './service-accounts';
export * from './tokens';
