import type { svMore } from './sv-more.ts';

/**
 * Swedish: the source language. Every key here and in sv-more.ts must exist in en.ts (the
 * compiler checks it). This part is what the sign-in page and the app's frame need; the rest
 * (sv-more.ts) is loaded before any other page is drawn, so the first visit does not carry it.
 */
export const sv = {
	'app.name': 'Trygg',
	'app.tagline': 'Systematiskt arbetsmiljöarbete – även utan nät',
	'app.skip': 'Hoppa till innehållet',
	'nav.label': 'Huvudmeny',
	'nav.home': 'Översikt',
	'nav.rounds': 'Skyddsronder',
	'nav.templates': 'Mallar',
	'nav.sync': 'Synkkö',
	'nav.signOut': 'Logga ut',
	'lang.label': 'Språk',
	// -- admin and memberships (add keys here)
	'nav.admin': 'Användare',
	'lang.switch': 'In English',
	'signIn.title': 'Logga in',
	'signIn.name': 'Användarnamn',
	'signIn.password': 'Lösenord',
	'signIn.submit': 'Logga in',
	'signIn.busy': 'Loggar in …',
	'signIn.offline': 'Du är offline. Första inloggningen kräver nät; därefter fungerar Trygg utan nät.',
	'signIn.demo':
		'Demokonton: chef, chef2, avdchef, skyddsombud, huvudskyddsombud, arbetstagarrep, medarbetare (och medarbetare2–12, a2-medarbetare1–4), hr, admin – lösenord trygg-demo.',
	'session.expired': 'Din inloggning har gått ut. Logga in igen – inget av det du gjort går förlorat.',
	'session.signInAgain': 'Logga in igen',
	'signOut.unsentOne': '1 ändring har inte skickats till servern än.',
	'signOut.unsentCount': '{count} ändringar har inte skickats till servern än.',
	'signOut.explain':
		'Loggar du ut nu stannar de på den här enheten och skickas nästa gång du loggar in här. Ingen annan som loggar in ser dem.',
	'signOut.wait': 'Vänta på synk och logga ut',
	'signOut.waiting': 'Skickar … du loggas ut när allt är skickat.',
	'signOut.offline': 'Enheten är utan nät. Ändringarna skickas när nätet är tillbaka.',
	'signOut.stuck': 'Servern har nekat några ändringar, så de skickas inte av sig själva. Se Synkkö.',
	'signOut.anyway': 'Logga ut ändå',
	'signOut.cancel': 'Avbryt',
	'sync.region': 'Synkstatus',
	'sync.online': 'Online',
	'sync.offline': 'Offline',
	'sync.noServer': 'Ingen kontakt med servern',
	'sync.syncing': 'Synkar …',
	'sync.pending': '{count} ändringar väntar',
	// -- round walking, answers and findings (add keys here)
	'sync.pendingOne': '1 ändring väntar',
	'sync.allSynced': 'Allt synkat',
	'sync.lastSync': 'Senast synkat {time}',
	'sync.never': 'Inte synkat än',
	'sync.retry': 'Försök igen',
	'sync.refused': '{count} ändringar nekades',
	'sync.queue.title': 'Synkkö',
	'sync.queue.intro': 'Ändringar som sparats på enheten men ännu inte tagits emot av servern.',
	'sync.queue.empty': 'Inget väntar. Allt du sparat finns på servern.',
	'sync.queue.waiting': 'Väntar',
	'sync.queue.refusedHeading': 'Nekade',
	'sync.queue.reason': 'Orsak',
	'sync.queue.doc': 'Dokument',
	'sync.queue.status': 'Status',
	'sync.queue.retry': 'Skicka igen',
	// -- templates and planning (add keys here)
	'nav.prereports': 'Inför ronden',
	// Anonymous surveys: HR's editor, campaigns and participation (issue 13).
	'nav.surveys': 'Enkäter',
	'nav.participation': 'Deltagande',
	'sync.queue.discard': 'Släng ändringen',
	'update.available': 'En ny version av Trygg finns.',
	'update.apply': 'Uppdatera nu',
	'update.later': 'Senare',
	'update.applying': 'Sparar och uppdaterar …',
	// -- sign-off and report (add keys here)
	'form.required': 'Fyll i {field}.',
	'error.bad_request': 'Begäran kunde inte tolkas.',
	'error.unauthorized': 'Fel användarnamn eller lösenord.',
	'error.forbidden': 'Du har inte behörighet till detta.',
	'error.not_found': 'Det du söker finns inte.',
	'error.conflict': 'Någon annan ändrade samma sak samtidigt. Försöker igen.',
	'error.invalid': 'Uppgifterna är inte giltiga: {reason}',
	'error.too_large': 'Det är för stort för att skickas.',
	'error.rate_limited': 'För många försök. Vänta en stund och försök igen.',
	'error.rate_limited.seconds': 'För många försök. Försök igen om {count} sekunder.',
	'error.rate_limited.minutes': 'För många försök. Försök igen om {count} minuter.',
	'error.revoked': 'Du har inte längre åtkomst till den här enheten.',
	'error.network': 'Ingen kontakt med servern. Ändringarna ligger kvar och skickas när nätet är tillbaka.',
	'error.quota': 'Enheten har slut på lagringsutrymme. Det som redan sparats finns kvar.',
	'error.server': 'Något gick fel på servern. Försök igen om en stund.',
	'notFound.title': 'Sidan finns inte',
	// -- sync queue and conflicts (add keys here)
	'sync.syncingNow': 'Synkar …',
	'sync.refusedOne': '1 ändring nekades',
	'sync.revokedLinkOne': '1 ändring kunde inte levereras',
	'sync.revokedLink': '{count} ändringar kunde inte levereras',
	'sync.revokedScopeLink': 'Åtkomst till en enhet har tagits bort',
	'sync.queue.summary': '{waiting} väntar · {refused} nekade · {revoked} utan åtkomst',
	'sync.queue.waitingHeading': 'Väntar på att skickas',
	'sync.queue.waitingIntro': 'Sparat på enheten. Skickas automatiskt när det finns nät.',
	'sync.queue.syncNow': 'Synka nu',
	'sync.queue.refusedIntro':
		'Servern tog inte emot de här ändringarna. De finns kvar tills du skickar dem igen eller slänger dem.',
	'sync.queue.retryAll': 'Skicka alla nekade igen',
	'sync.queue.revokedHeading': 'Kunde inte levereras',
	'sync.queue.revokedIntro':
		'Du har inte längre åtkomst till enheten. Dess uppgifter har tagits bort från den här enheten. Ändringarna nedan nådde aldrig servern: skriv av det du behöver och släng dem sedan.',
	'sync.queue.revokedScope':
		'Din åtkomst till {unit} har tagits bort. Enhetens uppgifter har tagits bort från den här enheten.',
	'sync.queue.what': 'Vad',
	'sync.queue.unit': 'Enhet',
	'sync.queue.since': 'Sparad',
	'sync.queue.actions': 'Åtgärder',
	'sync.queue.retryItem': 'Skicka igen: {title}',
	'sync.queue.discardItem': 'Släng ändringen: {title}',
	'sync.queue.confirmDiscard': 'Släng ändringen av {title}? Den kan inte återställas.',
	'sync.queue.clockAhead':
		'Enhetens klocka går mer än en vecka före. Ställ in rätt datum och tid på enheten och gör ändringen igen.',
	'sync.queue.deletedElsewhere': 'Någon annan tog bort dokumentet medan du ändrade det. Borttagningen gäller.',
	'sync.queue.unknownVersion':
		'Servern känner inte igen versionen som ändringen bygger på, så den kan inte skickas. Kasta ändringen och gör om den.',
	'sync.queue.recordedTooOld':
		'Tiden i ändringen ligger mer än 7 dagar bakåt. Servern tar inte emot underskrifter, svar, kvittenser eller andra noteringar som dateras så långt tillbaka. Släng ändringen och gör om den nu.',
	'sync.queue.recordedAhead':
		'Tiden i ändringen ligger före serverns klocka. Kontrollera datum och tid på enheten, låt den synka och gör sedan om ändringen.',
	'sync.queue.recordedName':
		'Namnet i ändringen är inte namnet på ditt konto. Låt enheten synka så att den får ditt kontos namn, släng sedan ändringen och gör om den.',
	'sync.queue.createdByFixed':
		'Vem som skapade dokumentet kan inte ändras i efterhand. Släng ändringen och gör om den utan att ändra det.',
	'sync.queue.sameSigner':
		'Chef och skyddsombud signerar med två olika konton. Samma konto kan inte signera för båda rollerna, inte heller om kontot har båda rollerna.',
	'sync.queue.templateAnswered':
		'Ronden har redan svar, så mallen kan inte bytas. Släng ändringen och planera en ny rond om en annan mall behövs.',
	'sync.queue.coSignerNotMember':
		'Den inbjudna medsigneraren är inte arbetstagarrepresentant i enheten. Välj en av enhetens arbetstagarrepresentanter.',
	'sync.queue.coSignerByManager': 'Bara enhetens chef kan bjuda in en medsignerare.',
	'sync.queue.notInvited':
		'Du är inte inbjuden att signera den här ronden som arbetstagarrepresentant. Be chefen bjuda in dig först.',
	'sync.queue.storeRefused':
		'Serverns databas tog inte emot ändringen, fast den följer reglerna. Ändringen finns kvar här. Kontakta den som förvaltar Trygg.',
	'sync.queue.olderApp':
		'Ändringen gjordes i en äldre version av appen, och servern kan inte föra över den till den nya. Ändringen finns kvar här. Kontakta den som förvaltar Trygg.',
	'sync.queue.templateNotPublished':
		'Ronden bygger på en mallversion som inte är publicerad, eller på en annan version än ronden anger. Välj en publicerad mall för ronden.',
	'sync.queue.tooDeep':
		'Ändringen har fler nivåer än servern tar emot, så den kan inte skickas. Kasta ändringen och gör om den.',
	'sync.queue.quotaScope':
		'Servern tar inte emot fler dokument här: gränsen för hur många dokument som får sparas är nådd. Ändringen finns kvar på den här enheten. Kontakta administratören.',
	'sync.queue.quotaPerson':
		'Du har skapat så många dokument här i dag som en person får. Ändringen finns kvar på den här enheten: skicka den igen i morgon.',
	'sync.queue.quotaLocal':
		'Du har så många kontrollpunkter för synkning här som en person får. Kontakta administratören.',
	'sync.queue.quotaPhotosScope':
		'Servern tar inte emot fler foton här: gränsen för antal foton eller deras storlek är nådd. Fotot finns kvar på den här enheten. Kontakta administratören.',
	'sync.queue.quotaPhotosPerson':
		'Du har laddat upp så många foton här som en person får. Fotot finns kvar på den här enheten. Kontakta administratören.',
	// Surveys and campaigns (decision 0030): the server's write rules.
	'sync.queue.surveyPublished':
		'En publicerad enkätversion ändras inte, utom att den kan tas ur bruk. Gör en ny version för att ändra den.',
	'sync.queue.surveyKeepsVersion': 'En enkätversion behåller sin enkätfamilj och sitt versionsnummer.',
	'sync.queue.surveyUnchanged':
		'Utkastet är likadant som den senast publicerade versionen. Ändra något innan du publicerar.',
	'sync.queue.campaignSurvey': 'En enkätomgång måste använda en publicerad enkätversion som inte är tagen ur bruk.',
	'sync.queue.campaignK': 'Enkätomgångens minsta gruppstorlek får inte vara lägre än enkätens.',
	'sync.queue.campaignTarget': 'Enheten som enkätomgången riktar sig till finns inte.',
	'sync.queue.campaignTooFew':
		'Enheten har färre personer än enkätens minsta gruppstorlek, så svaren skulle inte kunna hållas anonyma. Välj en större del av organisationen.',
	'sync.queue.campaignFixed':
		'Enkätomgången har öppnat: enhet, enkät och minsta gruppstorlek kan inte längre ändras. Datum kan ändras och omgången kan ställas in.',
	'sync.queue.campaignDeleted': 'En enkätomgång som har öppnat tas inte bort. Ställ in den i stället.',
	'sync.queue.noneWaiting': 'Inget väntar.',
	'sync.queue.type.round': 'Skyddsrond',
	'sync.queue.type.unit': 'Enhet',
	'sync.queue.type.template': 'Mall',
	'sync.queue.type.answer': 'Svar',
	'sync.queue.type.finding': 'Iakttagelse',
	'sync.queue.type.assessment': 'Riskbedömning',
	'sync.queue.type.action': 'Åtgärd',
	'sync.queue.type.signature': 'Underskrift',
	'sync.queue.type.prereport': 'Förhandsanmälan',
	'sync.queue.type.reopening': 'Återöppning',
	'sync.queue.type.settings': 'Inställningar',
	'sync.queue.type.request': 'Begäran (6 kap. 6 a §)',
	'sync.queue.type.workstop': 'Skyddsombudsstopp',
	'sync.queue.type.followup': 'Årlig uppföljning',
	'sync.queue.roundTitle': '{template}, {date}',
	'sync.queue.scope.org': 'Organisationen',
	'sync.queue.scope.user': 'Dina egna uppgifter',
	'sync.queue.scope.reports': 'Rapporter',
	// -- photos (add keys here)
	'error.unsupported_media': 'Filen är inte en bild. Välj ett foto (JPEG, PNG eller WebP).',
	'error.unreadable': 'Bilden kunde inte läsas. Filen kan vara skadad eller i ett format som enheten inte kan öppna.',
	// -- access and security (add keys here)
	'error.page': 'Sidan kunde inte visas. Det som sparats på enheten finns kvar.',
	'error.page.title': 'Något gick fel',
	'notFound.back': 'Till översikten',
	// -- safety rep requests and work stops (add keys here)
	'nav.requests': 'Begäranden och stopp',
	'nav.overdueOne': '1 försenad',
	'nav.overdueCount': '{count} försenade',
	// -- risk settings (add keys here)
	'nav.riskSettings': 'Riskmatris',
	// -- keyboard and screen readers (add keys here)
	'a11y.itemSuffix': ' (fråga {n})',
	'a11y.findingSuffix': ' (iakttagelse {n})',
	// -- annual follow-up (add keys here)
	'nav.followUps': 'Årlig uppföljning',
	// -- actions and action plan (add keys here)
	'nav.actions': 'Mina åtgärder',
	'nav.actionsBadge': 'Mina åtgärder, {overdue} försenade, {soon} inom 14 dagar',
	'nav.plan': 'Handlingsplan',
	'sync.queue.type.actionlog': 'Åtgärdshistorik',
	'sync.queue.type.survey': 'Enkät',
	'sync.queue.type.campaign': 'Enkätomgång',
	'sync.surveys.heading': 'Enkätsvar',
	'sync.surveys.waiting': 'Enkätsvar som väntar på att skickas: {count}. De skickas utan ditt namn när du har nät.',
	'sync.surveys.refusedIntro':
		'Servern tog inte emot de här enkätsvaren. Svaren finns kvar på den här enheten; öppna enkäten för att se varför.',
	'sync.queue.type.report': 'Rapport',
	'nav.reports': 'Rapporter',
	// -- follow-up facts: requests and work stops (add keys here)
	// -- actions of a finding (add keys here)
	// -- accounts and sessions: own password, admin sign-out and removal (add keys here)
	'nav.account': 'Mitt konto',
	'account.title': 'Mitt konto',
	'account.signedInAs': 'Du är inloggad som {displayName} ({name}).',
	'account.password.heading': 'Byt lösenord',
	'account.password.intro':
		'När du byter lösenord loggas du ut på alla dina andra enheter. Den här enheten är fortfarande inloggad och behåller allt som finns på den.',
	'account.password.current': 'Nuvarande lösenord',
	'account.password.new': 'Nytt lösenord',
	'account.password.newHint': 'Minst {min} tecken. En mening med några ord är lätt att minnas och svår att gissa.',
	'account.password.confirm': 'Upprepa det nya lösenordet',
	'account.password.submit': 'Byt lösenord',
	'account.password.busy': 'Byter lösenord …',
	'account.password.done':
		'Lösenordet är bytt. Du är utloggad på alla dina andra enheter och loggar in där med det nya lösenordet. Den här enheten är fortfarande inloggad.',
	'account.password.offline':
		'Du är offline. Lösenordet kan bara bytas med nät; det sparas aldrig på enheten för att skickas senare.',
	'account.password.required.password': 'Fyll i ditt nuvarande lösenord.',
	'account.password.required.newPassword': 'Fyll i ett nytt lösenord.',
	'account.password.required.confirm': 'Skriv det nya lösenordet en gång till.',
	'account.password.tooShort': 'Det nya lösenordet måste ha minst {min} tecken.',
	'account.password.tooLong': 'Lösenordet får ha högst {max} tecken.',
	'account.password.mismatch': 'Lösenorden är inte likadana.',
	'error.wrongCurrentPassword': 'Det nuvarande lösenordet stämmer inte.',
	'error.ownAccount': 'Du kan inte ta bort ditt eget konto.',
	'error.network.onlineOnly': 'Ingen kontakt med servern. Det här kräver nät – försök igen när enheten är online.',
	// -- navigation on small screens, accessibility statement (issue 12)
	'nav.menu': 'Meny',
	'nav.compactLabel': 'Huvudmeny (kompakt)',
	'nav.menuDue': '{count} att göra',
	'a11y.footerLink': 'Tillgänglighetsredogörelse',
	'a11y.title': 'Tillgänglighetsredogörelse',
	'a11y.intro':
		'Trygg används av din arbetsgivare för det systematiska arbetsmiljöarbetet. Vi vill att så många som möjligt ska kunna använda appen. Den här redogörelsen beskriver hur Trygg uppfyller lagen (2018:1937) om tillgänglighet till digital offentlig service, kända tillgänglighetsproblem och hur du kan rapportera brister så att vi kan åtgärda dem.',
	'a11y.scope':
		'Redogörelsen gäller hela appen Trygg: inloggning, översikt, skyddsronder, begäranden och stopp, åtgärder, årlig uppföljning, mallar och inställningar.',
	'a11y.howTitle': 'Hur tillgänglig är appen?',
	'a11y.how':
		'Trygg är delvis förenlig med lagen om tillgänglighet till digital offentlig service på grund av de brister som beskrivs nedan. Appen går att använda helt med tangentbord och skärmläsare, fungerar i 320 pixlars bredd och förstoring till 400 procent, och har text som uppfyller kontrastkraven.',
	'a11y.problemsTitle': 'Vad kan du göra om du inte kan använda delar av appen?',
	'a11y.problems':
		'Om du behöver innehåll i ett annat format, till exempel en rondrapport eller handlingsplan som text i stället för utskrift, kontakta din chef eller den som förvaltar Trygg hos din arbetsgivare. Alla rapporter går också att exportera som CSV-filer.',
	'a11y.reportTitle': 'Rapportera brister i appens tillgänglighet',
	'a11y.report':
		'Vi strävar hela tiden efter att förbättra tillgängligheten. Om du upptäcker problem som inte beskrivs här, eller om du anser att vi inte uppfyller lagens krav, meddela den som förvaltar Trygg hos din arbetsgivare (din HR-funktion eller systemförvaltare) så att vi får veta att problemet finns. Beskriv var i appen problemet finns och vad som hände.',
	'a11y.enforcementTitle': 'Tillsyn',
	'a11y.enforcement':
		'Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn över lagen om tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du kontakta Myndigheten för digital förvaltning och påpeka det.',
	'a11y.enforcementLink': 'Anmäl till Myndigheten för digital förvaltning (digg.se)',
	'a11y.technicalTitle': 'Teknisk information om appens tillgänglighet',
	'a11y.technical':
		'Trygg är delvis förenlig med lagen om tillgänglighet till digital offentlig service, på grund av de brister som beskrivs nedan. Målet är full förenlighet med WCAG 2.1 nivå AA (EN 301 549).',
	'a11y.shortcomingsTitle': 'Innehåll som inte är tillgängligt',
	'a11y.shortcoming1':
		'Foton från skyddsronder saknar egna textbeskrivningar; de beskrivs bara av iakttagelsens rubrik och kommentar (WCAG 1.1.1).',
	'a11y.shortcoming2':
		'Utskrivna rapporter (PDF via webbläsarens utskrift) får den struktur webbläsaren ger dem och är inte granskade som egna PDF-dokument (WCAG 1.3.1).',
	'a11y.shortcoming3':
		'Datumfälten använder webbläsarens inbyggda datumväljare, vars tillgänglighet skiljer sig mellan webbläsare och skärmläsare (WCAG 4.1.2).',
	'a11y.shortcoming4':
		'Alla formulär visar ännu inte sina fel i en sammanfattning överst; inloggningen och formulären för begäranden och arbetsmiljöstopp gör det (WCAG 3.3.1).',
	'a11y.testedTitle': 'Hur vi testat appen',
	'a11y.tested':
		'Vi har gjort en självskattning (intern granskning) av Trygg. Varje sida granskas automatiskt med axe mot WCAG 2.1 AA på svenska och engelska, och automatiska tester mäter fokusmarkeringarnas kontrast, att inget rullar i sidled i 320 pixlars bredd, vart fokus flyttas efter navigering och åtgärder, vad statusmeddelanden läser upp och att felsammanfattningar länkar till sina fält. Appen har också prövats med enbart tangentbord.',
	'a11y.dates': 'Senaste bedömningen gjordes den {assessed}. Redogörelsen uppdaterades senast den {updated}.',
	// -- form error summary (issue 12)
	'form.summaryOne': 'Det finns ett fel att rätta',
	'form.summary': 'Det finns {count} fel att rätta',
	'form.requiredMark': '(obligatoriskt)',
	'signIn.missingName': 'Fyll i ditt användarnamn.',
	'signIn.missingPassword': 'Fyll i ditt lösenord.',
	// -- start page (issue 12)
	// -- anonymous surveys on the phone (issue 13)
} as const;

export type MessageKey = keyof typeof sv | keyof typeof svMore;
