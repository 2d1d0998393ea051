// The import rules of docs/architecture.md, checked on the source: imports point down, the
// standalone server reaches TimeTracker only through the public plugin API, connectors and the
// panel never import the HTTP layer, the benchmark never imports the tests, and no code hard-codes
// the panel's /admin path.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [dir];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

/** Repository-relative targets of a file's relative imports (`.js` specifiers mapped to sources). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), s)).replace(/\.js$/, ''));
}

function offenders(sources: string[], forbidden: (target: string) => boolean): string[] {
  return sources.flatMap((f) => importsOf(f).filter(forbidden).map((t) => `${f} → ${t}`));
}

describe('architecture: import rules', () => {
  it('the standalone server uses TimeTracker only through src/plugin (its public API)', () => {
    const shell = ['src/main.ts', 'src/app.ts', 'src/runtime.ts', ...files('src/standalone')];
    const internal = /^(src\/(models|integrations|http|web|jobs)\/|src\/events$|admin\/)/;
    // src/models/user is read for its Role type only.
    expect(offenders(shell, (t) => internal.test(t) && t !== 'src/models/user')).to.deep.equal([]);
  });

  it('connectors and the panel do not import the HTTP layer (src/http)', () => {
    expect(offenders([...files('src/integrations'), ...files('admin')], (t) => t.startsWith('src/http/'))).to.deep.equal([]);
  });

  it('TimeTracker does not import the standalone server', () => {
    const plugin = ['src/plugin', 'src/models', 'src/integrations', 'src/http', 'src/web', 'src/services', 'src/jobs', 'src/validation', 'admin', 'migrations/0001-host-schema.ts'].flatMap(files);
    expect(offenders(plugin, (t) => t.startsWith('src/standalone/') || t === 'src/app' || t === 'src/runtime')).to.deep.equal([]);
  });

  it('bench/ does not import test/', () => {
    expect(offenders(files('bench'), (t) => t.startsWith('test/'))).to.deep.equal([]);
  });

  it('no source file hard-codes the panel path /admin (it comes from adminRootPath)', () => {
    const hits = [...files('src'), ...files('admin')]
      // The default lives in one place per configuration surface.
      .filter((f) => f !== 'src/config.ts' && f !== 'src/plugin/options.ts')
      .filter((f) => /['"`]\/admin(\/|['"`])/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(hits).to.deep.equal([]);
  });

  it('no source comment cites a document outside the repository (SPEC sections, traps)', () => {
    const hits = ['src', 'admin', 'migrations', 'seeders', 'bench'].flatMap(files)
      .filter((f) => /\b(SPEC\s*\d|SPEC\.md|trap\s+\d)/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(hits).to.deep.equal([]);
  });

  it('the rules see real imports (guard against a broken scanner)', () => {
    expect(importsOf('src/app.ts')).to.include('src/plugin/index');
    expect(offenders(['src/app.ts'], (t) => t === 'src/plugin/index')).to.have.length(1);
  });
});
