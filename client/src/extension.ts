/** Placeholder until the client lands. */ export function activate(): void {} export function deactivate(): void {}
