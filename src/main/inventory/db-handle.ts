/** The inventory's database handle, as a type: shared by db.ts and migrate.ts without an import cycle. */
import type Database from 'better-sqlite3';

export type Db = Database.Database;
