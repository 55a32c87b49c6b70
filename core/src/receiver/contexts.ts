/**
 * Presentation contexts the receiving node accepts: Verification always; storage SOP classes only
 * from a device with `store U` (or an unknown caller admitted by `accept-unknown-callers`); the
 * transfer syntaxes our walker reads, the server's `transfer-syntax` first. Pure.
 */
import type { DeviceModel, ServerModel } from '../devices/model';
import { TRANSFER_SYNTAXES } from '../devices/schema';
import { acceptContexts } from '../net/negotiation';
import type { ContextDecision, PresentationContextProposal } from '../net/types';

export const VERIFICATION = '1.2.840.10008.1.1';

/** Every storage SOP class of PS3.4 Annex B (images, SR, presentation states, ...) sits under this root. */
const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';
export const isStorageSopClass = (uid: string): boolean => uid.startsWith(STORAGE_ROOT) && uid.length > STORAGE_ROOT.length;

/**
 * What the node accepts: the native syntaxes and the encapsulated (compressed) ones of PS3.5
 * Annex A, which carry their pixel data as items. The node never transcodes, so after the
 * server's `transfer-syntax` it takes the syntax the sender lists first: a sender proposing a
 * JPEG 2000 file's own syntax first is never made to decompress it.
 */
const NATIVE = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99'];
const ENCAPSULATED = [
  '50', '51', '57', '70', '80', '81', '90', '91', '92', '93', '100', '101', '102', '103', '104', '105', '106', '201', '202', '203',
].map((n) => `1.2.840.10008.1.2.4.${n}`).concat(['1.2.840.10008.1.2.5']);
export const SUPPORTED_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([...NATIVE, ...ENCAPSULATED]);

/** The server's `transfer-syntax` (a name or a UID) as a UID, or undefined. */
export function preferredTransferSyntax(server: ServerModel): string | undefined {
  const ts = server.transferSyntax;
  if (!ts) return undefined;
  return TRANSFER_SYNTAXES[ts] ?? (/^1\.2\.840\.10008\.1\.2(\.\d+)*$/.test(ts) ? ts : undefined);
}

/** Store U: the device sends objects (is a storage SCU). Unknown callers (device undefined) may send. */
export const maySend = (device: DeviceModel | undefined): boolean => device === undefined || device.services.roles.store?.u === true;

export function negotiateContexts(server: ServerModel, device: DeviceModel | undefined, proposals: readonly PresentationContextProposal[]): ContextDecision[] {
  const storing = maySend(device);
  const preferred = preferredTransferSyntax(server);
  const accepts = (uid: string): boolean => uid === VERIFICATION || (storing && isStorageSopClass(uid));
  const supported = [...SUPPORTED_TRANSFER_SYNTAXES];
  const decisions = proposals.map((p) => acceptContexts([p], preferred && p.transferSyntaxes.includes(preferred)
    ? { accepts, transferSyntaxes: [preferred], order: 'ours' }
    : { accepts, transferSyntaxes: supported, order: 'peers' })[0]);
  // A storage class refused only because the device has no `store U` is a decision of this
  // server's configuration, not a class it does not know: say so (user rejection).
  return decisions.map((d, i) => (d.result === 'abstract-syntax-not-supported' && isStorageSopClass(proposals[i].abstractSyntax) ? { id: d.id, result: 'user-rejection' } : d));
}

/** The largest PDU we receive: the server's `max-pdu`, else DCMTK's default. */
export const DEFAULT_MAX_PDU = 16384;
export const serverMaxPdu = (server: ServerModel): number => server.maxPdu ?? DEFAULT_MAX_PDU;
