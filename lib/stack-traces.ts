import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A bundle file's source map, and the URL its `sources` are relative to. */
interface LoadedMap {
  map: SourceMap;
  base: URL;
}

/**
 * Maps stack traces to the TypeScript they were bundled from, reading each bundle file's
 * source map (`<file>.map` beside it) the first time a stack shows a frame of that file.
 *
 * What `--enable-source-maps` did, without its price at every cold start: Node reads, parses and
 * indexes the map of every module as it loads it (6-20 ms of createMonitor's init), and a map
 * switched on later (`process.setSourceMapsEnabled`) covers only modules loaded after it, never
 * the bundle already running. V8 formats a stack when it is first read, through
 * `Error.prepareStackTrace`, so installed before anything can fail, this maps every error a
 * function logs or throws, the init's included. A bundle file's frame reads as Node's own
 * mapping writes it (`at name (source.ts:line:column)`, the name from the map); other frames
 * keep V8's text. Does nothing where this code is not bundled with a map beside it (tests, the
 * CLI) or where Node maps already (`--enable-source-maps`).
 */
export const mapStackTraces = (): void => {
  const self = fileURLToPath(import.meta.url);
  if (process.sourceMapsEnabled || !existsSync(`${self}.map`)) return;
  const maps = new Map<string, LoadedMap | undefined>();
  const mapOf = (file: string): LoadedMap | undefined => {
    if (!maps.has(file)) {
      let loaded: LoadedMap | undefined;
      try {
        const path = `${file.startsWith('file:') ? fileURLToPath(file) : file}.map`;
        loaded = {
          map: new SourceMap(JSON.parse(readFileSync(path, 'utf8'))),
          base: pathToFileURL(path),
        };
      } catch {
        loaded = undefined; // no map beside it: Node's own modules, the runtime's
      }
      maps.set(file, loaded);
    }
    return maps.get(file);
  };
  /** Where a frame of a bundle file was in TypeScript, named as Node names it there. */
  const frame = (site: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string => {
    const file = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    const loaded = file ? mapOf(file) : undefined;
    if (loaded === undefined || line === null || column === null) return site.toString();
    const at = loaded.map.findEntry(line - 1, column - 1);
    if (!('originalSource' in at)) return site.toString();
    // The enclosing function's name in the map, else the one its caller in the same file used.
    const enclosing = loaded.map.findEntry(
      (site.getEnclosingLineNumber() ?? 0) - 1,
      (site.getEnclosingColumnNumber() ?? 0) - 1,
    );
    const called =
      caller !== undefined && caller.getFileName() === file
        ? loaded.map.findEntry(
            (caller.getLineNumber() ?? 0) - 1,
            (caller.getColumnNumber() ?? 0) - 1,
          )
        : {};
    const name =
      ('name' in enclosing && enclosing.name) ||
      ('name' in called && called.name) ||
      site.getFunctionName() ||
      '<anonymous>';
    const typeName = site.getTypeName();
    const prefix = `${site.isAsync() ? 'async ' : ''}${site.isConstructor() ? 'new ' : ''}`;
    const owner = typeName !== null && typeName !== 'global' ? `${typeName}.` : '';
    const source = fileURLToPath(new URL(at.originalSource, loaded.base));
    return `${prefix}${owner}${name} (${source}:${at.originalLine + 1}:${at.originalColumn + 1})`;
  };
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): string => {
    let header: string;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return [header, ...sites.map((site, i) => `    at ${frame(site, sites[i + 1])}`)].join('\n');
  };
};
