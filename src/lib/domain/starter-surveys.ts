/**
 * The four starter surveys (../shared/domain/templates-sv.md): threats, violence and improper
 * influence; victimisation and harassment; violence in close relationships ("gör det pratbart");
 * and SKR's HME. Seeded into `org` as published version 1; HR edits them into new versions.
 */
import type { Localized } from './schema-parts.ts';
import type { SurveyDoc, SurveyOption, SurveyQuestion, SurveySection } from './surveys.ts';
import { K_FLOOR, surveyVersionId } from './surveys.ts';

const l = (sv: string, en: string): Localized => ({ sv, en });
const opt = (value: string, sv: string, en: string): SurveyOption => ({ value, label: l(sv, en) });

const NO_ONCE_SEVERAL = [
	opt('no', 'Nej', 'No'),
	opt('once', 'Ja, en gång', 'Yes, once'),
	opt('several', 'Ja, flera gånger', 'Yes, several times'),
];
const YES_PARTLY_NO = [opt('yes', 'Ja', 'Yes'), opt('partly', 'Delvis', 'Partly'), opt('no', 'Nej', 'No')];

type Extra = Partial<Pick<SurveyQuestion, 'help' | 'options' | 'scaleLow' | 'scaleHigh' | 'maxLength' | 'showIf'>>;
function q(id: string, kind: SurveyQuestion['kind'], sv: string, en: string, extra: Extra = {}): SurveyQuestion {
	return { id, kind, text: l(sv, en), required: false, ...extra };
}
const freeText = (id: string, sv: string, en: string): SurveyQuestion =>
	q(id, 'text', sv, en, {
		maxLength: 1000,
		help: l(
			'Frivillig. Skriv inte namn eller annat som kan visa vem du eller någon annan är.',
			'Optional. Do not write names or anything else that could show who you or anyone else is.',
		),
	});
const section = (id: string, sv: string, en: string, questions: SurveyQuestion[]): SurveySection => ({
	id,
	title: l(sv, en),
	questions,
});

function survey(
	family: string,
	kind: SurveyDoc['kind'],
	title: Localized,
	intro: Localized,
	sensitive: boolean,
	sections: SurveySection[],
	now: string,
): SurveyDoc {
	return {
		_id: surveyVersionId(family, 1),
		type: 'survey',
		scope: 'org',
		family,
		kind,
		title,
		intro,
		sensitive,
		k: K_FLOOR[kind],
		version: 1,
		status: 'published',
		retired: false,
		sections,
		createdAt: now,
		updatedAt: now,
	};
}

const anyYes = {
	anyOf: [
		{ questionId: 'threatened', values: ['once', 'several'] },
		{ questionId: 'violence', values: ['once', 'several'] },
		{ questionId: 'harassed', values: ['once', 'several'] },
	],
};

function threatViolence(now: string): SurveyDoc {
	return survey(
		'threat-violence',
		'threat_violence',
		l('Hot, våld och otillåten påverkan', 'Threats, violence and improper influence'),
		l(
			'Frågorna gäller de senaste 12 månaderna. Dina svar är anonyma: ingen kan se vad just du har svarat.',
			'The questions cover the last 12 months. Your answers are anonymous: nobody can see what you answered.',
		),
		false,
		[
			section('events', 'Händelser', 'Incidents', [
				q('threatened', 'single', 'Har du blivit hotad i ditt arbete?', 'Have you been threatened in your work?', {
					options: NO_ONCE_SEVERAL,
				}),
				q(
					'violence',
					'single',
					'Har du utsatts för fysiskt våld i ditt arbete?',
					'Have you been subjected to physical violence in your work?',
					{
						options: NO_ONCE_SEVERAL,
					},
				),
				q(
					'harassed',
					'single',
					'Har du utsatts för trakasserier i ditt arbete, till exempel via telefon, e-post eller sociala medier?',
					'Have you been harassed in your work, for example by phone, e-mail or social media?',
					{ options: NO_ONCE_SEVERAL },
				),
				q('who', 'multi', 'Vem eller vilka utsatte dig?', 'Who did it?', {
					showIf: anyYes,
					options: [
						opt('client', 'Patient, brukare, klient eller elev', 'Patient, service user, client or pupil'),
						opt('relative', 'Anhörig', 'Relative'),
						opt('public', 'Allmänheten', 'Member of the public'),
						opt('colleague', 'Kollega', 'Colleague'),
						opt('manager', 'Chef', 'Manager'),
						opt('unknown', 'Okänd', 'Unknown'),
						opt('other', 'Annan', 'Someone else'),
					],
				}),
				q('how', 'multi', 'Hur skedde det?', 'How did it happen?', {
					showIf: anyYes,
					options: [
						opt('in-person', 'Vid fysiskt möte', 'In person'),
						opt('phone', 'Telefon', 'Phone'),
						opt('email', 'E-post', 'E-mail'),
						opt('digital', 'Sociala medier eller digitalt', 'Social media or online'),
						opt('letter', 'Brev', 'Letter'),
						opt('field', 'Vid hembesök eller fältarbete', 'On a home visit or in field work'),
					],
				}),
				q(
					'reported',
					'single',
					'Rapporterade du händelsen i arbetsgivarens system för avvikelser eller tillbud?',
					"Did you report it in the employer's incident reporting system?",
					{
						showIf: anyYes,
						options: [
							opt('all', 'Ja, alla', 'Yes, all of them'),
							opt('some', 'Ja, vissa', 'Yes, some'),
							opt('no', 'Nej', 'No'),
						],
					},
				),
				q('why-not', 'multi', 'Om inte: varför?', 'If not, why not?', {
					showIf: { anyOf: [{ questionId: 'reported', values: ['some', 'no'] }] },
					options: [
						opt('how', 'Visste inte hur', "Didn't know how"),
						opt('pointless', 'Trodde inte att det skulle leda till något', "Didn't think it would lead to anything"),
						opt('part-of-job', 'Det ses som en del av jobbet', "It's seen as part of the job"),
						opt('worried', 'Orolig för följderna', 'Worried about the consequences'),
						opt('other', 'Annat', 'Other'),
					],
				}),
				q(
					'support',
					'single',
					'Fick du det stöd du behövde efteråt?',
					'Did you get the support you needed afterwards?',
					{
						showIf: anyYes,
						options: [...YES_PARTLY_NO, opt('not-needed', 'Behövde inget stöd', "Didn't need support")],
					},
				),
			]),
			section('influence', 'Otillåten påverkan', 'Improper influence', [
				q(
					'influence',
					'single',
					'Har någon försökt påverka hur du fattar beslut eller utför ditt arbete genom hot, trakasserier, gåvor, förmåner eller liknande?',
					'Has anyone tried to influence your decisions or your work through threats, harassment, gifts, favours or the like?',
					{ options: NO_ONCE_SEVERAL },
				),
			]),
			section('safety', 'Trygghet och rutiner', 'Safety and procedures', [
				q(
					'routines',
					'single',
					'Känner du till arbetsplatsens rutiner för hot och våld?',
					"Do you know your workplace's procedures for threats and violence?",
					{
						options: YES_PARTLY_NO,
					},
				),
				q(
					'alarm',
					'single',
					'Vet du hur du larmar eller kallar på hjälp i en hotfull situation?',
					'Do you know how to raise the alarm or call for help in a threatening situation?',
					{
						options: [
							opt('yes', 'Ja', 'Yes'),
							opt('no', 'Nej', 'No'),
							opt('not-relevant', 'Ej aktuellt i mitt arbete', 'Not relevant to my work'),
						],
					},
				),
				q('safe', 'scale', 'Hur trygg känner du dig i ditt arbete?', 'How safe do you feel in your work?', {
					scaleLow: l('Inte alls trygg', 'Not safe at all'),
					scaleHigh: l('Helt trygg', 'Completely safe'),
				}),
				freeText('safer', 'Vad skulle göra dig tryggare i arbetet?', 'What would make you feel safer at work?'),
			]),
		],
		now,
	);
}

function harassment(now: string): SurveyDoc {
	const noYesDecline = [
		opt('no', 'Nej', 'No'),
		opt('yes', 'Ja', 'Yes'),
		opt('decline', 'Vill inte svara', 'Prefer not to say'),
	];
	return survey(
		'harassment',
		'harassment',
		l('Kränkande särbehandling och trakasserier', 'Victimisation and harassment'),
		l(
			'Frågorna gäller de senaste 12 månaderna. Dina svar är anonyma: ingen kan se vad just du har svarat.',
			'The questions cover the last 12 months. Your answers are anonymous: nobody can see what you answered.',
		),
		false,
		[
			section('experience', 'Egna erfarenheter', 'Your experience', [
				q(
					'victimised',
					'single',
					'Har du under de senaste 12 månaderna upplevt att du blivit utsatt för kränkande särbehandling på arbetet?',
					'In the last 12 months, have you felt victimised at work?',
					{
						options: [
							opt('no', 'Nej', 'No'),
							opt('once', 'Ja, enstaka gång', 'Yes, once or twice'),
							opt('repeated', 'Ja, upprepade gånger', 'Yes, repeatedly'),
						],
					},
				),
				q(
					'discrimination',
					'single',
					'Har du under samma tid blivit utsatt för trakasserier kopplade till kön, könsöverskridande identitet eller uttryck, etnisk tillhörighet, religion eller annan trosuppfattning, funktionsnedsättning, sexuell läggning eller ålder?',
					'In the same period, have you been harassed because of sex, transgender identity or expression, ethnicity, religion or other belief, disability, sexual orientation or age?',
					{ options: noYesDecline },
				),
				q(
					'sexual',
					'single',
					'Har du blivit utsatt för sexuella trakasserier på arbetet?',
					'Have you been sexually harassed at work?',
					{
						options: noYesDecline,
					},
				),
			]),
			section('climate', 'Klimat och stöd', 'Climate and support', [
				q(
					'where-to-turn',
					'single',
					'Vet du vart du vänder dig om du eller en kollega blir utsatt?',
					'Do you know where to turn if you or a colleague is affected?',
					{
						options: YES_PARTLY_NO,
					},
				),
				q(
					'employer-acts',
					'scale',
					'Tror du att arbetsgivaren agerar om du berättar?',
					'Do you believe the employer acts if you speak up?',
					{
						scaleLow: l('Inte alls', 'Not at all'),
						scaleHigh: l('Helt och hållet', 'Completely'),
					},
				),
				q(
					'witnessed',
					'yesno',
					'Har du sett eller hört någon annan bli illa behandlad på arbetsplatsen?',
					'Have you seen or heard someone else being treated badly at work?',
				),
				freeText(
					'prevent',
					'Förslag på vad vi kan göra för att förebygga kränkningar och trakasserier',
					'Suggestions for what we can do to prevent victimisation and harassment',
				),
			]),
		],
		now,
	);
}

function closeRelationship(now: string): SurveyDoc {
	return survey(
		'close-relationship',
		'close_relationship',
		l('Våld i nära relationer – gör det pratbart', 'Violence in close relationships – make it talkable'),
		l(
			'Enkäten frågar om kunskap och klimat på arbetsplatsen, aldrig om du själv är utsatt. Du kan lämna när som helst med knappen Lämna snabbt.',
			'The survey asks about knowledge and climate at work, never whether you are affected yourself. You can leave at any time with the Quick exit button.',
		),
		true,
		[
			section('knowledge', 'Kunskap och klimat', 'Knowledge and climate', [
				q(
					'knows-support',
					'single',
					'Vet du var du kan få stöd om du själv eller någon i din närhet utsätts för våld i en nära relation?',
					'Do you know where to get support if you or someone close to you is subjected to violence in a close relationship?',
					{ options: YES_PARTLY_NO },
				),
				q(
					'talk-manager',
					'scale',
					'Upplever du att det går att ta upp våld i nära relationer med din chef?',
					'Do you feel you could raise violence in close relationships with your manager?',
					{
						scaleLow: l('Inte alls', 'Not at all'),
						scaleHigh: l('Helt och hållet', 'Completely'),
					},
				),
				q(
					'employer-help',
					'yesno',
					'Känner du till att arbetsgivaren kan hjälpa till med säkerhet på arbetet, t.ex. skyddade kontaktuppgifter eller ändrade arbetstider?',
					'Do you know that the employer can help with safety at work, for example protected contact details or changed working hours?',
				),
				q(
					'training',
					'single',
					'Har du fått information eller utbildning om våld i nära relationer genom arbetet?',
					'Have you had information or training about violence in close relationships through work?',
					{
						options: [opt('yes', 'Ja', 'Yes'), opt('no', 'Nej', 'No'), opt('dont-know', 'Vet inte', "Don't know")],
					},
				),
				freeText(
					'easier',
					'Vad skulle göra det lättare att prata om detta på arbetsplatsen?',
					'What would make it easier to talk about this at work?',
				),
			]),
		],
		now,
	);
}

function hme(now: string): SurveyDoc {
	const statement = (id: string, sv: string, en: string) =>
		q(id, 'scale', sv, en, {
			scaleLow: l('Stämmer mycket dåligt', 'Strongly disagree'),
			scaleHigh: l('Stämmer mycket bra', 'Strongly agree'),
		});
	return survey(
		'hme',
		'hme',
		l('HME – Hållbart medarbetarengagemang', 'HME – Sustainable employee engagement'),
		l(
			'Nio påståenden om motivation, ledarskap och styrning (SKR:s HME). Svara från 1 = stämmer mycket dåligt till 5 = stämmer mycket bra.',
			"Nine statements on motivation, leadership and governance (SKR's HME). Answer from 1 = strongly disagree to 5 = strongly agree.",
		),
		false,
		[
			section('motivation', 'Motivation', 'Motivation', [
				statement('meaningful', 'Mitt arbete känns meningsfullt.', 'My work feels meaningful.'),
				statement(
					'learning',
					'Jag lär nytt och utvecklas i mitt dagliga arbete.',
					'I learn new things and develop in my daily work.',
				),
				statement('looking-forward', 'Jag ser fram emot att gå till arbetet.', 'I look forward to going to work.'),
			]),
			section('leadership', 'Ledarskap', 'Leadership', [
				statement(
					'appreciation',
					'Min närmaste chef visar uppskattning för mina arbetsinsatser.',
					'My immediate manager shows appreciation for my work.',
				),
				statement(
					'trust',
					'Min närmaste chef visar förtroende för mig som medarbetare.',
					'My immediate manager shows trust in me as an employee.',
				),
				statement(
					'responsibility',
					'Min närmaste chef ger mig förutsättningar att ta ansvar i mitt arbete.',
					'My immediate manager gives me the means to take responsibility in my work.',
				),
			]),
			section('governance', 'Styrning', 'Governance', [
				statement('goals-known', 'Jag är insatt i min arbetsplats mål.', "I am familiar with my workplace's goals."),
				statement(
					'goals-followed',
					'Jag tycker att min arbetsplats mål följs upp och utvärderas på ett bra sätt.',
					"I think my workplace's goals are followed up and evaluated well.",
				),
				statement(
					'expectations',
					'Jag vet vad som förväntas av mig i mitt arbete.',
					'I know what is expected of me in my work.',
				),
			]),
		],
		now,
	);
}

/** The starter surveys as published version 1, stamped `now`. */
export function starterSurveys(now: string): SurveyDoc[] {
	return [threatViolence(now), harassment(now), closeRelationship(now), hme(now)];
}

/** The HME sub-index of each statement (SKR): motivation, leadership, governance. */
export const HME_INDEX: Readonly<Record<string, 'motivation' | 'leadership' | 'governance'>> = {
	meaningful: 'motivation',
	learning: 'motivation',
	'looking-forward': 'motivation',
	appreciation: 'leadership',
	trust: 'leadership',
	responsibility: 'leadership',
	'goals-known': 'governance',
	'goals-followed': 'governance',
	expectations: 'governance',
};
