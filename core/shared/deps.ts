import type { Db } from '../../db/index.js';
import type { Clock } from './clock.js';
import type { Log } from './log.js';

/** What every domain function receives first: `fn(deps, input)`. */
export interface CoreDeps {
  db: Db;
  clock: Clock;
  log: Log;
}
