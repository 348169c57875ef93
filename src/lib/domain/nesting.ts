/**
 * How deep a document may nest. No Trygg document goes deeper than a handful of levels (a
 * template's sections, items and their texts); a body nested thousands deep is an attack on
 * the parser and on every recursive walk after it (`JSON.stringify` overflows the stack).
 * Both checks here are iterative, so they cannot overflow themselves, and the text check stops
 * at the first level too deep, so a hostile body costs one pass over its bytes at most.
 */

/** Deepest nesting of objects and arrays a document may have (the document itself is level 1). */
export const MAX_DOC_DEPTH = 32;

/**
 * Levels a request body may add around its documents (`{"docs": [doc]}` adds two, a co-signing
 * body `{"signature": doc}` one); the rest is the documents' own.
 */
export const MAX_BODY_WRAPPING = 4;

/** The reason of a refusal for nesting, per document or for a whole body (fixed: the device maps it). */
export const TOO_DEEP_REASON = `nested deeper than ${MAX_DOC_DEPTH} levels`;

/**
 * Does the JSON text nest objects and arrays deeper than `max`? Reads brackets outside strings
 * only, without parsing, and stops at the first level too deep.
 * @example jsonTooDeep('{"a":[[1]]}', 2) // true
 * @example jsonTooDeep('{"a":"[[[["}', 1) // false
 */
export function jsonTooDeep(text: string, max: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c)
				i++; // backslash: the next character is escaped
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) inString = true;
		else if (c === 0x7b || c === 0x5b) {
			if (++depth > max) return true;
		} else if (c === 0x7d || c === 0x5d) depth--;
	}
	return false;
}

/**
 * Does a parsed value nest objects and arrays deeper than `max`? Walks without recursion and
 * stops at the first level too deep.
 * @example valueTooDeep({ a: [[1]] }, 2) // true
 */
export function valueTooDeep(value: unknown, max: number): boolean {
	const stack: [unknown, number][] = [[value, 1]];
	while (stack.length > 0) {
		const [v, depth] = stack.pop() as [unknown, number];
		if (typeof v !== 'object' || v === null) continue;
		if (depth > max) return true;
		for (const child of Array.isArray(v) ? v : Object.values(v)) {
			if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
		}
	}
	return false;
}
