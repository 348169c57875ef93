/** All Swedish texts at once, for code that runs only on pages past the sign-in page, and for specs. */
import { sv } from './sv.ts';
import { svMore } from './sv-more.ts';
import type { MessageKey } from './sv.ts';

export const svAll: Record<MessageKey, string> = { ...sv, ...svMore };
