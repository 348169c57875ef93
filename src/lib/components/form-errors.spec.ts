import { describe, expect, it } from 'vitest';
import { errorFor, errorId, fieldAttrs, type FormError } from './form-errors.ts';

describe('form errors tied to fields', () => {
	const errors: FormError[] = [
		{ field: 'rq-subject', message: 'Fill in the subject.' },
		{ field: null, message: 'The server refused.' },
	];

	it('marks an invalid field and points it at its own message, after its hint', () => {
		expect(fieldAttrs(errors, 'rq-subject', 'rq-subject-hint')).toEqual({
			'aria-invalid': 'true',
			'aria-describedby': 'rq-subject-hint rq-subject-error',
		});
		expect(errorId('rq-subject')).toBe('rq-subject-error');
		expect(errorFor(errors, 'rq-subject')).toBe('Fill in the subject.');
	});

	it('leaves a valid field alone but keeps its hint', () => {
		expect(fieldAttrs(errors, 'rq-reply', 'rq-reply-hint')).toEqual({
			'aria-invalid': undefined,
			'aria-describedby': 'rq-reply-hint',
		});
		expect(fieldAttrs([], 'rq-reply')).toEqual({ 'aria-invalid': undefined, 'aria-describedby': undefined });
	});
});
