// The seeders, in order (an explicit list, like the migrations).
import * as demo from './0001-demo.js';

export const SEEDERS = [{ name: '0001-demo', seed: demo.seed }] as const;
