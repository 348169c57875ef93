// A client-rendered app: data lives in IndexedDB, so there is nothing to render on a server.
export const ssr = false;
export const prerender = false;
