/**
 * The one zod of the domain: `zod/mini` (decision 0012). Its functional API tree-shakes, so the
 * device's first script carries only the checks the schemas use; classic zod's methods (JSON
 * Schema, every string format) came along on every schema. Mini ships no default locale, and its
 * every issue would read "Invalid input": English is set here, so a refused document keeps the
 * reason it had (`title: Too small: expected string to have >=1 characters`).
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export { z };
