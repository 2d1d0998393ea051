// Fake GitHub REST API (GITHUB_API_URL): GET /user and paginated GET /repos/{o}/{r}/issues.
import { FakeService, type FakeRequest } from './http.js';

export interface FakeIssue {
  number: number;
  title: string;
  body?: string;
  labels?: string[];
  pull_request?: boolean;
}

export class FakeGitHub extends FakeService {
  /** Issues per "owner/repo" (lower-case). */
  readonly repos = new Map<string, FakeIssue[]>();
  login = 'octocat';

  constructor() {
    super('github');
    this.route('GET', /^\/user$/, (req) =>
      this.authorised(req) ? { json: { login: this.login, id: 1 } } : { status: 401, json: { message: 'Bad credentials' } },
    );
    this.route('GET', /^\/repos\/[^/]+\/[^/]+\/issues$/, (req) => this.listIssues(req));
  }

  private authorised(req: FakeRequest): boolean {
    const auth = String(req.headers.authorization ?? '');
    return /^(token|Bearer) \S+/.test(auth);
  }

  private listIssues(req: FakeRequest) {
    if (!this.authorised(req)) return { status: 401, json: { message: 'Bad credentials' } };
    const [, , owner, repo] = req.path.split('/');
    const all = this.repos.get(`${owner}/${repo}`.toLowerCase());
    if (!all) return { status: 404, json: { message: 'Not Found' } };
    const perPage = Math.min(100, Number(req.query.get('per_page') ?? 30));
    const page = Math.max(1, Number(req.query.get('page') ?? 1));
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length) {
      const next = new URL(`${this.url}${req.path}`);
      next.searchParams.set('state', 'open');
      next.searchParams.set('per_page', String(perPage));
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next}>; rel="next"`;
    }
    const items = slice.map((i) => ({
      number: i.number,
      title: i.title,
      body: i.body ?? '',
      state: 'open',
      html_url: `https://github.com/${owner}/${repo}/issues/${i.number}`,
      labels: (i.labels ?? []).map((name) => ({ name })),
      ...(i.pull_request ? { pull_request: { url: 'x' } } : {}),
    }));
    return { json: items, headers };
  }
}
