/** The one error type of the DICOM network layer: a kind to branch on and a message in words. */

export type NetErrorKind = 'refused' | 'timeout' | 'dns' | 'rejected' | 'aborted' | 'not-dicom' | 'tls' | 'protocol' | 'closed';

export class NetError extends Error {
  constructor(readonly kind: NetErrorKind, message: string) {
    super(message);
    this.name = 'NetError';
  }
}

/** What answered, in words, when the first bytes from a peer are not a DICOM PDU. */
export function describeNonDicom(first: Buffer, where: string): string {
  const text = first.subarray(0, 16).toString('latin1');
  if (/^HTTP\/\d/.test(text)) return `the peer at ${where} answered with HTTP, not DICOM (is this a web port?)`;
  if (/^SSH-/.test(text)) return `the peer at ${where} answered with SSH, not DICOM`;
  if (first[0] === 0x16 && first[1] === 0x03) return `the peer at ${where} answered with TLS, not plain DICOM (is this the device's TLS port?)`;
  if (first[0] === 0x15 && first[1] === 0x03) return `the peer at ${where} answered with a TLS alert, not plain DICOM (is this the device's TLS port?)`;
  if (/^(220|421|554)[ -]/.test(text)) return `the peer at ${where} answered with a text greeting ("${text.trim()}"), not DICOM`;
  const hex = [...first.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `the peer at ${where} answered with bytes that are not DICOM (first bytes ${hex})`;
}
