/**
 * The DICOM network layer: our upper layer (PS3.8) with C-ECHO and C-STORE as SCP and SCU
 * (listen, connect), and the device checks built on it: echo and TCP/ICMP ping.
 */
export * from './types';
export { NetError, type NetErrorKind } from './errors';
export { listen } from './scp';
export { connect } from './scu';
export { acceptContexts } from './negotiation';
export { VERIFICATION_SOP_CLASS } from './dimse';
export { describeRejection, describeAbort } from './pdu';
export * from './outcome';
export * from './tls';
export { echo, type EchoOptions, type EchoResult } from './echo';
export * from './ping';
export * from './echoAll';
export * from './defaults';
