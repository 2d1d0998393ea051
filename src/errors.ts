// One error type for everything the HTTP layer answers with a 4xx. Anything else is a 5xx,
// logged in full and answered generically by src/http/middleware/errorHandler.ts.
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly id: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, extra?: Record<string, unknown>) =>
  new AppError(400, message, 'bad_request', extra);
/** One invalid field; the answer carries `fields: {<field>: <reason>}` like invalidFields(). */
export const validation = (field: string, reason: string) => invalidFields({ [field]: reason });
/** Several invalid fields at once: 400 "<field>: <reason>; …" plus the `fields` map for forms. */
export const invalidFields = (fields: Record<string, string>) =>
  new AppError(400, Object.entries(fields).map(([f, r]) => `${f}: ${r}`).join('; '), 'validation', { field: Object.keys(fields)[0], fields });
export const unauthorized = (message = 'Authentication required') => new AppError(401, message, 'unauthorized');
export const forbidden = (message = 'Forbidden') => new AppError(403, message, 'forbidden');
export const adminOnly = () => new AppError(403, 'Admin only', 'admin_only');
export const notFound = (message = 'Not found') => new AppError(404, message, 'not_found');
export const conflict = (message: string) => new AppError(409, message, 'conflict');
export const payloadTooLarge = (message = 'Payload too large') => new AppError(413, message, 'payload_too_large');
export const unsupportedMediaType = (message: string) => new AppError(415, message, 'unsupported_media_type');
export const unprocessable = (message: string) => new AppError(422, message, 'unprocessable');
export const tooManyRequests = (message: string, retryAfterSec: number) =>
  new AppError(429, message, 'rate_limited', { retryAfterSec });
export const serviceUnavailable = (message = 'Service temporarily unavailable, try again shortly', retryAfterSec = 5) =>
  new AppError(503, message, 'unavailable', { retryAfterSec });

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
