/** Types for dynalite 4 (it ships none): only the factory the local stack uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** Creates a DynamoDB-compatible HTTP server that is not listening yet. */
  function dynalite(options?: dynalite.DynaliteOptions): Server;
  namespace dynalite {
    /** Options of the dynalite factory; every delay is in milliseconds. */
    interface DynaliteOptions {
      /** How long a new table stays CREATING; dynalite's default is 500. */
      createTableMs?: number;
      deleteTableMs?: number;
      updateTableMs?: number;
      maxItemSizeKb?: number;
      /** LevelDB directory; in memory when omitted. */
      path?: string;
      verbose?: boolean;
      debug?: boolean;
    }
  }
  // dynalite is CommonJS (`module.exports = dynalite`); ESM sees it as the default import.
  export = dynalite;
}
