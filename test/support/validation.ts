// The answer to input refused for one field: `error` "<field>: <reason>" and the `fields` map.
export function refused(error: string): { ok: false; error: string; fields: Record<string, string> } {
  const cut = error.indexOf(': ');
  return { ok: false, error, fields: { [error.slice(0, cut)]: error.slice(cut + 2) } };
}
