/**
 * How a row of the eRAD device table maps to an Orthanc modality, and back (for import).
 *
 * Orthanc's `Allow*` flags say what a remote modality may ask of Orthanc, i.e. the services
 * where the device is the SCU (eRAD's U column): store U → AllowStore; qr U → AllowFind,
 * AllowMove, AllowGet; mwl U → AllowFindWorklist. Commit P (the device confirms storage, then
 * sends N-EVENT-REPORT back to the server) → AllowEventReport. These ten fields are the ones we
 * manage; every other field (AllowEcho, AllowNAction, AllowTranscoding, LocalAet, Timeout,
 * Manufacturer) is left as the server has it.
 *
 * What Orthanc cannot hold: device type, category, timers, limits, P-column services other than
 * commit, AutoGet/AutoRtv/AutoFwd/UnEdit/ResMan, rules, links. Disabled devices are not
 * deployed (Orthanc has no "disabled"; removing the modality is the nearest), nor devices with
 * no AE title or no port (Orthanc requires both).
 */
import type { DeviceModel } from '../devices/model';
import { dicomEndpoint } from '../devices/model';
import type { NewDevice } from '../devices/format';
import type { Services } from '../devices/model';
import type { ItemFields } from './diff';
import type { ModalityConfig } from './orthancClient';

export const MANAGED_FIELDS = [
  'AET', 'Host', 'Port', 'UseDicomTls',
  'AllowStore', 'AllowFind', 'AllowMove', 'AllowGet', 'AllowFindWorklist', 'AllowEventReport',
] as const;

/** Orthanc accepts only these characters in a modality's symbolic name. */
export const ORTHANC_NAME = /^[A-Za-z0-9_-]+$/;

export type ModalityMapping =
  | { kind: 'modality'; fields: ItemFields }
  | { kind: 'skipped'; reason: string }
  | { kind: 'problem'; message: string };

export function modalityOf(d: DeviceModel): ModalityMapping {
  if (!d.enabled) return { kind: 'skipped', reason: 'disabled (Orthanc has no disabled modality; it is not deployed)' };
  if (!d.ae) return { kind: 'skipped', reason: `no AE title (a ${d.type ?? 'device'} row is not a DICOM modality)` };
  if (!d.host) return { kind: 'skipped', reason: 'no host' };
  const endpoint = dicomEndpoint(d);
  if (!endpoint) return { kind: 'skipped', reason: 'no port (Orthanc needs one for every modality)' };
  if (!ORTHANC_NAME.test(d.id)) {
    return { kind: 'problem', message: `device ID "${d.id}" cannot be an Orthanc modality name (only letters, digits, "-" and "_")` };
  }
  const r = d.services.roles;
  const qrU = r.qr?.u === true;
  return {
    kind: 'modality',
    fields: {
      AET: d.ae,
      Host: d.host,
      Port: endpoint.port,
      UseDicomTls: endpoint.tls,
      AllowStore: r.store?.u === true,
      AllowFind: qrU,
      AllowMove: qrU,
      AllowGet: qrU,
      AllowFindWorklist: r.mwl?.u === true,
      AllowEventReport: r.commit?.p === true,
    },
  };
}

/** The managed fields of a modality as the server reports them (absent fields stay absent). */
export function managedFieldsOf(config: ModalityConfig): ItemFields {
  const out: ItemFields = {};
  for (const f of MANAGED_FIELDS) {
    const v = config[f];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[f] = v;
    else if (v === null) out[f] = null;
  }
  return out;
}

/** A device row for an Orthanc modality (import): type dicom, the services the flags say. */
export function deviceOfModality(name: string, config: ModalityConfig): NewDevice {
  const f = managedFieldsOf(config);
  const services: Services = { roles: {}, flags: {} };
  if (f.AllowStore === true) services.roles.store = { u: true, p: false };
  if (f.AllowFind === true || f.AllowMove === true || f.AllowGet === true) services.roles.qr = { u: true, p: false };
  if (f.AllowFindWorklist === true) services.roles.mwl = { u: true, p: false };
  if (f.AllowEventReport === true) services.roles.commit = { u: false, p: true };
  const device: NewDevice = { id: name, type: 'dicom', services };
  if (typeof f.AET === 'string') device.ae = f.AET;
  if (typeof f.Host === 'string') device.host = f.Host;
  if (typeof f.Port === 'number') {
    if (f.UseDicomTls === true) device.tlsPort = f.Port;
    else device.port = f.Port;
  }
  return device;
}
