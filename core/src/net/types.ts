/**
 * The public shapes of the DICOM network layer (the contract in NET_API: core/src/receiver and
 * core/src/forward code against these).
 */
import type { ConnectionOptions, TlsOptions } from 'node:tls';

export interface PresentationContextProposal { id: number; abstractSyntax: string; transferSyntaxes: string[] }

export interface AssociationRequest {
  callingAe: string;
  calledAe: string;
  peer: { address: string; port: number; tls: boolean };
  /** The peer's maximum PDU length (0 = unlimited). */
  maxPdu: number;
  contexts: PresentationContextProposal[];
  /** Type and, for types 1-2, the user name: never the password or token. */
  userIdentity?: { type: number; username?: string };
  implementationClassUid?: string;
  implementationVersion?: string;
}

export type ContextDecision =
  | { id: number; result: 'accept'; transferSyntax: string }
  | { id: number; result: 'abstract-syntax-not-supported' | 'transfer-syntaxes-not-supported' | 'user-rejection' | 'no-reason' };

export type AssociationDecision =
  | { accept: true; contexts: ContextDecision[]; maxPdu: number }
  | {
    accept: false;
    result: 'rejected-permanent' | 'rejected-transient';
    source: 'service-user' | 'service-provider-acse' | 'service-provider-presentation';
    /** PS3.8 Table 9-21 reason/diag for that source. */
    reason: number;
    /** For logs: "calling AE MODX is not a registered device". */
    why: string;
  };

export interface Association {
  id: string;
  request: AssociationRequest;
  acceptedContexts: Map<number, { abstractSyntax: string; transferSyntax: string }>;
}

export interface StoreRequestEvent {
  association: Association;
  contextId: number;
  messageId: number;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  priority: number;
  moveOriginator?: { ae: string; messageId: number };
  /**
   * Exactly the bytes received (no file meta), never re-encoded. With ScpOptions
   * datasetHeadroom its memory is reused for a later object once the promise store() returned
   * has settled: a handler keeps no view of it beyond that (copy what must outlive the answer).
   */
  dataset: Buffer;
  /**
   * Bytes just in front of `dataset`, in its own memory, that nothing else uses (ScpOptions
   * datasetHeadroom; else 0): a handler may write a header there (a Part 10 file meta) and so
   * have header and data set as one Buffer without copying the data set again.
   */
  headroom: number;
}

export interface StoreResult { status: number; errorComment?: string }

export type CloseReason = 'released' | 'aborted-by-peer' | 'aborted-locally' | 'timeout' | 'network-error';

export interface ScpHandlers {
  associate(req: AssociationRequest): AssociationDecision | Promise<AssociationDecision>;
  /** Awaited before the C-STORE-RSP is sent. */
  store(req: StoreRequestEvent): Promise<StoreResult>;
  /** Default 0x0000. */
  echo?(association: Association): number;
  /** Every accepted association ends with exactly one call. `detail` says why, in words. */
  closed?(association: Association, how: CloseReason, detail?: string): void;
  /**
   * A connection that never became an association (ARTIM timeout, garbage, rejected):
   * for logs. Optional addition to the contract.
   */
  refused?(peer: { address: string; port: number }, why: string): void;
}

export interface ScpOptions {
  /** Bind address. */
  host: string;
  /** 0: pick a free one (tests). */
  port: number;
  /** Same code path, TLS socket. */
  tls?: TlsOptions;
  /** Largest P-DATA-TF PDU we accept, told to the peer (0: unlimited). */
  maxPdu: number;
  /** From connection to a complete A-ASSOCIATE-RQ, and from release/abort to the peer's close. */
  artimTimeoutMs: number;
  /** Longest wait for the next complete PDU within an association (not while we are storing). */
  idleTimeoutMs: number;
  /** Bound on one data set in memory: larger ones are answered 0xA700 and dropped (default 2 GiB - 1). */
  maxDatasetBytes?: number;
  /**
   * Free bytes to keep in front of each received data set (StoreRequestEvent headroom); default
   * 0. When set, data sets are assembled in memory reused from object to object (StoreRequestEvent dataset).
   */
  datasetHeadroom?: number;
}

export interface ScpServer {
  port: number;
  /** graceful: finish the objects in hand (answer them), then abort what remains. */
  close(graceful: boolean): Promise<void>;
}

export interface ScuOptions {
  host: string;
  port: number;
  tls?: ConnectionOptions;
  callingAe: string;
  calledAe: string;
  contexts: PresentationContextProposal[];
  /** Largest PDU we accept, told to the peer (0: unlimited). */
  maxPdu: number;
  /** Bound on each wait: connect + associate, each response, the release. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ScuAssociation {
  acceptedContexts: Map<number, { abstractSyntax: string; transferSyntax: string }>;
  /** The peer's maximum PDU length (0: unlimited). */
  maxPdu: number;
  echo(): Promise<number>;
  store(o: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; dataset: Buffer; priority?: number }): Promise<StoreResult>;
  release(): Promise<void>;
  abort(): void;
}
