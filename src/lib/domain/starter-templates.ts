/**
 * The starter round templates (physical safety round, OSA round, threats and violence) that are
 * seeded into the `org` scope on first start. They are only a starting point: HR edits them later,
 * and every edit becomes a new template version, so rounds keep the version they were started with.
 */
import type { TemplateDoc } from './schemas.ts';

type Item = TemplateDoc['sections'][number]['items'][number];
type Section = TemplateDoc['sections'][number];

/** One checklist item: question and help text in Swedish (the source) and English. */
function item(id: string, sv: string, en: string, helpSv: string, helpEn: string): Item {
	return { id, text: { sv, en }, help: { sv: helpSv, en: helpEn } };
}

function section(id: string, sv: string, en: string, items: Item[]): Section {
	return { id, title: { sv, en }, items };
}

function physicalSections(): Section[] {
	return [
		section('premises', 'Lokaler och inomhusmiljö', 'Premises and indoor environment', [
			item(
				'physical-01',
				'Är gångytor, trappor och golv fria från hinder, spill och halkrisker?',
				'Are walkways, stairs and floors free from obstacles, spills and slipping hazards?',
				'Gå igenom korridorer, trappor och entréer och titta efter lösa mattor, sladdar, föremål på golvet och våta eller hala ytor.',
				'Walk through corridors, stairs and entrances and look for loose rugs, cables, objects on the floor and wet or slippery surfaces.',
			),
			item(
				'physical-02',
				'Är belysningen tillräcklig och bländfri vid arbetsplatser, i korridorer och utomhus vid entréer?',
				'Is the lighting sufficient and glare-free at workstations, in corridors and outdoors at entrances?',
				'Kontrollera trasiga armaturer, mörka hörn och reflexer i skärmar, och titta på entréerna även när det är mörkt ute.',
				'Check for broken light fittings, dark corners and reflections on screens, and look at the entrances after dark as well.',
			),
			item(
				'physical-03',
				'Upplevs luftkvalitet och temperatur som acceptabla, och fungerar ventilationen (senaste OVK känd)?',
				'Are air quality and temperature perceived as acceptable, and does the ventilation work (latest ventilation inspection known)?',
				'Fråga medarbetarna om drag, instängd luft och temperatur, och kontrollera datum och anmärkningar i senaste OVK-protokollet.',
				'Ask staff about draughts, stuffy air and temperature, and check the date and remarks in the latest ventilation inspection (OVK) report.',
			),
			item(
				'physical-04',
				'Är buller- och ljudmiljön rimlig för de arbetsuppgifter som utförs?',
				'Is the noise and sound environment reasonable for the work being done?',
				'Lyssna efter störande ljud från maskiner, ventilation och samtal, och fråga om det går att koncentrera sig och höra varandra.',
				'Listen for disturbing noise from machines, ventilation and conversation, and ask whether people can concentrate and hear each other.',
			),
		]),
		section('ergonomics', 'Ergonomi', 'Ergonomics', [
			item(
				'physical-05',
				'Kan arbetsplatser och bildskärmar ställas in efter den som använder dem (bord, stol, skärmhöjd)?',
				'Can workstations and screens be adjusted to the person using them (desk, chair, screen height)?',
				'Prova att höja och sänka bord, stol och skärm, och fråga om någon har besvär i nacke, axlar eller rygg.',
				'Try raising and lowering the desk, chair and screen, and ask whether anyone has pain in the neck, shoulders or back.',
			),
			item(
				'physical-06',
				'Finns rutiner och hjälpmedel för tunga eller upprepade lyft och förflyttningar?',
				'Are there routines and aids for heavy or repetitive lifting and moving?',
				'Titta på vilka lyft som görs i vardagen och kontrollera att lyfthjälpmedel finns, fungerar och faktiskt används.',
				'Look at the lifting done day to day and check that lifting aids are available, working and actually used.',
			),
		]),
		section('safety', 'Brand, nödlägen och risker', 'Fire, emergencies and hazards', [
			item(
				'physical-07',
				'Är utrymningsvägarna markerade, fria och möjliga att öppna inifrån utan nyckel?',
				'Are the escape routes marked, unobstructed and possible to open from the inside without a key?',
				'Följ utrymningsvägarna hela vägen ut, kontrollera att skyltarna lyser och prova att dörrarna går att öppna inifrån.',
				'Follow the escape routes all the way out, check that the signs are lit and try opening the doors from the inside.',
			),
			item(
				'physical-08',
				'Finns brandsläckare och larm som är kontrollerade, och känner medarbetarna till återsamlingsplatsen?',
				'Are there fire extinguishers and alarms that have been inspected, and do staff know where the assembly point is?',
				'Titta på kontrollmärkningen på släckare och larm, och fråga några medarbetare var återsamlingsplatsen finns.',
				'Look at the inspection labels on extinguishers and alarms, and ask a few staff members where the assembly point is.',
			),
			item(
				'physical-09',
				'Finns första hjälpen-utrustning, kännedom om hjärtstartare och uppdaterade nödnummer?',
				'Is there first aid equipment, awareness of where the defibrillator is, and up-to-date emergency numbers?',
				'Kontrollera att förbandslådan är komplett och inom datum, att alla vet var närmaste hjärtstartare finns och att nödnumren stämmer.',
				'Check that the first aid kit is complete and in date, that everyone knows where the nearest defibrillator is and that the emergency numbers are correct.',
			),
			item(
				'physical-10',
				'Förvaras kemiska produkter säkert, och finns aktuella säkerhetsdatablad?',
				'Are chemical products stored safely, and are current safety data sheets available?',
				'Titta i förråd och städutrymmen efter rätt märkta och låsta förpackningar, och kontrollera att säkerhetsdatabladen är lätta att hitta.',
				'Look in storerooms and cleaning cupboards for correctly labelled, locked-away containers, and check that the safety data sheets are easy to find.',
			),
			item(
				'physical-11',
				'Är elsladdar, uttag och apparater hela och rätt använda?',
				'Are electrical cables, sockets and appliances undamaged and used correctly?',
				'Leta efter skadade sladdar, lösa uttag, seriekopplade grenuttag och apparater som blir varma eller luktar bränt.',
				'Look for damaged cables, loose sockets, daisy-chained power strips and appliances that get hot or smell of burning.',
			),
		]),
		section('follow-up', 'Uppföljning', 'Follow-up', [
			item(
				'physical-12',
				'Har tidigare åtgärder från förra rondens handlingsplan genomförts och haft effekt?',
				'Have the measures from the previous round’s action plan been carried out and had an effect?',
				'Gå igenom förra rondens handlingsplan punkt för punkt och kontrollera på plats att åtgärderna verkligen löst problemet.',
				'Go through the previous round’s action plan point by point and check on site that the measures actually solved the problem.',
			),
		]),
	];
}

function osaSections(): Section[] {
	return [
		section('workload', 'Arbetsbelastning och resurser', 'Workload and resources', [
			item(
				'osa-01',
				'Vet medarbetarna vilka arbetsuppgifter de har och vilket resultat som förväntas?',
				'Do staff know what their tasks are and what results are expected?',
				'Fråga några medarbetare hur de beskriver sitt uppdrag och jämför med vad chefen förväntar sig.',
				'Ask a few staff members how they describe their role and compare it with what the manager expects.',
			),
			item(
				'osa-02',
				'Finns det en känd ordning för vad som ska prioriteras bort när tiden inte räcker?',
				'Is there a known order for what to drop when there is not enough time?',
				'Fråga vad medarbetarna gör när allt inte hinns med, och om prioriteringen är bestämd av chefen eller lämnas åt var och en.',
				'Ask what staff do when not everything can be done, and whether priorities are set by the manager or left to each individual.',
			),
			item(
				'osa-03',
				'Står resurserna (bemanning, kompetens, verktyg) i rimlig proportion till kraven?',
				'Are resources (staffing, skills, tools) reasonably in proportion to the demands?',
				'Titta på bemanning, vakanser, övertid och om det saknas kompetens eller verktyg för de uppgifter som ska göras.',
				'Look at staffing, vacancies, overtime and whether skills or tools are missing for the tasks to be done.',
			),
			item(
				'osa-04',
				'Finns det tid för återhämtning under och mellan arbetspassen?',
				'Is there time for recovery during and between work shifts?',
				'Kontrollera om raster faktiskt tas, hur schemat ser ut mellan passen och om det finns en plats att vila på.',
				'Check whether breaks are actually taken, how the schedule looks between shifts and whether there is somewhere to rest.',
			),
			item(
				'osa-05',
				'Är förväntningar på att vara nåbar utanför arbetstid uttalade och rimliga?',
				'Are expectations about being reachable outside working hours stated and reasonable?',
				'Fråga om medarbetarna läser mejl eller svarar i telefon på fritiden och om det finns en uttalad överenskommelse om det.',
				'Ask whether staff read email or answer the phone in their free time and whether there is a stated agreement about it.',
			),
			item(
				'osa-06',
				'Har chefen förutsättningar (tid, befogenheter, stöd) att hantera arbetsbelastningen i gruppen?',
				'Does the manager have the means (time, authority, support) to handle the workload in the group?',
				'Stäm av chefens antal medarbetare, mandat att omfördela resurser och vilket stöd som finns från HR och närmaste chef.',
				'Check the manager’s number of direct reports, mandate to reallocate resources and the support available from HR and their own manager.',
			),
		]),
		section('social', 'Mål och social arbetsmiljö', 'Goals and social work environment', [
			item(
				'osa-07',
				'Finns mål för den organisatoriska och sociala arbetsmiljön, och följs de upp?',
				'Are there goals for the organisational and social work environment, and are they followed up?',
				'Be att få se de skriftliga målen och när de senast följdes upp, till exempel på en arbetsplatsträff.',
				'Ask to see the written goals and when they were last followed up, for example at a staff meeting.',
			),
			item(
				'osa-08',
				'Är det tydligt uttalat att kränkande särbehandling inte accepteras?',
				'Is it clearly stated that victimisation is not accepted?',
				'Kontrollera att ställningstagandet finns skriftligt och att det har tagits upp med gruppen, inte bara finns i en policy.',
				'Check that the position is in writing and has been discussed with the group, not just written in a policy.',
			),
			item(
				'osa-09',
				'Vet alla vart de vänder sig vid kränkningar, trakasserier eller sexuella trakasserier, och hur ärendet hanteras?',
				'Does everyone know where to turn about victimisation, harassment or sexual harassment, and how the case is handled?',
				'Fråga några medarbetare vem de skulle kontakta, och kontrollera att rutinen anger en alternativ väg om chefen själv är inblandad.',
				'Ask a few staff members who they would contact, and check that the procedure gives another route if the manager is involved.',
			),
			item(
				'osa-10',
				'Fångas tidiga signaler som konflikter, ökad sjukfrånvaro eller ryktesspridning upp och hanteras?',
				'Are early warning signs such as conflicts, rising sick leave or spreading rumours picked up and dealt with?',
				'Titta på utvecklingen av korttidsfrånvaron och fråga hur konflikter och ryktesspridning har hanterats den senaste tiden.',
				'Look at the trend in short-term sick leave and ask how recent conflicts and rumours have been handled.',
			),
		]),
		section('participation', 'Delaktighet och förändringar', 'Participation and change', [
			item(
				'osa-11',
				'Har medarbetarna möjlighet att påverka hur arbetet planeras och fördelas?',
				'Do staff have the opportunity to influence how work is planned and distributed?',
				'Fråga hur schema och arbetsfördelning tas fram och om medarbetarnas synpunkter har lett till några ändringar.',
				'Ask how schedules and the distribution of work are drawn up and whether staff views have led to any changes.',
			),
			item(
				'osa-12',
				'Görs risk- och konsekvensbedömning tillsammans med skyddsombud inför förändringar?',
				'Are risk and impact assessments carried out together with the safety representative before changes?',
				'Be att få se bedömningen från den senaste förändringen och kontrollera att skyddsombudet var med innan beslutet fattades.',
				'Ask to see the assessment from the most recent change and check that the safety representative took part before the decision was made.',
			),
		]),
	];
}

function threatViolenceSections(): Section[] {
	return [
		section('routines', 'Riskbedömning och rutiner', 'Risk assessment and routines', [
			item(
				'threat-01',
				'Har riskerna för hot, våld och otillåten påverkan i våra arbetsuppgifter kartlagts och bedömts skriftligt?',
				'Have the risks of threats, violence and undue influence in our work tasks been mapped and assessed in writing?',
				'Be att få se den skriftliga riskbedömningen och kontrollera att den täcker de arbetsuppgifter som faktiskt utförs i dag.',
				'Ask to see the written risk assessment and check that it covers the tasks actually carried out today.',
			),
			item(
				'threat-02',
				'Finns skriftliga säkerhetsrutiner för riskfyllda moment, t.ex. hembesök, negativa besked och kassahantering?',
				'Are there written safety procedures for high-risk tasks, e.g. home visits, delivering negative decisions and handling cash?',
				'Kontrollera att varje riskfyllt moment i riskbedömningen har en egen rutin som säger hur man gör och vem som ska veta om det.',
				'Check that every high-risk task in the risk assessment has its own procedure saying what to do and who needs to know.',
			),
			item(
				'threat-03',
				'Känner alla berörda, även vikarier och nyanställda, till rutinerna?',
				'Do everyone concerned, including temporary staff and new employees, know the procedures?',
				'Fråga en nyanställd eller vikarie var rutinerna finns och hur introduktionen om säkerhet gick till.',
				'Ask a new employee or temp where the procedures are kept and how their safety induction was done.',
			),
			item(
				'threat-04',
				'Har medarbetarna fått utbildning i bemötande och i hur man agerar i en hotfull situation?',
				'Have staff been trained in how to deal with people and how to act in a threatening situation?',
				'Kontrollera vilka som har gått utbildningen, när den senast hölls och om det finns en plan för dem som inte har gått den.',
				'Check who has taken the training, when it was last held and whether there is a plan for those who have not.',
			),
		]),
		section('alarms', 'Larm och fysisk miljö', 'Alarms and physical environment', [
			item(
				'threat-05',
				'Kan man snabbt kalla på hjälp, och finns larm där det behövs?',
				'Can you call for help quickly, and are there alarms where they are needed?',
				'Gå igenom de platser där medarbetare möter allmänheten och kontrollera att larm finns inom räckhåll och fungerar.',
				'Go through the places where staff meet the public and check that alarms are within reach and working.',
			),
			item(
				'threat-06',
				'Är det bestämt vem som tar emot larm och vad som händer när ett larm går?',
				'Has it been decided who receives alarms and what happens when an alarm goes off?',
				'Fråga vem som larmet går till, även kvällar och helger, och vad den personen förväntas göra.',
				'Ask who the alarm goes to, including evenings and weekends, and what that person is expected to do.',
			),
			item(
				'threat-07',
				'Övas larm- och säkerhetsrutinerna regelbundet, och testas utrustningen?',
				'Are the alarm and safety procedures practised regularly, and is the equipment tested?',
				'Kontrollera när den senaste övningen och det senaste larmtestet gjordes och om bristerna som upptäcktes har åtgärdats.',
				'Check when the last drill and the last alarm test took place and whether any shortcomings found have been fixed.',
			),
			item(
				'threat-08',
				'Är mottagningsrum och besöksplatser utformade med två utgångar och utan tillhyggen inom räckhåll?',
				'Are reception rooms and visitor areas designed with two exits and with nothing within reach that could be used as a weapon?',
				'Titta på möblering och dörrar i rummen och leta efter lösa föremål som sax, tunga saker eller vassa föremål som kan användas som vapen.',
				'Look at the furniture and doors in the rooms and check for loose items such as scissors, heavy objects or sharp things that could be used as weapons.',
			),
			item(
				'threat-09',
				'Undviks ensamarbete i situationer där risken för våld är påtaglig?',
				'Is working alone avoided in situations where there is a clear risk of violence?',
				'Titta på scheman och rutiner för hembesök, kvällar och öppning och stängning, och fråga när medarbetare faktiskt är ensamma.',
				'Look at schedules and procedures for home visits, evenings and opening and closing, and ask when staff are actually alone.',
			),
		]),
		section('incidents', 'Händelser, anmälan och stöd', 'Incidents, reporting and support', [
			item(
				'threat-10',
				'Finns rutiner för hot som kommer via telefon, e-post och sociala medier, inklusive hur sådant dokumenteras?',
				'Are there procedures for threats received by phone, email and social media, including how they are documented?',
				'Kontrollera att rutinen säger hur hotet sparas, till exempel skärmbild eller anteckning med tid, och vem som ska informeras.',
				'Check that the procedure says how the threat is kept, for example a screenshot or a note with the time, and who must be informed.',
			),
			item(
				'threat-11',
				'Rapporteras alla händelser, även de som upplevs som ”små”, och följs de upp?',
				'Are all incidents reported, even those felt to be “minor”, and are they followed up?',
				'Jämför antalet rapporterade händelser med vad medarbetarna berättar och kontrollera att rapporterna har lett till åtgärder.',
				'Compare the number of reported incidents with what staff describe and check that the reports have led to action.',
			),
			item(
				'threat-12',
				'Vet chefen när en händelse ska anmälas till Arbetsmiljöverket samma dag (allvarligt tillbud eller skada)?',
				'Does the manager know when an incident must be reported to the Swedish Work Environment Authority the same day (serious near miss or injury)?',
				'Fråga chefen vad som räknas som allvarligt tillbud eller allvarlig skada och hur anmälan görs, även när chefen själv inte är på plats.',
				'Ask the manager what counts as a serious near miss or serious injury and how it is reported, even when the manager is not on site.',
			),
			item(
				'threat-13',
				'Finns rutiner för stöd efter en händelse, som avlastningssamtal, företagshälsovård och hjälp med polisanmälan?',
				'Are there procedures for support after an incident, such as debriefing conversations, occupational health services and help with reporting to the police?',
				'Kontrollera att rutinen anger vem som ansvarar för stödet och hur man når företagshälsovården, även utanför kontorstid.',
				'Check that the procedure says who is responsible for support and how to reach occupational health services, including outside office hours.',
			),
		]),
	];
}

/**
 * The three starter round templates, version 1, to seed into the `org` scope on first start.
 * @example starterTemplates(new Date().toISOString()).map((t) => t._id) // ['template:physical.v1', 'template:osa.v1', 'template:threat-violence.v1']
 */
export function starterTemplates(now: string): TemplateDoc[] {
	const base = {
		type: 'template',
		scope: 'org',
		version: 1,
		status: 'published',
		retired: false,
		createdAt: now,
		updatedAt: now,
	} as const;
	return [
		{
			...base,
			_id: 'template:physical.v1',
			family: 'physical',
			kind: 'physical',
			title: { sv: 'Fysisk skyddsrond', en: 'Physical safety round' },
			legalRef: 'AFS 2023:1',
			sections: physicalSections(),
		},
		{
			...base,
			_id: 'template:osa.v1',
			family: 'osa',
			kind: 'osa',
			title: {
				sv: 'OSA-rond (organisatorisk och social arbetsmiljö)',
				en: 'OSA round (organisational and social work environment)',
			},
			legalRef: 'AFS 2023:1, AFS 2023:2',
			sections: osaSections(),
		},
		{
			...base,
			_id: 'template:threat-violence.v1',
			family: 'threat-violence',
			kind: 'threat_violence',
			title: {
				sv: 'Hot och våld, inklusive otillåten påverkan',
				en: 'Threats and violence, including undue influence',
			},
			legalRef: 'AFS 2023:1, AFS 2023:2',
			sections: threatViolenceSections(),
		},
	];
}
