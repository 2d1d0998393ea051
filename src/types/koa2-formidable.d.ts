// koa2-formidable ships no types: a middleware factory that copies each option onto its
// formidable IncomingForm and sets ctx.request.body / ctx.request.files.
declare module 'koa2-formidable' {
  import type { Middleware } from 'koa';

  const formidableMiddleware: (options?: Record<string, unknown>) => Middleware;
  export default formidableMiddleware;
}
