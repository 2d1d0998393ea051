// package-lock.json must be exactly what `npm install` writes for package.json: otherwise the
// first `npm install` of a fresh clone rewrites it, and `npm ci` installs something else or refuses.
import { expect } from 'chai';
import fs from 'node:fs';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
interface LockEntry extends Manifest {
  dev?: boolean;
  peer?: boolean;
  optional?: boolean;
}
interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as Manifest;
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as Lockfile;

type Version = [number, number, number, string];
function parseVersion(v: string): Version {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-(.+))?$/.exec(v);
  if (!m) throw new Error(`unsupported version ${v}`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0), m[4] ?? ''];
}
const atLeast = (a: Version, b: Version) => {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number);
  return !b[3] || !a[3] || a[3] >= b[3]; // same core: a release, or a later prerelease tag
};

/** The range forms package.json uses: `^x.y.z[-pre]`, `x.y` and `x.y.z`; anything else fails loudly. */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (range.startsWith('^')) {
    const base = parseVersion(range.slice(1));
    return v[0] === base[0] && (base[0] > 0 || v[1] === base[1]) && atLeast(v, base);
  }
  const parts = range.split('.');
  if (!/^\d+(\.\d+){1,2}$/.test(range)) throw new Error(`unsupported range ${range}: teach test/lockfile.test.ts`);
  const r = parseVersion(range);
  return parts.length === 2 ? v[0] === r[0] && v[1] === r[1] : version === range;
}

describe('package-lock.json', () => {
  it('is a lockfileVersion 3 lock of this package', () => {
    expect(lock.lockfileVersion).to.equal(3);
    expect([lock.name, lock.version]).to.deep.equal([pkg.name, pkg.version]);
  });

  it('declares for the root package exactly the dependencies package.json declares', () => {
    const root = lock.packages[''];
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const) {
      expect(root[field] ?? {}, `packages[""].${field} (run npm install and commit package-lock.json)`).to.deep.equal(pkg[field] ?? {});
    }
  });

  it('locks every dependency at a version its range allows; runtime ones are not marked dev or peer', () => {
    const problems: string[] = [];
    for (const [field, deps] of [['dependencies', pkg.dependencies], ['devDependencies', pkg.devDependencies]] as const) {
      for (const [name, range] of Object.entries(deps ?? {})) {
        const entry = lock.packages[`node_modules/${name}`];
        if (!entry) problems.push(`${name}: not locked`);
        else if (!satisfies(entry.version, range)) problems.push(`${name}: locked ${entry.version}, package.json wants ${range}`);
        else if (field === 'dependencies' && (entry.dev || entry.peer)) problems.push(`${name}: a runtime dependency locked as ${entry.dev ? 'dev' : 'peer'}`);
      }
    }
    expect(problems, 'run npm install and commit package-lock.json').to.deep.equal([]);
  });

  it('the range check itself accepts and refuses what npm would', () => {
    expect(satisfies('4.1.1', '4.1')).to.equal(true);
    expect(satisfies('4.2.0', '4.1')).to.equal(false);
    expect(satisfies('12.0.3', '^12.0.2')).to.equal(true);
    expect(satisfies('12.0.1', '^12.0.2')).to.equal(false);
    expect(satisfies('13.0.0', '^12.0.2')).to.equal(false);
    expect(satisfies('18.4.0-beta.17', '^18.4.0-beta.17')).to.equal(true);
    expect(satisfies('18.4.0-beta.16', '^18.4.0-beta.17')).to.equal(false);
    expect(satisfies('1.0.3', '1.0.3')).to.equal(true);
    expect(() => satisfies('1.0.0', '>=1')).to.throw(/unsupported range/);
  });

  it('is what CI installs from: .ci/run checks it is up to date, then runs npm ci', () => {
    const ci = fs.readFileSync('.ci/run', 'utf8');
    expect(ci).to.match(/^npm install --package-lock-only\b[^\n]*\nif ! git diff --exit-code\b[^\n]*package-lock\.json/m);
    expect(ci).to.match(/^npm ci\b/m);
    // --ignore-scripts: nothing is installed at that point, so the package's prepare build (tsc) cannot run.
    expect(ci.match(/^npm install\b.*$/gm)).to.deep.equal(['npm install --package-lock-only --ignore-scripts --no-audit --no-fund']);
  });
});
