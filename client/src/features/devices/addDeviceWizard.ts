/**
 * Guided input for a new device: ID, type, AE title, host, port, category and services, each
 * checked as it is typed. Escape at any step cancels without touching the file.
 */
import * as vscode from 'vscode';
import { DEVICE_TYPES, ROLE_SERVICES, type DeviceTable, type NewDevice, type RoleService, type Services } from '../../../../core/src/devices';
import { checkAe, checkHost, checkId, checkPort, NEW_DEVICE_TYPES } from './deviceFields';

const TOTAL_STEPS = 7;

export async function addDeviceWizard(table: DeviceTable): Promise<NewDevice | undefined> {
  const title = `Add Device to ${table.server?.name ?? 'device table'}`;
  const input = (step: number, prompt: string, check: (v: string) => string | undefined, placeHolder?: string) =>
    vscode.window.showInputBox({
      title: `${title} (${step}/${TOTAL_STEPS})`,
      prompt,
      placeHolder,
      ignoreFocusOut: true,
      validateInput: (v) => check(v),
    });

  const id = await input(1, 'Device ID: a unique label', (v) => checkId(v, table), 'CT2');
  if (id === undefined) return undefined;

  const type = await vscode.window.showQuickPick(
    NEW_DEVICE_TYPES.map((t) => ({ label: t, description: DEVICE_TYPES[t] })),
    { title: `${title} (2/${TOTAL_STEPS})`, placeHolder: 'Device type', ignoreFocusOut: true },
  );
  if (!type) return undefined;

  const ae = await input(3, 'AE title of the device (at most 16 characters)', checkAe, 'CT_SCANNER2');
  if (ae === undefined) return undefined;
  const host = await input(4, 'IP address or host name', checkHost, '10.0.12.40');
  if (host === undefined) return undefined;
  const port = await input(5, 'Port of its DICOM application', (v) => checkPort(v), '104');
  if (port === undefined) return undefined;

  let category: string | undefined;
  if (table.categories.length) {
    const none = { label: '(no category)', name: undefined as string | undefined };
    const picked = await vscode.window.showQuickPick(
      [none, ...table.categories.map((c) => ({ label: c.name, description: c.maxConnections !== undefined ? `max ${c.maxConnections} connections` : undefined, name: c.name as string | undefined }))],
      { title: `${title} (6/${TOTAL_STEPS})`, placeHolder: 'Category', ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    category = picked.name;
  }

  const roleItems = (Object.keys(ROLE_SERVICES) as RoleService[]).flatMap((s) => {
    const columns: Array<'U' | 'P'> = s === 'commit' || s === 'mpps' ? ['P'] : ['U', 'P'];
    return columns.map((c) => ({
      label: `${s} ${c}`,
      description: `${ROLE_SERVICES[s]}: device is ${c === 'U' ? 'SCU' : 'SCP'}`,
      service: s,
      column: c,
    }));
  });
  const picked = await vscode.window.showQuickPick(roleItems, {
    title: `${title} (7/${TOTAL_STEPS})`,
    placeHolder: 'Services (none is fine; more can be added in the file)',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const services: Services = { roles: {}, flags: {} };
  for (const p of picked) {
    const roles = services.roles[p.service] ?? { u: false, p: false };
    if (p.column === 'U') roles.u = true;
    else roles.p = true;
    services.roles[p.service] = roles;
  }

  return {
    id: id.trim(),
    type: type.label,
    ae: ae.trim(),
    host: host.trim(),
    port: Number(port),
    category,
    services: picked.length ? services : undefined,
    enabled: true,
  };
}
