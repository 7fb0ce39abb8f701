/** Serves `htmlFile` at `/` on 127.0.0.1 and `port` (0: a free one). */
export declare function serveDocs(
  htmlFile: string,
  port?: number,
): Promise<{ url: string; close: () => Promise<void> }>;
