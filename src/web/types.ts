// The Koa context and state, typed once.
import type Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import type { User } from '../models/index.js';

export interface AppState {
  user?: User;
  requestId?: string;
}

export interface AppContextExtras {
  request: ParameterizedContext['request'] & { body?: unknown; rawBody?: Buffer };
}

export type AppContext = ParameterizedContext<AppState, Router.RouterParamContext<AppState>> & AppContextExtras;
export type AppRouter = Router<AppState, AppContextExtras>;
