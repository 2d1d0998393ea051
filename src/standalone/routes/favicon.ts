// GET /favicon.ico: the TimeTracker clock mark (brand blue #3040D6, 16, 32 and 48 px PNGs in one
// ICO), held in memory and cached by browsers for a day (ETag for revalidation). Mounted before
// sessions: it needs no login, and the panel links it as its favicon (admin/index.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import Router from '@koa/router';

export const FAVICON_PATH = '/favicon.ico';
const ICON = fs.readFileSync(new URL('../assets/favicon.ico', import.meta.url));
const ETAG = `"${crypto.createHash('sha256').update(ICON).digest('base64url').slice(0, 16)}"`;

export function faviconRoutes(): Router {
  const router = new Router();
  router.get(FAVICON_PATH, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('ETag', ETAG);
    ctx.type = 'image/x-icon';
    ctx.status = 200; // `fresh` compares validators only for a 2xx answer
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = ICON;
  });
  return router;
}
