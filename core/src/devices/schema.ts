/**
 * What the device language can say: block kinds, their fields, device types, services and task
 * limits, with one-line descriptions (used by validation messages, hovers and completion).
 * Facts follow the eRAD PACS administrator help on the device table (docs/device-language.md).
 */

export const DEVICE_TYPES = {
  dicom: 'DICOM: any DICOM entity (almost all devices)',
  'backup-source': 'Backup Source: sends data to the backup target',
  'backup-target': 'Backup Target: DICOM-compliant offline backup server',
  child: 'Child: a child PACS server',
  parent: 'Parent: a parent PACS server',
  'media-creator': 'Media Creator: standalone media creator server',
  viewer: 'Viewer: workstation using prefetch / auto-routing',
  'web-service': 'Web Service: interface for external products',
  hl7: 'HL7 (older eRAD versions only)',
  workstation: 'Workstation (retired: existing rows stay valid, new ones may not use it)',
} as const;
export type DeviceType = keyof typeof DEVICE_TYPES;

/** Services with a U (device is SCU) and a P (device is SCP) column. */
export const ROLE_SERVICES = {
  store: 'Store (C-STORE)',
  qr: 'Query/Retrieve (C-FIND / C-MOVE / C-GET)',
  mwl: 'Modality Worklist',
  commit: 'Storage Commitment (P only)',
  mpps: 'Modality Performed Procedure Step (P only)',
} as const;
export type RoleService = keyof typeof ROLE_SERVICES;
/** Services whose U column does not exist in eRAD. */
export const P_ONLY_SERVICES: readonly RoleService[] = ['commit', 'mpps'];

/** Checkbox services without roles. */
export const FLAG_SERVICES = {
  autoget: 'AutoGet: fetch priors with C-GET (choose AutoGet or AutoRtv, not both)',
  autortv: 'AutoRtv: fetch priors with C-MOVE (preferred over AutoGet)',
  autofwd: 'AutoFwd: forward a copy of every received object to this device',
  unedit: 'UnEdit: studies retrieved from this device may not be edited',
  resman: 'ResMan',
} as const;
export type FlagService = keyof typeof FLAG_SERVICES;

/** Task limits and the device types they apply to (undefined = every type). */
export const TASK_LIMITS: Record<string, { label: string; types?: DeviceType[] }> = {
  max: { label: 'Maximum (all tasks)' },
  'dicom-out': { label: 'DICOM Out (object forwarding)', types: ['parent', 'child'] },
  'http-out': { label: 'HTTP Out (HTTP tasks such as study synchronisation)', types: ['parent', 'child'] },
  'store-in': { label: 'Store In (incoming store tasks)', types: ['dicom', 'parent', 'child'] },
  registration: { label: 'Registration (registration tasks)', types: ['dicom', 'parent', 'child'] },
};
export type TaskLimitName = 'max' | 'dicom-out' | 'http-out' | 'store-in' | 'registration';

export const DEVICE_FIELDS: Record<string, string> = {
  type: 'Device type: ' + Object.keys(DEVICE_TYPES).join(', '),
  ae: 'AE title of the device (at most 16 characters)',
  host: 'IP address or host name',
  port: 'Port of the device\'s DICOM application (needed when it accepts associations)',
  'tcp-port': 'TCP port (0 disables plain TCP connections)',
  'tls-port': 'TLS port (0 disables TLS connections)',
  category: 'Category the device belongs to',
  'send-timer': 'Send timer in seconds, or * for the server default',
  'receive-timer': 'Receive timer in seconds, or * for the server default',
  services: 'Services: store/qr/mwl U P, commit P, mpps P, autoget, autortv, autofwd, unedit, resman',
  limits: 'Task limits: max, dicom-out, http-out, store-in, registration',
  rules: 'Coercion rules of the device: inline `rules {` ... `}` or `rules "file.coerce"`',
  link: 'For parent/child devices: the .pacs file of the linked server',
  enabled: 'The device is enabled (default); `enabled no` disables it',
  disabled: 'The device is disabled: its configuration is kept but it is not used',
};

export const SERVER_FIELDS: Record<string, string> = {
  ae: 'Storage AE title of the server',
  'query-ae': 'Second (query) AE title of the server',
  host: 'Address where the server is reachable',
  'tcp-port': 'DICOM TCP port (0 disables)',
  'tls-port': 'DICOM TLS port (0 disables)',
  'transfer-syntax': 'Preferred transfer syntax (name or UID)',
  'max-pdu': 'Maximum PDU size in bytes',
  'accept-unknown-callers': 'yes: associations from AE titles that are not registered devices are accepted and get only the global rule sets (default no)',
  'send-timeout': 'Send timeout in seconds (default 30)',
  'receive-timeout': 'Receive timeout in seconds (default 30)',
  'connection-timeout': 'Connection timeout in seconds (default 30)',
  'wait-timeout': 'Wait timeout in seconds (default 30)',
  rules: 'Rule sets: `rules preceding|trailing|viewer|self` followed by `"file.coerce"` or `{`',
  deploy: 'Deploy target: `deploy orthanc "http://host:8042"` or `deploy folder "path"`',
};

export const CATEGORY_FIELDS: Record<string, string> = {
  'max-connections': 'Maximum number of connections all members together may hold',
};

/** Rule sets held by the server (the device's own rules sit between preceding and trailing). */
export const SERVER_RULE_SETS = {
  preceding: 'Preceding Global rules: run first, for every acquired object',
  trailing: 'Trailing Global rules: run last, for every acquired object',
  viewer: 'Viewer rules: run in the viewer when data loads; never change stored data',
  self: 'Rules of the Self device: apply to scanned-in data',
} as const;
export type ServerRuleSet = keyof typeof SERVER_RULE_SETS;

/** Deploy target kinds, with what each target must be: deployKinds.ts. */
export { DEPLOY_KINDS, type DeployKind } from './deployKinds';

/** Named transfer syntaxes accepted by `transfer-syntax` (a UID is accepted as well). */
export const TRANSFER_SYNTAXES: Record<string, string> = {
  'implicit-little': '1.2.840.10008.1.2',
  'explicit-little': '1.2.840.10008.1.2.1',
  'explicit-big': '1.2.840.10008.1.2.2',
  deflate: '1.2.840.10008.1.2.1.99',
  'jpeg-baseline': '1.2.840.10008.1.2.4.50',
  'jpeg-lossless': '1.2.840.10008.1.2.4.70',
  'jpeg-ls-lossless': '1.2.840.10008.1.2.4.80',
  'jpeg2000-lossless': '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
  rle: '1.2.840.10008.1.2.5',
};
