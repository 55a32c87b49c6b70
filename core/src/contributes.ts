/**
 * The ids the extension, the language server and package.json's `contributes` share: commands,
 * settings, views. Every id is written here once; client and server import them, and
 * test/unit/contributes.test.ts checks this module and package.json list the same ones.
 * Pure: no I/O, no vscode (the server imports it too).
 */

/** The extension's namespace: the settings section, and the prefix of every id below. */
export const NAMESPACE = 'pacsWorkbench';

/** Commands package.json contributes (palette, menus, keybindings), grouped by feature. */
export const COMMANDS = {
  restartServer: 'pacsWorkbench.restartServer',
  toggleDialect: 'pacsWorkbench.coercion.toggleDialect',
  devices: {
    echo: 'pacsWorkbench.devices.echo',
    ping: 'pacsWorkbench.devices.ping',
    echoAll: 'pacsWorkbench.devices.echoAll',
    pingAll: 'pacsWorkbench.devices.pingAll',
    /** Echo All / Ping All of one server row: the same run, a label that says its scope. */
    echoServer: 'pacsWorkbench.devices.echoServer',
    pingServer: 'pacsWorkbench.devices.pingServer',
    showOutput: 'pacsWorkbench.devices.showOutput',
    enable: 'pacsWorkbench.devices.enable',
    disable: 'pacsWorkbench.devices.disable',
    add: 'pacsWorkbench.devices.add',
    edit: 'pacsWorkbench.devices.edit',
    delete: 'pacsWorkbench.devices.delete',
    refreshIp: 'pacsWorkbench.devices.refreshIp',
    reveal: 'pacsWorkbench.devices.reveal',
    refresh: 'pacsWorkbench.devices.refresh',
    toggleGroupBy: 'pacsWorkbench.devices.toggleGroupBy',
    setTlsPassphrase: 'pacsWorkbench.devices.setTlsPassphrase',
    clearTlsPassphrase: 'pacsWorkbench.devices.clearTlsPassphrase',
    testState: 'pacsWorkbench.devices.testState',
  },
  preview: {
    open: 'pacsWorkbench.preview.open',
    pickSamples: 'pacsWorkbench.preview.pickSamples',
    addSamples: 'pacsWorkbench.preview.addSamples',
    compareBeforeAfter: 'pacsWorkbench.preview.compareBeforeAfter',
    export: 'pacsWorkbench.preview.export',
    applyToFolder: 'pacsWorkbench.preview.applyToFolder',
    compareWithHead: 'pacsWorkbench.preview.compareWithHead',
  },
  dicom: {
    open: 'pacsWorkbench.dicom.open',
    previewRules: 'pacsWorkbench.dicom.previewRules',
  },
  deploy: {
    toServer: 'pacsWorkbench.deploy.toServer',
    deployAll: 'pacsWorkbench.deploy.deployAll',
    dryRun: 'pacsWorkbench.deploy.dryRun',
    import: 'pacsWorkbench.deploy.import',
    forgetCredentials: 'pacsWorkbench.deploy.forgetCredentials',
  },
  receiver: {
    start: 'pacsWorkbench.receiver.start',
    stop: 'pacsWorkbench.receiver.stop',
    saveAsSample: 'pacsWorkbench.receiver.saveAsSample',
    compare: 'pacsWorkbench.receiver.compare',
    /** What a click on a received object runs: it before and after, as the preview renders a sample. */
    showChanges: 'pacsWorkbench.receiver.showChanges',
    openInViewer: 'pacsWorkbench.receiver.openInViewer',
    openOriginalInViewer: 'pacsWorkbench.receiver.openOriginalInViewer',
    clear: 'pacsWorkbench.receiver.clear',
    /** On a forward destination of the Traffic view: `pacsw queue retry|drop` on the node's store. */
    queueRetry: 'pacsWorkbench.receiver.queueRetry',
    queueDrop: 'pacsWorkbench.receiver.queueDrop',
  },
} as const;

/**
 * Commands registered but not contributed (so not in the palette): called from webviews, code
 * lenses and links, or by the e2e tests to read the extension's state.
 */
export const INTERNAL_COMMANDS = {
  compareDatasets: 'pacsWorkbench.compareDatasets',
  previewShowAllAttributes: 'pacsWorkbench.preview.showAllAttributes',
  previewRevealRule: 'pacsWorkbench.preview.revealRule',
  previewRestorePanel: 'pacsWorkbench.preview.restorePanel',
  /** The rule files changed since HEAD (e2e tests read it). */
  previewRulesChangedSinceHead: 'pacsWorkbench.preview.rulesChangedSinceHead',
  dicomCopyAsRule: 'pacsWorkbench.dicom.copyAsRule',
  /** (uri, position, snippet): what a quick fix with placeholders runs (LSP code actions carry no snippets). */
  insertSnippet: 'pacsWorkbench.insertSnippet',
  /** Test hooks. */
  previewLastResult: 'pacsWorkbench.preview.lastResult',
  previewMeasurePage: 'pacsWorkbench.preview.measurePage',
  dicomViewerState: 'pacsWorkbench.dicom.viewerState',
  receiverState: 'pacsWorkbench.receiver.state',
  ruleTestsLastRun: 'pacsWorkbench.ruleTests.lastRun',
} as const;

/**
 * What the VS Code client tells the server in `initializationOptions`: it has the
 * INTERNAL_COMMANDS.insertSnippet command, so quick fixes may insert placeholders.
 */
export interface ClientInitializationOptions {
  insertSnippetCommand?: boolean;
}

/** Setting keys within the NAMESPACE section: `getConfiguration(NAMESPACE).get(SETTINGS.dialect)`. */
export const SETTINGS = {
  dialect: 'coercion.dialect',
  traceServer: 'trace.server',
  networkTimeoutMs: 'network.timeoutMs',
  networkConcurrency: 'network.concurrency',
  tlsCaFile: 'network.tlsCaFile',
  tlsCertFile: 'network.tlsCertFile',
  tlsKeyFile: 'network.tlsKeyFile',
  allowPathsOutsideWorkspace: 'devices.allowPathsOutsideWorkspace',
  groupBy: 'devices.groupBy',
  previewSamples: 'preview.samples',
  previewGlobalRules: 'preview.globalRules',
  deployCaFile: 'deploy.caFile',
  receiverPort: 'receiver.port',
} as const;

export type SettingKey = (typeof SETTINGS)[keyof typeof SETTINGS];

/** A setting's full id, as users see it in settings.json and in our messages. */
export function settingId(key: SettingKey): `pacsWorkbench.${SettingKey}` {
  return `${NAMESPACE}.${key}`;
}

/** Views and editors package.json contributes. */
export const VIEWS = {
  container: 'pacsWorkbench',
  devices: 'pacsWorkbench.devices',
  traffic: 'pacsWorkbench.traffic',
} as const;

export const CUSTOM_EDITORS = { dicomViewer: 'pacsWorkbench.dicomViewer' } as const;

/** Webview panels VS Code restores after a reload (package.json `onWebviewPanel:` activation). */
export const WEBVIEW_PANELS = { preview: `${NAMESPACE}.preview` } as const;

/** Every string value of a (nested) id table, for the consistency test. */
export function idsOf(table: object): string[] {
  return Object.values(table).flatMap((v: unknown) => (typeof v === 'string' ? [v] : idsOf(v as object)));
}
