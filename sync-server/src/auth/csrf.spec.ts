import { describe, expect, it } from 'vitest';
import { isCrossSite } from './csrf.ts';

const req = (method: string, headers: Record<string, string>) => ({ method, headers });

describe('isCrossSite', () => {
	it.each([
		// [method, headers, refused]
		['GET', { origin: 'https://evil.example', host: 'trygg.example' }, false],
		['POST', { host: 'trygg.example' }, false],
		['POST', { 'sec-fetch-site': 'none', host: 'trygg.example' }, false],
		['POST', { origin: 'https://trygg.example', host: 'trygg.example' }, false],
		['POST', { origin: 'https://trygg.example', host: 'trygg.example:443' }, false],
		['PUT', { origin: 'http://localhost:8080', host: 'localhost:8080' }, false],
		['POST', { origin: 'https://trygg.example', host: 'trygg.example', 'sec-fetch-site': 'same-origin' }, false],
		['POST', { origin: 'https://evil.example', host: 'trygg.example' }, true],
		['POST', { origin: 'https://trygg.example.evil.example', host: 'trygg.example' }, true],
		['POST', { origin: 'http://localhost:5173', host: 'localhost:8080' }, true],
		['DELETE', { origin: 'null', host: 'trygg.example' }, true],
		['POST', { origin: 'file:///x', host: 'trygg.example' }, true],
		['POST', { origin: 'https://trygg.example' }, true],
		['POST', { 'sec-fetch-site': 'cross-site', host: 'trygg.example' }, true],
		['PATCH', { 'sec-fetch-site': 'same-site', host: 'trygg.example' }, true],
	])('%s %j → refused %s', (method, headers, refused) => {
		expect(isCrossSite(req(method, headers))).toBe(refused);
	});
});
