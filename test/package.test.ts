// The npm package a host installs: `npm pack` builds it (prepare) and ships the compiled plugin
// with its declarations, the panel's components and the migrations, and nothing of the tests or
// the local data. The end-to-end install into a host is test/examples/existingAdminApp.test.ts.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

describe('the npm package (npm pack --dry-run)', function () {
  this.timeout(240_000);
  let files: string[];

  before(async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 });
    // `prepare` (the build) prints to stdout before npm's JSON.
    const json = JSON.parse(stdout.slice(stdout.indexOf('[')));
    files = json[0].files.map((f: { path: string }) => f.path);
  });

  it('is publishable: not private, exports ./plugin with types, peer dependencies declared', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.private).to.equal(undefined);
    expect(pkg.exports['./plugin']).to.deep.equal({ types: './dist/src/plugin/index.d.ts', import: './dist/src/plugin/index.js' });
    expect(Object.keys(pkg.peerDependencies).sort()).to.deep.equal(['@adminjs/koa', '@adminjs/sequelize', 'adminjs', 'koa', 'pg', 'sequelize']);
    for (const name of Object.keys(pkg.peerDependencies)) expect(pkg.dependencies, name).to.have.property(name);
  });

  it('ships the compiled plugin, its declarations, components and migrations', () => {
    expect(files).to.include.members([
      'dist/src/plugin/index.js',
      'dist/src/plugin/index.d.ts',
      'dist/admin/index.js',
      'dist/admin/components/Dashboard.tsx',
      'dist/admin/components/connectors/GitHubCard.tsx',
      'dist/migrations/0001-host-schema.js',
      'dist/src/standalone/assets/favicon.ico',
      'docs/plugin.md',
      'package.json',
    ]);
  });

  it('ships nothing of the tests, the benchmark, the sources or local data', () => {
    const stray = files.filter((f) => /^(test|bench|src|admin|migrations|node_modules|\.data|\.adminjs)\//.test(f) || f.startsWith('dist/test/') || f.startsWith('dist/bench/'));
    expect(stray).to.deep.equal([]);
  });
});
