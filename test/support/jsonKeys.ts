// JSON.parse keeps the last of two equal keys silently; log lines must not carry any twice.

/** Keys that occur more than once in one object of the JSON text `text`, as dotted paths. */
export function duplicateKeys(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`not JSON (${what} at ${i}): ${text.slice(0, 200)}`);
  };
  const space = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const string = (): string => {
    if (text[i] !== '"') fail('expected a string');
    const start = i++;
    while (text[i] !== '"') {
      if (i >= text.length) fail('unterminated string');
      i += text[i] === '\\' ? 2 : 1;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    space();
    if (text[i] === '{') {
      i++;
      const seen = new Set<string>();
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        const key = string();
        if (seen.has(key)) found.push(`${path}${key}`);
        seen.add(key);
        space();
        if (text[i++] !== ':') fail('expected ":"');
        value(`${path}${key}.`);
        space();
        const c = text[i++];
        if (c === '}') return;
        if (c !== ',') fail('expected "," or "}"');
      }
    }
    if (text[i] === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        value(`${path}${n}.`);
        space();
        const c = text[i++];
        if (c === ']') return;
        if (c !== ',') fail('expected "," or "]"');
      }
    }
    if (text[i] === '"') return void string();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!literal) fail('unexpected character');
    i += literal![0].length;
  };
  value('');
  space();
  if (i !== text.length) fail('trailing text');
  return found;
}
