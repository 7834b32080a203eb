// The bearer token CLI commands send: --token, else MPG_TOKEN; none when neither is set.
export function authHeaders(token: string | undefined): Record<string, string> {
  const value = token ?? process.env['MPG_TOKEN'];
  return value ? { authorization: `Bearer ${value}` } : {};
}
