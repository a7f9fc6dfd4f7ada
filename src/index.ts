export * from './key-options';
export * from './service-exemption';
export * from './tenant-key';
export * from './shared-tenant-key';
export * from './cross-account-decrypt-key';
export * from './nag/encryption-standards-checks';
export * from './multi-region-key-set';
export * from './monitoring/encryption-monitor';
