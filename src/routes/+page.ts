// The root is prerendered so the service worker can precache a real entry page.
export const prerender = true;
