// What a consumer of a package downloads: its code bundled by esbuild (minified, for browsers, with
// code splitting, as an app bundler splits at dynamic imports), each chunk brotli-compressed at the
// highest quality. "Eager" is what loads with the entry: the entry chunk and every chunk it imports
// statically. The rest loads only when a dynamic `import()` runs (rotation, say).
import { basename } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { build } from "esbuild";

/** Bytes of some chunks, minified and brotli-compressed (each chunk on its own, as it is served). */
export interface Bytes {
  readonly minified: number;
  readonly brotli: number;
}

export interface BundleSize {
  /** What loads with the entry. */
  readonly eager: Bytes;
  /** Everything, the chunks behind dynamic imports included. */
  readonly total: Bytes;
  /** Minified bytes per source module, in the eager chunks, largest first. */
  readonly modules: Readonly<Record<string, number>>;
  /** What esbuild warned about while bundling (a consumer's build would print these). */
  readonly warnings: readonly string[];
}

export interface BundleOptions {
  /** Where the consumer's imports resolve from. */
  readonly resolveDir: string;
  /** Packages left out of the bundle. */
  readonly external?: readonly string[];
  /** Import paths to resolve elsewhere (e.g. a package to its sources). */
  readonly alias?: Readonly<Record<string, string>>;
}

/** Bundles `contents` (an ES module) as a consumer's app would be, and measures it. */
export async function consumerBundleSize(contents: string, options: BundleOptions): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir: options.resolveDir, loader: "js", sourcefile: "consumer.js" },
    ...(options.alias && { alias: { ...options.alias } }),
    bundle: true,
    splitting: true,
    outdir: "/virtual-out",
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    external: [...(options.external ?? [])],
    metafile: true,
    logLevel: "silent",
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
  // The entry and what it imports statically, transitively.
  const eager = new Set<string>();
  const visit = (path: string) => {
    if (eager.has(path)) return;
    eager.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
    }
  };
  if (entry) visit(entry);
  const bytesOf = (paths: (path: string) => boolean): Bytes => {
    let minified = 0;
    let brotli = 0;
    for (const file of result.outputFiles) {
      const path = Object.keys(outputs).find((key) => basename(key) === basename(file.path));
      if (!path || !paths(path)) continue;
      minified += file.contents.byteLength;
      brotli += brotliCompressSync(file.contents, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
      }).byteLength;
    }
    return { minified, brotli };
  };
  const modules: Record<string, number> = {};
  for (const path of eager) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[path]?.inputs ?? {})) {
      if (bytesInOutput > 0) {
        const name = input.replace(/^.*?(packages|node_modules)\//, "");
        modules[name] = (modules[name] ?? 0) + bytesInOutput;
      }
    }
  }
  return {
    eager: bytesOf((path) => eager.has(path)),
    total: bytesOf(() => true),
    modules: Object.fromEntries(Object.entries(modules).sort((a, b) => b[1] - a[1])),
    warnings: result.warnings.map((warning) => `${warning.location?.file ?? ""}: ${warning.text}`),
  };
}
