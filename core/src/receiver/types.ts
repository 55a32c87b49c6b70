/**
 * The receiving node behind `pacsw serve`: its options, the hook the forward queue uses, and the
 * events it reports (printed as JSON lines by `pacsw serve --json`, shown by the Traffic view).
 */
import type { TlsOptions } from 'node:tls';

/** An object stored on disk, handed to every `beforeAcknowledge` hook before the C-STORE-RSP. */
export interface StoredObject {
  /** Absolute path of the stored Part 10 file. */
  file: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  callingAe: string;
  /** Absent for an unknown caller (admitted by `accept-unknown-callers`). */
  deviceId?: string;
  /** ISO time. */
  receivedAt: string;
}

export interface ReceiverOptions {
  /** The .pacs file whose server block is run; followed while the node runs. */
  devicesFile: string;
  /** Name of the server block (default: the file's first server). */
  serverId?: string;
  /** Folder for the received objects (`<device>/<SOP Instance UID>.dcm` below it). */
  storeDir: string;
  /** Bind address; default the server's `host`, else 127.0.0.1. */
  host?: string;
  /** Overrides of the server's ports (0: pick a free one; tests). */
  tcpPort?: number;
  tlsPort?: number;
  /** Certificate and key for the TLS port; without them the TLS port stays closed (with a warning). */
  tls?: TlsOptions;
  /** Awaited in order after the file is durable and before the C-STORE-RSP; a throw fails the store. */
  beforeAcknowledge?: Array<(obj: StoredObject) => Promise<void>>;
  onEvent?: (event: ReceiverEvent) => void;
  /**
   * Also keep each object as it arrived, before the rules (`<device>/originals/<UID>.dcm`), so
   * the Traffic view can compare before and after. Off by default: it doubles the patient data kept.
   */
  keepOriginals?: boolean;
  /** Network timers (defaults: the server's `connection-timeout` / `receive-timeout`, else 30 s). */
  artimTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** How long file edits settle before the table is read again (default 150 ms). */
  reloadDelayMs?: number;
}

/** Current use of a bound, as the Traffic view shows it ("3 of 8"). */
export interface LimitUse {
  name: string;
  open: number;
  max?: number;
}

export interface AssociationCounts {
  category?: LimitUse;
  device?: LimitUse & { storeIn?: number; storeInMax?: number };
}

export interface ObjectChange {
  path: string;
  before: string | null;
  after: string | null;
  ruleSet: string;
  uri?: string;
  /** 1-based line of the rule that last changed it. */
  line: number;
}

export type ReceiverEvent =
  | { event: 'listening'; time: string; server: string; ae: string; queryAe?: string; host: string; tcpPort?: number; tlsPort?: number; store: string; devicesFile: string }
  | { event: 'table'; time: string; status: 'loaded' | 'reloaded' | 'kept-last-good'; file: string; errors: string[]; devices: number }
  | { event: 'association'; time: string; id?: string; outcome: 'accepted' | 'rejected'; callingAe: string; calledAe: string; peer: string; tls: boolean; device?: string; category?: string; reason?: string; rejection?: { result: string; source: string; reason: number }; counts: AssociationCounts }
  | { event: 'closed'; time: string; id: string; peer: string; device?: string; how: string; detail?: string; objects: number }
  | { event: 'object'; time: string; association: string; status: 'stored' | 'stopped' | 'failed'; callingAe: string; device?: string; sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; file?: string; original?: string; dimseStatus: number; reason?: string; changes: ObjectChange[]; rules: string[] }
  | { event: 'warning'; time: string; message: string }
  | { event: 'stopping'; time: string }
  | { event: 'stopped'; time: string };
