import type { ApiKeyInfo, KeyPage } from "./key-list.js";

// Without a page that says how big pages are, ask for this many keys at a time.
const DEFAULT_PAGE_SIZE = 100;
// The most pages one list fetches: 10,000 keys at the service's usual 100 a page.
const MAX_PAGES = 100;

/** One page, by position: the keys from `from` up to `to`, or the first page. */
export type PageFetcher = (
  page: { from: number; to: number } | undefined,
) => Promise<KeyPage & { response: Response }>;

/**
 * Every key the filter matches, fetched page by page while the pages hold fewer keys than the
 * service's count. A page that adds no key ends it, so that a service that ignores `search_from`
 * (and sends the first page again) cannot keep it going. Resolves to the keys, or to a problem
 * (with the last page's response) when the pages stopped short of the count.
 */
export async function allPages(
  fetchPage: PageFetcher,
): Promise<{ keys: ApiKeyInfo[] } | { problem: string; response: Response }> {
  const found = new Map<number, ApiKeyInfo>();
  let page = await fetchPage(undefined);
  for (const key of page.keys) found.set(key.id, key);
  const pageSize = page.keys.length || DEFAULT_PAGE_SIZE;
  // Offsets count keys already listed.
  for (let pages = 1; found.size < page.filterCount && pages < MAX_PAGES; pages++) {
    const from = found.size;
    page = await fetchPage({ from, to: from + pageSize });
    for (const key of page.keys) found.set(key.id, key);
    if (found.size === from) break;
  }
  if (found.size < page.filterCount) {
    return {
      problem: `${page.filterCount} keys match, but the pages (search_from/search_to) brought only ${found.size}`,
      response: page.response,
    };
  }
  return { keys: [...found.values()] };
}
