// `npm run build`, after tsc: what the compiled code reads as files at run time. The panel's React
// components are bundled by AdminJS from their sources (it compiles the .tsx itself), so they are
// copied as they are, next to the compiled admin/index.js that points at them.
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const copies: Array<[string, string]> = [
  ['admin/components', 'dist/admin/components'],
  ['src/standalone/assets', 'dist/src/standalone/assets'],
];
for (const [from, to] of copies) {
  fs.rmSync(path.join(root, to), { recursive: true, force: true });
  fs.cpSync(path.join(root, from), path.join(root, to), { recursive: true });
}
process.stdout.write(`build: copied ${copies.map(([from]) => from).join(', ')} into dist/\n`);
