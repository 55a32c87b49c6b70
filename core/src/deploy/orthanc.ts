/**
 * Deploy target: an Orthanc server's modality list, over its REST API. The device table
 * becomes the modalities (see orthancMapping.ts for what maps to what). The table is the whole
 * truth: a modality the table does not hold is removed.
 */
import type { DeviceTable } from '../devices/model';
import { diffItems, type DeployDiff, type ItemMap } from './diff';
import { MANAGED_FIELDS, managedFieldsOf, modalityOf } from './orthancMapping';
import { OrthancClient, OrthancHttpError, type ModalityConfig, type OrthancConnection } from './orthancClient';
import { EMPTY_TABLE, type DeployTarget, type DeployTargetKind, type Operation, type Snapshot } from './target';

interface OrthancState {
  modalities: Record<string, ModalityConfig>;
}

interface OrthancOperation extends Operation {
  method: 'PUT' | 'DELETE';
  body?: ModalityConfig;
}

export class OrthancTarget implements DeployTarget {
  readonly kind = 'orthanc';
  readonly label: string;
  readonly desired: ItemMap = {};
  readonly notes: string[] = [];
  readonly problems: string[] = [];
  readonly client: OrthancClient;

  constructor(table: DeviceTable, connection: OrthancConnection) {
    this.client = new OrthancClient(connection);
    this.label = this.client.url;
    for (const d of table.devices) {
      const m = modalityOf(d);
      if (m.kind === 'modality') this.desired[d.id] = m.fields;
      else if (m.kind === 'skipped') this.notes.push(`${d.id}: not deployed to Orthanc: ${m.reason}`);
      else this.problems.push(m.message);
    }
    const lost = ['type', 'category', 'timers', 'limits', 'rules', 'P-column services other than commit', 'autoget/autortv/autofwd/unedit/resman']
      .join(', ');
    this.notes.push(`Orthanc modalities hold AE title, host, port, TLS and the U-column services (and commit P); not: ${lost}.`);
  }

  async read(signal?: AbortSignal): Promise<Snapshot> {
    const modalities = await this.client.modalities(signal);
    const state: OrthancState = { modalities };
    return { kind: this.kind, target: this.label, takenAt: new Date().toISOString(), state };
  }

  itemsOf(snapshot: Snapshot): ItemMap {
    const items: ItemMap = {};
    for (const [name, config] of Object.entries((snapshot.state as OrthancState).modalities)) items[name] = managedFieldsOf(config);
    return items;
  }

  plan(diff: DeployDiff, snapshot: Snapshot): Operation[] {
    const current = (snapshot.state as OrthancState).modalities;
    const ops: OrthancOperation[] = [];
    const put = (item: string, action: 'add' | 'change', body: ModalityConfig): void => {
      ops.push({ item, action, method: 'PUT', body, summary: `PUT /modalities/${item}` });
    };
    // Removals first: a renamed device's AE title is then free before the new row claims it.
    for (const id of diff.removed) ops.push({ item: id, action: 'remove', method: 'DELETE', summary: `DELETE /modalities/${id}` });
    // A PUT replaces the whole modality: keep the fields we do not manage as the server has them.
    for (const c of diff.changed) put(c.id, 'change', { ...current[c.id], ...this.desired[c.id] });
    for (const id of diff.added) put(id, 'add', { ...this.desired[id] });
    return ops;
  }

  async apply(op: Operation, signal?: AbortSignal): Promise<void> {
    const o = op as OrthancOperation;
    if (o.method === 'PUT') await this.client.putModality(o.item, o.body!, signal);
    else await this.client.deleteModality(o.item, signal);
  }

  failedCleanly(error: unknown): boolean {
    // An HTTP error answer means Orthanc refused the request; a refused connection never reached it.
    return error instanceof OrthancHttpError && (error.status !== undefined || error.code === 'ECONNREFUSED');
  }

  async verify(signal?: AbortSignal): Promise<DeployDiff> {
    return diffItems(this.itemsOf(await this.read(signal)), this.desired);
  }

  async restore(snapshot: Snapshot): Promise<void> {
    const want = (snapshot.state as OrthancState).modalities;
    const now = await this.client.modalities();
    for (const name of Object.keys(now)) {
      if (!Object.prototype.hasOwnProperty.call(want, name)) await this.client.deleteModality(name);
    }
    for (const [name, config] of Object.entries(want)) {
      if (!sameConfig(now[name], config)) await this.client.putModality(name, config);
    }
  }

  async matches(snapshot: Snapshot): Promise<boolean> {
    const want = (snapshot.state as OrthancState).modalities;
    const now = await this.client.modalities();
    const names = new Set([...Object.keys(want), ...Object.keys(now)]);
    for (const n of names) if (!sameConfig(now[n], want[n])) return false;
    return true;
  }
}

/** Same full configuration (every field, not just the managed ones). */
function sameConfig(a: ModalityConfig | undefined, b: ModalityConfig | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false;
  return true;
}

export { MANAGED_FIELDS };

export const orthancTargetKind: DeployTargetKind = {
  async create(table, url, setup) {
    // Keyed by the URL as the client normalises it, the same string reports show.
    const creds = await setup.credentials?.(new OrthancClient({ url }).url);
    return new OrthancTarget(table, { url, username: creds?.username, password: creds?.password, ca: setup.ca, timeoutMs: setup.timeoutMs });
  },
  forSnapshot(snapshot, setup) {
    return new OrthancTarget(EMPTY_TABLE, { url: setup.url ?? snapshot.target, ...setup.credentials, ca: setup.ca, timeoutMs: setup.timeoutMs });
  },
};
