/**
 * The service worker: precaches the app shell so Trygg starts and navigates with no network.
 * It never caches `/db`, `/api` or `/anon`: data lives in IndexedDB, and a cached API answer would lie.
 */
import { self } from '$app/service-worker';
import { immutable, assets, prerendered } from '$app/manifest';
import { version } from '$app/env';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

const built = [...immutable, ...assets, ...prerendered];
const entries = built.map(({ path }) => ({
	url: path === '' ? './' : path,
	// Immutable files carry a hash in their name; the rest are revised by the build version.
	revision: path.includes('/immutable/') ? null : version,
}));
// The SPA fallback (written by the adapter after this worker is built) routes any path on the
// client; the prerendered root would hydrate as `/` whatever the URL. Only in a real build.
const FALLBACK = '200.html';
if (prerendered.length > 0) entries.push({ url: FALLBACK, revision: version });

precacheAndRoute(entries);
cleanupOutdatedCaches();

// In `vite dev` nothing is precached and the handler would throw: only route navigations when the root is cached.
if (prerendered.length > 0) {
	registerRoute(
		new NavigationRoute(createHandlerBoundToURL(FALLBACK), {
			// `/_app/` holds built files: one an older page asks for that is gone answers 404, not the app.
			denylist: [/^\/db(\/|$)/, /^\/api(\/|$)/, /^\/anon(\/|$)/, /^\/_app\//],
		}),
	);
}

// Take over the page that installed this worker: without it the first visit stays uncontrolled
// until a reload, and going offline right after signing in left every not-yet-loaded page broken.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});
