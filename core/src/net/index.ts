/** Network checks of devices: DICOM echo, TCP and ICMP ping. */
export * from './outcome';
export * from './tls';
export * from './echo';
export * from './ping';
export * from './echo-all';
