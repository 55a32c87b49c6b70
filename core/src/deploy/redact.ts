/**
 * Credentials out of messages. A server's error body is shown to the user, and a server (or a
 * proxy in front of it) may echo the request's `Authorization` header back in it.
 */

export const REDACTED = '[redacted]';

/** The forms in which Basic credentials can appear in text the server sends back. */
export function basicCredentialForms(username: string, password: string): string[] {
  const pair = `${username}:${password}`;
  const token = Buffer.from(pair, 'utf8').toString('base64');
  const forms = [`Basic ${token}`, token, pair, encodeURIComponent(pair), `${encodeURIComponent(username)}:${encodeURIComponent(password)}`];
  // The password alone; a one- or two-character password would blank out ordinary words.
  if (password.length >= 3) forms.push(password, encodeURIComponent(password));
  return forms;
}

/** `text` with every occurrence of each secret replaced by [redacted], longest first. */
export function redact(text: string, secrets: readonly string[]): string {
  const sorted = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of sorted) out = out.split(secret).join(REDACTED);
  return out;
}
