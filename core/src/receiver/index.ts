/** The receiving node behind `pacsw serve` (docs/serve.md). */
export * from './types';
export { startReceiver, ReceiverTableError, type Receiver } from './receiver';
export { admit, normalizeAddress, type Admission } from './admission';
export { negotiateContexts, isStorageSopClass, VERIFICATION } from './contexts';
export { ConcurrencyLimits } from './limits';
export { loadReceiverTable, type ReceiverTable } from './config';
export { STATUS as STORE_STATUS } from './storage';
