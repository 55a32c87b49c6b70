/** Limits shared by every front end (the editor's `pacsWorkbench.network.timeoutMs` default, the
 *  CLI's `--timeout` default), so a device check gives up after the same time everywhere. */
export const DEFAULT_NETWORK_TIMEOUT_MS = 10_000;
