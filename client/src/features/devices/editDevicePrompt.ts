/**
 * Guided edit of one device: pick a field (its current value shown), enter the new value
 * (checked as typed; empty removes an optional field). Returns the change for updateDevice.
 */
import * as vscode from 'vscode';
import { DEVICE_TYPES, FIELD_KEYS, type DeviceFields, type DeviceModel, type DeviceTable } from '../../../../core/src/devices';
import { checkAe, checkHost, checkPort, NEW_DEVICE_TYPES } from './deviceFields';

export type DeviceChange = { [K in keyof DeviceFields]?: DeviceFields[K] | null };

/** The fields this prompt edits, labelled with their keyword in the .pacs language. */
const EDITABLE = ['type', 'ae', 'host', 'port', 'tcpPort', 'tlsPort', 'category'] as const;
const FIELDS = EDITABLE.map((key) => ({ key, label: FIELD_KEYS[key] }));

export async function editDevicePrompt(device: DeviceModel, table: DeviceTable): Promise<DeviceChange | undefined> {
  const title = `Edit Device ${device.id}`;
  const field = await vscode.window.showQuickPick(
    FIELDS.map((f) => ({ ...f, description: String(device[f.key] ?? '(not set)') })),
    { title, placeHolder: 'Field to change' },
  );
  if (!field) return undefined;

  if (field.key === 'type') {
    const type = await vscode.window.showQuickPick(
      NEW_DEVICE_TYPES.map((t) => ({ label: t, description: DEVICE_TYPES[t], picked: t === device.type })),
      { title, placeHolder: 'Device type' },
    );
    return type ? { type: type.label } : undefined;
  }
  if (field.key === 'category') {
    const none = { label: '(no category)', name: null as string | null };
    const picked = await vscode.window.showQuickPick(
      [none, ...table.categories.map((c) => ({ label: c.name, name: c.name as string | null }))],
      { title, placeHolder: 'Category' },
    );
    return picked ? { category: picked.name } : undefined;
  }

  const required = field.key === 'ae' || field.key === 'host';
  const check = (v: string): string | undefined => {
    if (v.trim() === '') return required ? `The ${field.label} field is needed; it cannot be removed here.` : undefined;
    if (field.key === 'ae') return checkAe(v);
    if (field.key === 'host') return checkHost(v);
    return checkPort(v, field.key !== 'port');
  };
  const value = await vscode.window.showInputBox({
    title,
    prompt: `New ${field.label}${required ? '' : ' (empty removes the field)'}`,
    value: device[field.key] !== undefined ? String(device[field.key]) : '',
    validateInput: check,
  });
  if (value === undefined) return undefined;
  const v = value.trim();
  if (field.key === 'ae' || field.key === 'host') return { [field.key]: v };
  return { [field.key]: v === '' ? null : Number(v) };
}
