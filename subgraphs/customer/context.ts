import type { BaseContext } from '../../lib/context.js';
import type { Database } from '../../lib/db.js';
import type { Loaders } from './loaders.js';

export interface CustomerContext extends BaseContext {
  database: Database;
  loaders: Loaders;
}
