// Rehabit on the phone: today's exercises, each one's how-to (#exercise/<id>-<session>), the
// client's progress, check-offs that survive being offline, a follow-along timer, and the
// client's settings (#settings). Plain JS on the public API (/api/v1/...); no build
// step. State kept in localStorage:
//   rehabit.token   the API token (Authorization: Token ...)
//   rehabit.queue   check-offs not yet confirmed by the server, each with the uuid made here and
//                   the id of the client who made it (`account`): only they send it or see it
//   rehabit.today   the last /me/today/ answer, so the list shows while offline, with `seen_on`,
//                   the client's date when it came: once that has passed, the list is stale
//   rehabit.me      the last /me/ answer, so the settings show (read-only) while offline
//   rehabit.programs  the last /me/assignments/ answer with the id of its client (`account`), so
//                   the program card (handout, what changed) shows while offline
//   rehabit.progress  the last /me/adherence/ answer with its client (`account`) and when it came
//                   (`seen_at`), shown offline as the figures of that time
//   rehabit.signing_out  a sign-out the server has not confirmed yet (offline): {token, account}
//   rehabit.push    this phone's Web Push subscription on the server: {id, account, endpoint}
"use strict";

const API = "/api/v1";
const KEYS = {
  token: "rehabit.token",
  queue: "rehabit.queue",
  today: "rehabit.today",
  me: "rehabit.me",
  programs: "rehabit.programs",
  progress: "rehabit.progress",
  signingOut: "rehabit.signing_out",
  push: "rehabit.push",
};
const $ = (id) => document.getElementById(id);

// The page's words are Django's JavaScript catalogue (/app/jsi18n/<language>.js, loaded before this
// file: window.gettext, ngettext, interpolate), in the page's language; `{name}` marks a value:
// t(gettext("Today, {date}"), { date }).
const t = (text, values = {}) => text.replace(/\{(\w+)\}/g, (_, name) => values[name]);
// How many days back a check-off may go (clients/checkoffs/completions.py), for its refusal.
const PAGE = JSON.parse($("phone-page").textContent);
const LANGUAGE = document.documentElement.lang;
// Whether the browser is signed in on the web as a client, and its CSRF token (clients/views.py).
const WEB_SESSION = JSON.parse($("web-session").textContent);

// --- storage and network ---------------------------------------------------------------

const store = {
  get: (key, fallback) => JSON.parse(localStorage.getItem(key) || "null") ?? fallback,
  set: (key, value) => localStorage.setItem(key, JSON.stringify(value)),
  drop: (key) => localStorage.removeItem(key),
};

// Without `token` the stored one is sent; should the server refuse it, see tokenAfter.
// An answer whose body is cut off on its way (the connection drops after its headers) fails as no
// answer at all does: taken as an empty one, it replaced what the page keeps for offline (the
// progress, the list, who is signed in) with nothing. So does a success that is not JSON; an
// error's body that is not (a proxy's error page) is `null`, its status saying enough.
async function api(path, options = {}) {
  const response = await request(API + path, options);
  const body = await response.text();
  let data = null;
  try {
    data = body ? JSON.parse(body) : null;
  } catch (error) {
    if (response.ok) throw error;
  }
  return { status: response.status, ok: response.ok, data };
}

async function request(url, { method = "GET", body, token, accept = "application/json" } = {}) {
  const stored = token === undefined;
  if (stored) token = store.get(KEYS.token);
  let response = method === "GET" && stored ? await early(url, token) : null;
  response ??= await send(url, { method, body, token, accept });
  if (response.status !== 401 || !stored || !token) return response;
  const fresh = await tokenAfter(token);
  return fresh ? send(url, { method, body, token: fresh, accept }) : response;
}

// A first-load read the page's head started for this token (templates/app/early.js), taken once;
// null when there is none (or it failed: offline, the request is made again and fails as any other
// would). With check-offs waiting it does not read the list: that comes after they are synced.
async function early(url, token) {
  const started = window.rehabitEarly;
  const path = url.slice(API.length);
  if (started?.token !== token || !started.answers[path]) return null;
  const answer = started.answers[path];
  delete started.answers[path];
  return answer;
}

function send(url, { method, body, token, accept }) {
  const headers = {};
  if (accept) headers.Accept = accept;
  if (token) headers.Authorization = `Token ${token}`;
  if (method !== "GET") headers["X-CSRFToken"] = WEB_SESSION.csrf; // used only where the web session signs in
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

let renewing = null;

// The token to use instead of one the server refused (it expired, or a password changed on the
// web revoked it): one another request has already got, else a fresh one from the browser's web
// session, which a password change keeps. With neither, the client is signed out and told why.
async function tokenAfter(refused) {
  const current = store.get(KEYS.token);
  if (current !== refused) return current;
  renewing ??= renewToken().finally(() => (renewing = null));
  return renewing;
}

async function renewToken() {
  let answer = null;
  if (WEB_SESSION.client && !store.get(KEYS.signingOut) && (await webSessionIs(store.get(KEYS.me)?.id))) {
    answer = await api("/auth/token/session/", { method: "POST", token: null }).catch(() => null);
  }
  if (answer?.ok) {
    store.set(KEYS.token, answer.data.token);
    return answer.data.token;
  }
  signedOut(gettext("Your sign-in has expired. Please sign in again."));
  return null;
}

// The browser may since have signed in on the web as someone else (a shared phone): their session
// must not carry on this client's page, nor send this client's waiting check-offs as theirs.
async function webSessionIs(account) {
  if (account == null) return false;
  const me = await api("/me/", { token: null }).catch(() => null);
  return me?.ok === true && me.data.id === account;
}

// The check-offs waiting here that belong to whoever is signed in now. One queued before the page
// knew who that is has no `account`, and goes with whoever signs in.
function myQueue(queue = store.get(KEYS.queue, [])) {
  const account = store.get(KEYS.me)?.id;
  return queue.filter((q) => q.account == null || q.account === account);
}

// The API's messages are in English for programs to read: the page says the errors a client can
// meet in its own words (EXPLAINED, below), by code (and field), and a sentence of its own for
// any other. `kind` is the place: "sign_in", "refused" (a check-off) or "error" (settings).
function explain(kind, error) {
  const words = EXPLAINED[kind];
  return words[`${error?.field}_${error?.code}`] ?? words[error?.code] ?? words.unexplained;
}

const EXPLAINED = {
  sign_in: {
    authentication_failed: gettext("Email or password is not right."),
    email_blank: gettext("Please enter your email address."),
    email_invalid: gettext("Please enter a valid email address, such as name@example.com."),
    password_blank: gettext("Please enter your password."),
    throttled: gettext("Too many attempts to sign in. Please wait a few minutes and try again."),
    unexplained: gettext("Signing in did not work just now. Please try again."),
  },
  refused: {
    date_in_future: gettext("That day has not come yet where you are."),
    before_start: gettext("Your program had not started yet on that day."),
    after_end: gettext("Your program had already ended on that day."),
    too_far_back: interpolate(ngettext("Check-offs can go back %(days)s day at most.", "Check-offs can go back %(days)s days at most.", PAGE.check_off_days_back), { days: PAGE.check_off_days_back }, true),
    session_past_schedule: gettext("That session is not in your program on that day."),
    not_found: gettext("That exercise is no longer in your program."),
    unexplained: gettext("Rehabit did not accept it."),
  },
  error: {
    quiet_hours_incomplete: gettext("Quiet hours need both a start and an end, or neither."),
    unknown_timezone: gettext("Rehabit does not know this time zone. Please choose one from the list."),
    null: gettext("Please fill this in."),
    unexplained: gettext("Please check this value."),
  },
};

// Works outside secure contexts too (a phone on plain http on the local network).
function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function say(message) {
  $("status").textContent = message;
}

// --- sign in / out ---------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  $("sign-in-error").textContent = "";
  const body = { email: $("email").value.trim(), password: $("password").value };
  let answer;
  try {
    answer = await api("/auth/token/", { method: "POST", body });
  } catch {
    $("sign-in-error").textContent = gettext("No connection. Signing in needs the internet once.");
    return;
  }
  if (!answer.ok) {
    const errors = answer.data?.errors?.length ? answer.data.errors : [answer.data];
    $("sign-in-error").textContent = [...new Set(errors.map((error) => explain("sign_in", error)))].join(" ");
    $(errors[0]?.field === "password" ? "password" : "email").focus();
    return;
  }
  $("password").value = "";
  await signedIn(answer.data.token);
}

async function signedIn(token) {
  store.set(KEYS.token, token);
  finishSignOut(); // an earlier sign-out not yet confirmed: its own token and web session still end
  route();
  await refresh();
}

// Signed in on the web already (the invitation page, the sign-in page): that session gets this
// phone its own token, so nobody signs in twice. Not while a sign-out is still unconfirmed.
async function signInWithWebSession() {
  say(gettext("Signing you in…"));
  let answer = null;
  try {
    answer = await api("/auth/token/session/", { method: "POST" });
  } catch {
    /* offline: the form says signing in needs a connection */
  }
  if (answer?.ok) return signedIn(answer.data.token);
  say(answer ? "" : gettext("No connection. Signing in needs the internet once."));
  route();
}

// Signed out here at once; the server revokes the token and ends the web session as soon as it
// can be reached, and until then the web session is not used to sign back in.
async function signOut() {
  store.set(KEYS.signingOut, { token: store.get(KEYS.token), account: store.get(KEYS.me)?.id });
  const waiting = myQueue().length;
  walk.drop(); // a session under way is the person's who leaves, never the next one's
  stopPushOnSignOut();
  forgetLanguage();
  signedOut(waiting ? t(ngettext("You are signed out. {count} check-off not sent yet waits on this phone until you sign in again.", "You are signed out. {count} check-offs not sent yet wait on this phone until you sign in again.", waiting), { count: waiting }) : gettext("You are signed out."));
  await finishSignOut();
}

// The next person on this phone gets the phone's own language again; the sign-out message is
// still in the page's current one.
function forgetLanguage() {
  sessionStorage.removeItem("rehabit.language");
  document.cookie = "django_language=; path=/; max-age=0; SameSite=Lax";
}

async function finishSignOut() {
  const unconfirmed = store.get(KEYS.signingOut);
  if (!unconfirmed) return;
  try {
    let answer = await api("/auth/logout/", { method: "POST", token: unconfirmed.token });
    // A token that had already expired: the web session is ended on its own, if it is still this
    // client's; someone else may have signed in on this browser since.
    if (answer.status === 401 && unconfirmed.token && (await webSessionIs(unconfirmed.account))) {
      answer = await api("/auth/logout/", { method: "POST", token: null });
    }
    if (answer.ok || answer.status === 401) store.drop(KEYS.signingOut); // 401 without a token: no session left
  } catch {
    /* offline: tried again when the connection returns or the page opens */
  }
}

function signedOut(message) {
  store.drop(KEYS.token);
  store.drop(KEYS.today);
  store.drop(KEYS.me);
  store.drop(KEYS.programs);
  store.drop(KEYS.progress);
  paintBar(null);
  render(); // nothing of theirs stays behind the sign-in form
  show("sign-in");
  say(message);
}

const VIEWS = { "sign-in": "email", today: "today-title", settings: "settings-title", exercise: "exercise-title", session: "session-title" };
let showing = null;

function show(view) {
  const from = showing;
  showing = view;
  for (const name of Object.keys(VIEWS)) $(name).hidden = name !== view;
  $("sign-out").hidden = view === "sign-in";
  $("open-settings").hidden = view !== "today";
  if (view === "exercise") fillExercise();
  if (from === "session" && view !== "session") {
    haltTimer();
    letSleep();
  }
  if (view === "session") return enterSession();
  const titles = { settings: gettext("Settings"), exercise: $("exercise-title").textContent };
  document.title = `${titles[view] || gettext("Today")} · Rehabit`;
  if (view === "today" && from === "exercise" && listPlace) return backToList();
  if (view === "exercise") window.scrollTo(0, 0);
  $(VIEWS[view]).focus();
  if (view === "settings") openSettings();
}

// The address says which screen is showing (/app/#settings, /app/#exercise/12-1), so a link can
// open it and the phone's back button leaves it. The skip link's #main changes nothing.
function route() {
  if (location.hash === "#main" && showing) return;
  if (!store.get(KEYS.token)) return show("sign-in");
  if (location.hash === "#settings") return show("settings");
  if (location.hash === "#session") return show(currentWalk() ? "session" : "today");
  show(routedSlot() ? "exercise" : "today");
}

// --- today -----------------------------------------------------------------------------

async function refresh() {
  // Nothing waiting to sync: the list is asked for at once and shows as soon as it comes, while who
  // is signed in (/me/: the page's language) is read after it. With check-offs waiting, who that is
  // comes first (only their own are sent), then the sync, then the list, which counts what it sent.
  let todayShown = null;
  if (!store.get(KEYS.queue, []).length) {
    await sync(); // nothing to send: it only clears an old note
    todayShown = showToday();
  }
  if ((await followClientsLanguage()) || !store.get(KEYS.token)) return; // signed out: the form says why
  if (!todayShown) {
    await sync();
    todayShown = showToday();
  }
  // The program card and the progress once the list is in: asked for sooner, they would keep the
  // server busy while the list is on its way.
  const programsShown = () =>
    api("/me/assignments/").then((programs) => {
      if (!programs.ok || !store.get(KEYS.token)) return;
      store.set(KEYS.programs, { account: store.get(KEYS.me)?.id, results: programs.data.results });
      render();
    });
  try {
    await todayShown.finally(listed);
    await Promise.all([programsShown(), loadProgress()]);
    if (!store.get(KEYS.token)) return;
  } catch {
    say(offlineMessage());
  }
  render();
}

// Reads today's list and shows it as soon as it comes; it rejects offline (refresh says so).
function showToday() {
  // Nothing saved to show meanwhile: say it is coming, unless the sync had something to say.
  const firstLoad = !store.get(KEYS.today) && !$("status").textContent;
  if (firstLoad) say(gettext("Loading today's exercises…"));
  const shown = api("/me/today/").then((today) => {
    if (!store.get(KEYS.token)) return;
    if (today.ok) store.set(KEYS.today, { ...today.data, seen_on: clientsDate() });
    if (firstLoad && $("status").textContent === gettext("Loading today's exercises…")) say("");
    render();
  });
  shown.catch(() => {}); // awaited by refresh, which says why when it fails
  return shown;
}

// Today's list is in (or could not come): the questionnaires and messages (talk.js) load after it,
// so that on a first visit they do not keep the server from answering the list.
function listed() {
  if (document.documentElement.dataset.listed) return;
  document.documentElement.dataset.listed = "1";
  document.dispatchEvent(new Event("rehabit:listed"));
  // Their script too: asked for with the page's, it took one of the browser's six connections to
  // the server while the list's request waited for one (HTTP/1.1).
  for (const src of PAGE.scripts_after_list) document.body.append(Object.assign(document.createElement("script"), { src }));
}

// The date where the client lives (their own time zone, as the server counts days), "YYYY-MM-DD".
function clientsDate() {
  try {
    const zone = store.get(KEYS.me)?.timezone || undefined;
    const format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    const parts = Object.fromEntries(format.formatToParts(new Date()).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  } catch {
    return null; // a zone this browser does not know: the server's list decides
  }
}

// The page stayed open past midnight where the client lives: the list is of a day gone by. The
// server's answer is today's on the day it came (`seen_on`), even if the phone's clock is a little off.
function listIsStale(today = store.get(KEYS.today)) {
  const date = clientsDate();
  return Boolean(today && date && date > (today.seen_on || today.date));
}

let turning = null;

// Loads the new day's list once the old one is stale; true when it tried (refresh also syncs).
// Offline the old list stays, under its own date, and takes no check-offs (see openCheckOff).
async function followTheDay() {
  if (!store.get(KEYS.token) || !listIsStale()) return false;
  turning ??= refresh().finally(() => (turning = null));
  await turning;
  return true;
}

// The client's own language (theirs or their practitioner's choice) wins over the phone's:
// the page is served in it from then on (Django's language cookie). True when reloading.
async function followClientsLanguage() {
  const me = await api("/me/").catch(() => null);
  if (me?.ok) {
    store.set(KEYS.me, me.data);
    claimWalk(me.data.id);
  }
  paintBar(me?.ok ? me.data : store.get(KEYS.me));
  const language = me?.ok ? me.data.language : null;
  if (!language || language === LANGUAGE || sessionStorage.getItem("rehabit.language") === language) return false;
  speak(language);
  return true;
}

// The phone's bar in the practice's colour, as the manifest gives it to a client signed in on the
// web; Rehabit's own (the page's first) for nobody signed in.
const THEME = document.querySelector('meta[name="theme-color"]').content;

function paintBar(me) {
  const colour = me?.practice_accent_color;
  document.querySelector('meta[name="theme-color"]').content = /^#[0-9a-f]{6}$/i.test(colour || "") ? colour : THEME;
}

function speak(language) {
  sessionStorage.setItem("rehabit.language", language); // once: never a reload loop
  document.cookie = `django_language=${language}; path=/; max-age=31536000; SameSite=Lax`;
  location.reload();
}

function slotKey(slot) {
  return `${slot.assignment_exercise}:${slot.session}`;
}

function render() {
  const today = store.get(KEYS.today);
  const list = $("slots");
  list.replaceChildren();
  const programs = store.get(KEYS.programs);
  renderPrograms(programs && programs.account === store.get(KEYS.me)?.id ? programs.results : []);
  renderProgress();
  $("today-count").hidden = true;
  if (!today) return;
  const date = longDate(today.date);
  // A list of a day gone by is not called "Today": its date alone, capitalised as a title.
  $("today-title").textContent = listIsStale(today) ? date.charAt(0).toLocaleUpperCase(LANGUAGE) + date.slice(1) : t(gettext("Today, {date}"), { date });
  $("nothing").hidden = today.slots.length > 0;
  for (const slot of today.slots) list.append(slotItem(slot, isDone(slot, today), slotName(slot, today)));
  renderCount(today);
  keepPictures(today.slots.flatMap((slot) => poses(slot.exercise).map(([url]) => url)));
  if (showing === "exercise") routedSlot() ? fillExercise() : show("today");
  if (showing === "session" && !currentWalk()) show("today"); // a new day: the walk was of the old list
}

// Done on the server, or checked off here and waiting to sync.
function isDone(slot, today) {
  return slot.done || myQueue().some((q) => q.date === today.date && slotKey(q) === slotKey(slot));
}

// With several sessions a day, each slot's name says which one.
function slotName(slot, today) {
  const sessions = Math.max(1, ...today.slots.map((s) => s.session));
  return sessions > 1 ? t(gettext("{name} (session {number})"), { name: slot.exercise.name, number: slot.session }) : slot.exercise.name;
}

// "3 of 6 done today": the slots of the list, counted as the list shows them.
function renderCount(today) {
  const total = today.slots.length;
  if (!total) return;
  const done = today.slots.filter((slot) => isDone(slot, today)).length;
  $("today-count-text").textContent = t(listIsStale(today) ? gettext("{done} of {total} done that day") : gettext("{done} of {total} done today"), { done, total });
  $("today-count-bar").style.width = `${Math.round((100 * done) / total)}%`;
  $("today-count").classList.toggle("all-done", done === total);
  $("today-count").hidden = false;
  // One at a time: the first not done yet opens, and each one leads on to the next.
  const next = listIsStale(today) ? null : today.slots.find((slot) => !isDone(slot, today));
  $("start-next").hidden = !next;
  $("start-session").hidden = !next;
  $("start-next").textContent = next ? t(done ? gettext("Go on with {name}") : gettext("Start with {name}"), { name: slotName(next, today) }) : "";
  $("start-next").onclick = next ? () => openSlot(next) : null;
}

// The day's pictures, kept by the service worker's cache so the list and each exercise show
// them offline even when they were first loaded before the service worker was in charge.
async function keepPictures(urls) {
  try {
    const cache = await caches.open("rehabit-pictures");
    for (const url of urls) if (!(await cache.match(url, { ignoreVary: true }))) await cache.add(url);
  } catch {
    /* no Cache API here (plain http), or offline: they are kept next time */
  }
}

function longDate(date) {
  return new Date(date + "T12:00").toLocaleDateString(LANGUAGE, { weekday: "long", day: "numeric", month: "long" });
}

function slotItem(slot, done, name) {
  const item = document.createElement("li");
  item.className = "slot" + (done ? " done" : "");
  item.dataset.slot = slotKey(slot);
  item.innerHTML = `<div>
      <h3><a class="name" href="#exercise/${exerciseRoute(slot)}">${escapeHtml(name)}</a></h3>
      <p class="dosage">${escapeHtml(slot.dosage.text)}</p>
      ${slot.note ? `<p class="muted">${escapeHtml(slot.note)}</p>` : ""}
      ${pictures(slot.exercise)}
      <div class="buttons"></div></div>`;
  item.querySelector("a.name").addEventListener("click", openExercise);
  slotButtons(item.querySelector(".buttons"), slot, done, name);
  return item;
}

function slotButtons(buttons, slot, done, name) {
  if (done) {
    buttons.innerHTML = `<span class="state">${escapeHtml(gettext("✓ Done"))}</span>`;
    buttons.append(button(t(gettext("Undo the check-off of {name}"), { name }), gettext("Undo"), () => undoCheckOff(slot, name), "secondary"));
  } else {
    buttons.append(button(t(gettext("Check off {name}"), { name }), gettext("Check off"), () => openCheckOff(slot, name)));
  }
  if (timerSteps(slot.dosage).length) buttons.append(button(t(gettext("Start timer for {name}"), { name }), gettext("Timer"), () => startTimer(slot, name)));
}

// --- one exercise: how to do it ------------------------------------------------------------

let listPlace = null; // where the list was when an exercise opened: {scroll, slot}

function exerciseRoute(slot) {
  return `${slot.assignment_exercise}-${slot.session}`;
}

// The slot the address names (#exercise/<assignment_exercise>-<session>) on the list kept here.
function routedSlot() {
  const match = /^#exercise\/(\d+)-(\d+)$/.exec(location.hash);
  const today = store.get(KEYS.today);
  return match && today ? today.slots.find((s) => slotKey(s) === `${match[1]}:${match[2]}`) : null;
}

function openExercise(event) {
  event.preventDefault();
  const key = event.currentTarget.closest("[data-slot]").dataset.slot;
  openSlot(store.get(KEYS.today).slots.find((slot) => slotKey(slot) === key));
}

// A history entry of its own, so the phone's back button returns to the list as Back does.
function openSlot(slot) {
  listPlace = { scroll: window.scrollY, slot: slotKey(slot) };
  history.pushState({ exerciseFromToday: true }, "", `#exercise/${exerciseRoute(slot)}`);
  route();
}

// Previous and next replace the entry: Back still leads to the list, at the exercise last seen.
function stepTo(event) {
  event.preventDefault();
  history.replaceState(history.state, "", event.currentTarget.getAttribute("href"));
  if (listPlace) listPlace.slot = slotKey(routedSlot());
  route();
}

function leaveExercise() {
  if (history.state?.exerciseFromToday) return history.back();
  history.pushState(null, "", location.pathname); // opened from a link: the list comes next
  route();
}

// The list as it was: scrolled where it was, the exercise's name in focus.
function backToList() {
  const link = $("slots").querySelector(`[data-slot="${listPlace.slot}"] a.name`);
  link?.focus({ preventScroll: true });
  window.scrollTo(0, listPlace.scroll);
  const box = link?.getBoundingClientRect();
  if (box && (box.top < 0 || box.bottom > window.innerHeight)) link.scrollIntoView({ block: "center" });
  if (!link) $("today-title").focus();
  listPlace = null;
}

function fillExercise() {
  const today = store.get(KEYS.today);
  const slot = routedSlot();
  if (!slot) return;
  const exercise = slot.exercise;
  const name = slotName(slot, today);
  $("exercise-title").textContent = name;
  $("exercise-dosage").textContent = slot.dosage.text;
  const list = (items, tag) => `<${tag}>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</${tag}>`;
  const video = /^https?:\/\//i.test(exercise.video_url || "") ? exercise.video_url : "";
  $("exercise-body").innerHTML = [
    ...poses(exercise).map(
      ([url, alt]) => `<figure class="picture"><img src="${escapeHtml(url)}" alt="${escapeHtml(alt || "")}"></figure>`,
    ),
    '<div class="buttons"></div>',
    slot.note ? `<div class="note"><h3>${escapeHtml(gettext("From your practitioner"))}</h3><p>${escapeHtml(slot.note)}</p></div>` : "",
    exercise.summary ? `<p>${escapeHtml(exercise.summary)}</p>` : "",
    exercise.steps?.length ? `<h3>${escapeHtml(gettext("How to do it"))}</h3>${list(exercise.steps, "ol")}` : "",
    exercise.cues?.length ? `<h3>${escapeHtml(gettext("Keep in mind"))}</h3>${list(exercise.cues, "ul")}` : "",
    exercise.video ? `<video class="video" src="${escapeHtml(exercise.video)}" controls preload="metadata"></video>` : "",
    video
      ? `<p><a class="video" href="${escapeHtml(video)}" target="_blank" rel="noopener noreferrer">${escapeHtml(gettext("Watch the video (opens outside Rehabit)"))}</a></p>`
      : "",
    stepThrough(slot, today),
  ].join("");
  slotButtons($("exercise-body").querySelector(".buttons"), slot, isDone(slot, today), name);
  for (const link of $("exercise-body").querySelectorAll(".step-through a")) link.addEventListener("click", stepTo);
}

// "Exercise 2 of 6", with the ones before and after it on the day's list.
function stepThrough(slot, today) {
  const at = today.slots.findIndex((other) => slotKey(other) === slotKey(slot));
  const link = (other, text, cls) =>
    other ? `<a class="${cls}" href="#exercise/${exerciseRoute(other)}">${escapeHtml(t(text, { name: slotName(other, today) }))}</a>` : "";
  return `<nav class="step-through" aria-label="${escapeHtml(t(gettext("Exercise {number} of {total}"), { number: at + 1, total: today.slots.length }))}">
    <p class="position" aria-hidden="true">${escapeHtml(t(gettext("Exercise {number} of {total}"), { number: at + 1, total: today.slots.length }))}</p>
    ${link(today.slots[at - 1], gettext("Previous: {name}"), "previous")}${link(today.slots[at + 1], gettext("Next: {name}"), "next")}</nav>`;
}

// --- progress: today's count, streaks, four weeks, pain ----------------------------------

let progressFresh = false; // loaded from the server since the page opened

// The same report the practitioner sees (/me/adherence/), kept for offline.
async function loadProgress() {
  try {
    const answer = await api("/me/adherence/");
    if (answer.ok && store.get(KEYS.token)) {
      store.set(KEYS.progress, { account: store.get(KEYS.me)?.id, seen_at: new Date().toISOString(), report: answer.data });
      progressFresh = true;
    }
  } catch {
    progressFresh = false; // offline: the kept figures show, said to be of their time
  }
  renderProgress();
}

function renderProgress() {
  const kept = store.get(KEYS.progress);
  const report = kept && kept.account === store.get(KEYS.me)?.id ? kept.report : null;
  $("progress").hidden = !report;
  if (!report) return;
  const when = new Date(kept.seen_at).toLocaleString(LANGUAGE, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  $("progress-note").textContent = progressFresh ? "" : t(gettext("Offline: these are your figures from {when}. They update once you are online."), { when });
  $("progress-note").hidden = progressFresh;
  $("streak-current").textContent = t(ngettext("{count} day", "{count} days", report.current_streak), { count: report.current_streak });
  $("streak-best").textContent = t(ngettext("{count} day", "{count} days", report.best_streak), { count: report.best_streak });
  $("weeks").innerHTML = report.weeks.slice(-4).map((week, n, weeks) => weekRow(week, n === weeks.length - 1)).join("");
  $("pain-trend").textContent = painTrend(report);
}

// A week counts the days that have ended (today is the count above the list): on its first day it owes nothing yet.
function weekRow(week, current) {
  const label = t(gettext("Week of {date}"), { date: shortDate(week.week_start) });
  const pain = week.average_pain == null ? "" : ` · ${t(gettext("average pain {pain}"), { pain: number(week.average_pain) })}`;
  const none = current ? gettext("Nothing done yet") : gettext("Nothing scheduled");
  const figure = week.scheduled ? t(gettext("{done} of {scheduled} done"), { done: week.done, scheduled: week.scheduled }) : none;
  const width = week.scheduled ? Math.min(100, Math.round((100 * week.done) / week.scheduled)) : 0;
  return `<li><span class="week-label">${escapeHtml(label)}</span>
    <span class="week-bar" aria-hidden="true"><span style="width: ${width}%"></span></span>
    <span class="week-figure">${escapeHtml(figure + pain)}</span></li>`;
}

function painTrend(report) {
  if (!report.pain_trend) return gettext("Your pain trend shows once you have given a pain score in two different weeks.");
  const change = number(Math.abs(report.pain_change));
  const words = { falling: gettext("Easing: {change} points lower than in the first week you scored it."), rising: gettext("Rising: {change} points higher than in the first week you scored it. If it keeps rising, tell your practitioner."), steady: gettext("Steady: about the same as in the first week you scored it.") };
  return t(words[report.pain_trend], { change });
}

function number(value) {
  return value.toLocaleString(LANGUAGE, { maximumFractionDigits: 1 });
}

// The start and end positions, [url, alt] each, where the library draws them.
function poses(exercise) {
  return [
    [exercise.illustration_url, exercise.illustration_alt],
    [exercise.illustration_end_url, exercise.illustration_end_alt],
  ].filter(([url]) => url);
}

// The start and end positions side by side, large enough to read (each up to 240 px wide).
function pictures(exercise) {
  const images = poseImages(exercise);
  return images.length ? `<div class="poses">${images.join("")}</div>` : "";
}

function poseImages(exercise) {
  return poses(exercise).map(([url, alt]) => `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt || "")}">`);
}

function button(label, text, onClick, className = "") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// What changed since the last version of a program: `changes` is a list of lines, empty for a
// first version; a line may itself hold " · " (a dosage), so lines are set apart with "; ".
function renderChanges(assignment) {
  const changes = assignment.changes || [];
  if (changes.length) return `<p class="changes"><strong>${escapeHtml(gettext("What changed:"))}</strong> ${escapeHtml(changes.join("; "))}</p>`;
  return assignment.version > 1 ? `<p class="changes">${escapeHtml(t(gettext("Updated by your practitioner (version {version})."), { version: assignment.version }))}</p>` : "";
}

// A break the practitioner set (a holiday), running or to come: its days have no exercises.
// A pause with no last day is the "paused" beside the title.
function renderBreaks(assignment) {
  const today = clientsDate() || "0000-00-00"; // unknown zone: every break not over is shown
  return (assignment.pauses || [])
    .filter((p) => p.end_date && p.end_date >= today)
    .map((p) => `<p class="break">${escapeHtml(t(p.start_date <= today ? gettext("On a break: no exercises from {from} to {to}.") : gettext("No exercises from {from} to {to}."), { from: shortDate(p.start_date), to: shortDate(p.end_date) }))}</p>`)
    .join("");
}

function shortDate(date) {
  return new Date(date + "T12:00").toLocaleDateString(LANGUAGE, { day: "numeric", month: "short" });
}

function renderPrograms(assignments) {
  $("programs").innerHTML = assignments
    .filter((a) => a.status !== "ended")
    .map((a) => `<div class="program card"><strong>${escapeHtml(a.title)}</strong>
        ${a.status === "paused" ? ` · ${escapeHtml(gettext("paused"))}` : ""} · <a href="${escapeHtml(a.handout_url)}" data-handout>${escapeHtml(gettext("Handout (PDF)"))}</a>
        ${renderChanges(a)}${renderBreaks(a)}</div>`)
    .join("");
  for (const link of $("programs").querySelectorAll("[data-handout]")) link.addEventListener("click", downloadHandout);
}

// The handout needs the token header, so it is fetched rather than followed.
async function downloadHandout(event) {
  event.preventDefault();
  const response = await request(event.currentTarget.href, { accept: null });
  if (!response.ok) return say(gettext("The handout could not be downloaded."));
  const url = URL.createObjectURL(await response.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: "handout.pdf" });
  a.click();
  URL.revokeObjectURL(url);
}

// --- checking off, online or not -------------------------------------------------------

let pending = null;

// Every answer starts empty: what the client leaves alone is not reported (no pain 0, no
// difficulty 3, no sets and reps they did not give), so it never weighs on their figures.
// A list the day has left behind is renewed first; offline it takes no check-off, which would
// otherwise land on that day without the client knowing.
async function openCheckOff(slot, name, after = null) {
  const opener = document.activeElement;
  if (await followTheDay()) {
    slot = store.get(KEYS.today)?.slots.find((s) => slotKey(s) === slotKey(slot) && !s.done);
    if (listIsStale()) return say(t(gettext("Not checked off: this list is not today's but that of {date}. Today's exercises load once you are online."), { date: longDate(store.get(KEYS.today).date) }));
    if (!slot || myQueue().some((q) => q.date === store.get(KEYS.today).date && slotKey(q) === slotKey(slot))) return;
  }
  pending = { slot, opener, date: store.get(KEYS.today).date, after };
  const form = $("check-off-form");
  form.reset();
  $("check-off-name").textContent = name;
  painAnswered(false);
  $("sets_done").placeholder = slot.dosage.sets ?? "";
  $("reps_done").placeholder = slot.dosage.reps ?? "";
  $("reps-done-field").hidden = !slot.dosage.reps; // timed exercises have no reps to count
  $("done-hint").textContent = t(gettext("Prescribed: {dosage}. Fill these in only if you want to say what you did."), { dosage: slot.dosage.text });
  $("check-off").showModal();
  $("pain").focus();
}

function painAnswered(answered) {
  const pain = $("pain");
  pain.dataset.answered = answered ? "1" : "";
  pain.classList.toggle("unset", !answered);
  if (!answered) pain.value = 0;
  if (answered) pain.removeAttribute("aria-valuetext");
  else pain.setAttribute("aria-valuetext", gettext("Not set"));
  $("pain-value").textContent = answered ? pain.value : gettext("Not set");
  $("pain-clear").hidden = !answered;
}

const SLIDER_KEYS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"];

// The answers the client gave, and only those.
function checkOffAnswers() {
  const form = new FormData($("check-off-form"));
  const answers = {};
  if ($("pain").dataset.answered) answers.pain = Number($("pain").value);
  if (form.get("difficulty")) answers.difficulty = Number(form.get("difficulty"));
  if ($("sets_done").value !== "") answers.sets_done = Number($("sets_done").value);
  if ($("reps_done").value !== "" && !$("reps-done-field").hidden) answers.reps_done = Number($("reps_done").value);
  return answers;
}

async function closeCheckOff() {
  const dialog = $("check-off");
  const { slot, opener, date, after } = pending || {};
  pending = null;
  const saved = dialog.returnValue === "save" && slot;
  const answers = saved ? checkOffAnswers() : null;
  if (saved) {
    const queue = store.get(KEYS.queue, []);
    queue.push({
      id: newUuid(),
      account: store.get(KEYS.me)?.id,
      assignment_exercise: slot.assignment_exercise,
      date, // the day of the list it was opened on
      session: slot.session,
      ...answers,
    });
    store.set(KEYS.queue, queue);
    render();
  }
  after?.(answers); // a session moves on at once, online or not
  if (saved) {
    await sync();
    render();
  }
  if (!after) opener?.isConnected ? opener.focus() : $(VIEWS[showing]).focus();
}

let syncing = null; // the batch on its way, so an undo can wait for it to be settled

function sync() {
  syncing ??= sendQueue().finally(() => (syncing = null));
  return syncing;
}

// Sends every queued check-off in one batch. An item leaves the queue once the server has
// decided it: stored (201/200), already there (409), or refused (400/404, told to the user).
async function sendQueue() {
  const queue = myQueue();
  if (!store.get(KEYS.token)) return; // signed out: sent once signed in again
  // Nothing to send: an old note (offline, waiting) goes, but not the news that the last ones arrived,
  // which a sync started meanwhile (the list loading) would otherwise wipe.
  if (!queue.length) return $("status").textContent === gettext("All check-offs synced.") || say("");
  try {
    const items = queue.slice(0, 500).map(({ account, ...item }) => item);
    const answer = await api("/me/completions/batch/", { method: "POST", body: { items } });
    if (answer.status === 401) return; // signed out: the sign-in form says why
    if (answer.status === 429) return say(t(ngettext("Rehabit asked for a short pause: {count} check-off waits here and is sent shortly.", "Rehabit asked for a short pause: {count} check-offs wait here and are sent shortly.", queue.length), { count: queue.length })); // sent again shortly
    if (!answer.ok) return say(offlineMessage());
    const settled = new Map(answer.data.results.map((r) => [r.id, r]));
    const refused = answer.data.results.filter((r) => r.status === 400 || r.status === 404);
    store.set(KEYS.queue, store.get(KEYS.queue, []).filter((q) => !settled.has(q.id)));
    markDone(queue, answer.data.results);
    if (answer.data.results.some((r) => r.status < 300)) loadProgress(); // a streak may have grown
    const left = myQueue().length;
    const reason = refused.length ? explain("refused", refused[0].error) : "";
    say(refused.length ? t(ngettext("{count} check-off could not be saved. {reason}", "{count} check-offs could not be saved. {reason}", refused.length), { count: refused.length, reason }) : left ? offlineMessage() : gettext("All check-offs synced."));
  } catch {
    say(offlineMessage());
  }
}

// A stored check-off marks its slot done with its id; so does one the server already had under
// another id (409, checked off from another device), so that Undo removes that one.
function markDone(sent, results) {
  const today = store.get(KEYS.today);
  if (!today) return;
  const items = new Map(sent.map((item) => [item.id, item]));
  for (const result of results) {
    const item = result.completion || items.get(result.id);
    const id = result.completion?.id || result.existing_id;
    if (!id || !item || item.date !== today.date) continue;
    const slot = today.slots.find((s) => slotKey(s) === slotKey(item));
    if (slot) Object.assign(slot, { done: true, completion: id });
  }
  store.set(KEYS.today, today);
}

// Un-checks a slot. A check-off still waiting in the queue just leaves it; one the server has
// needs the server, so without a connection the page says so and the slot stays done.
async function undoCheckOff(slot, name) {
  await syncing;
  const today = store.get(KEYS.today);
  const queue = store.get(KEYS.queue, []);
  const queued = myQueue(queue).find((q) => q.date === today.date && slotKey(q) === slotKey(slot));
  if (queued) {
    store.set(KEYS.queue, queue.filter((q) => q.id !== queued.id));
    return undone(slot, name);
  }
  const saved = today.slots.find((s) => slotKey(s) === slotKey(slot))?.completion;
  if (!saved) return undone(slot, name);
  let answer;
  try {
    answer = await api(`/me/completions/${saved}/`, { method: "DELETE" });
  } catch {
    return say(t(gettext("The check-off of {name} is already saved, so undoing it needs a connection. Please try again once you are online."), { name }));
  }
  if (answer.status === 401) return;
  if (!answer.ok && answer.status !== 404) return say(t(gettext("{name} could not be un-checked just now. Please try again."), { name })); // 404: already gone
  undone(slot, name);
}

function undone(slot, name) {
  const today = store.get(KEYS.today);
  const mine = today.slots.find((s) => slotKey(s) === slotKey(slot));
  if (mine) Object.assign(mine, { done: false, completion: null });
  store.set(KEYS.today, today);
  render();
  say(t(gettext("The check-off of {name} is undone."), { name }));
  const place = showing === "exercise" ? $("exercise-body") : $("slots").querySelector(`[data-slot="${slotKey(slot)}"]`);
  place?.querySelector("button")?.focus();
}

function offlineMessage() {
  const waiting = myQueue().length;
  const where = navigator.onLine ? gettext("Can't reach Rehabit") : gettext("Offline");
  const message = waiting ? t(ngettext("{where}: {count} check-off waiting to sync.", "{where}: {count} check-offs waiting to sync.", waiting), { count: waiting, where }) : t(gettext("{where}: showing your saved list."), { where });
  const today = store.get(KEYS.today);
  return listIsStale(today) ? `${message} ${t(gettext("This is the list of {date}; today's exercises load once you are online."), { date: longDate(today.date) })}` : message;
}

// --- follow-along timer ----------------------------------------------------------------

const REST_BETWEEN_REPS = 5;
const REST_BETWEEN_SIDES = 10;
const REST_BETWEEN_SETS = 30;

// Every countdown of one exercise: each hold of each rep, each side, each set, with rests.
function timerSteps(dosage) {
  const each = dosage.hold_seconds || dosage.duration_seconds;
  if (!each) return [];
  const sides = dosage.side === "each" ? [gettext("Left side"), gettext("Right side")] : [""];
  const reps = dosage.hold_seconds ? dosage.reps || 1 : 1;
  const steps = [];
  for (let set = 1; set <= (dosage.sets || 1); set++) {
    sides.forEach((side, s) => {
      for (let rep = 1; rep <= reps; rep++) {
        const what = dosage.hold_seconds ? t(gettext("Hold {rep} of {reps}"), { rep, reps }) : gettext("Go");
        steps.push({ label: [t(gettext("Set {set} of {sets}"), { set, sets: dosage.sets || 1 }), side, what].filter(Boolean).join(" · "), seconds: each, work: true });
        if (rep < reps) steps.push({ label: gettext("Rest"), seconds: REST_BETWEEN_REPS });
      }
      if (s < sides.length - 1) steps.push({ label: gettext("Rest, then switch sides"), seconds: REST_BETWEEN_SIDES });
    });
    if (set < (dosage.sets || 1)) steps.push({ label: gettext("Rest before the next set"), seconds: REST_BETWEEN_SETS });
  }
  return steps;
}

const timer = { steps: [], index: 0, left: 0, handle: null, paused: false, slot: null, name: "", lock: null, ui: null, inSession: false };
let audio = null;

function beep(high) {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = high ? 880 : 660;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.35);
  } catch {
    /* no sound on this device */
  }
  navigator.vibrate?.(high ? [200, 100, 200] : 200);
}

// The timer shows in its own dialog (the list, an exercise's how-to) or inside the session's
// screen; `timer.ui` holds the elements of whichever it is.
const DIALOG_UI = () => ({ step: $("timer-step"), count: $("timer-count"), next: $("timer-next"), skip: $("timer-skip"), pause: $("timer-pause") });
const SESSION_UI = () => ({ step: $("session-step"), count: $("session-count"), next: $("session-next"), skip: $("session-skip"), pause: $("session-timer-start") });

function startTimer(slot, name) {
  Object.assign(timer, { ui: DIALOG_UI(), inSession: false });
  $("timer-title").textContent = name;
  $("timer").showModal();
  runTimer(slot, name);
}

function runTimer(slot, name) {
  Object.assign(timer, { steps: timerSteps(slot.dosage), index: 0, paused: false, slot, name });
  keepAwake();
  timer.ui.pause.textContent = gettext("Pause");
  beep(true); // also unlocks audio: browsers allow sound only after a tap
  beginStep();
  clearInterval(timer.handle);
  timer.handle = setInterval(tick, 1000);
}

function clock(seconds) {
  const s = Math.max(seconds, 0);
  return s < 60 ? String(s) : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function beginStep() {
  showStep(timer.ui, timer.steps, timer.index);
  timer.left = timer.steps[timer.index].seconds;
}

// One countdown's label, its seconds, what comes next, and Skip for a rest (not for a hold or a go).
function showStep(ui, steps, index) {
  const step = steps[index];
  ui.step.textContent = step.label;
  ui.count.textContent = clock(step.seconds);
  const next = steps[index + 1];
  ui.next.textContent = next ? t(gettext("Next: {step}"), { step: next.label }) : gettext("Last one");
  ui.skip.hidden = Boolean(step.work);
}

function tick() {
  if (timer.paused) return;
  timer.left -= 1;
  timer.ui.count.textContent = clock(timer.left);
  if (timer.left > 0) return;
  nextStep();
}

function nextStep() {
  timer.index += 1;
  if (timer.index >= timer.steps.length) return finishTimer();
  beep(timer.steps[timer.index].work);
  beginStep();
}

function skipRest() {
  if (timer.steps[timer.index]?.work) return;
  nextStep();
  if (timer.index < timer.steps.length) timer.ui.pause.focus(); // the skip button just hid
  else if (!timer.inSession) $("timer-title").focus();
}

function pauseTimer() {
  timer.paused = !timer.paused;
  timer.ui.pause.textContent = timer.paused ? gettext("Resume") : gettext("Pause");
}

// The screen stays on while the timer runs or a session is showing, where the browser can (Wake
// Lock); it may sleep again once both are over, however they end. The browser lets go of the lock
// when the page is hidden: it is asked for again when the page shows.
const wantsAwake = () => $("timer").open || showing === "session";

async function keepAwake() {
  if (timer.lock && !timer.lock.released) return;
  try {
    timer.lock = await navigator.wakeLock?.request("screen");
    if (!wantsAwake()) letSleep(); // over while the lock was being granted
  } catch {
    timer.lock = null; // refused (battery saver) or not offered: the phone's own timeout applies
  }
}

function letSleep() {
  if (wantsAwake()) return;
  timer.lock?.release().catch(() => {});
  timer.lock = null;
}

function finishTimer() {
  haltTimer();
  beep(true);
  timer.ui.step.textContent = gettext("Well done!");
  timer.ui.count.textContent = "✓";
  timer.ui.next.textContent = "";
  timer.ui.skip.hidden = true;
  if (timer.inSession) return checkOffInSession();
  $("timer").close();
  openCheckOff(timer.slot, timer.name);
}

function stopTimer() {
  haltTimer();
  $("timer").close();
}

function haltTimer() {
  clearInterval(timer.handle);
  timer.handle = null;
}

// --- a session: the day's exercises one at a time -----------------------------------------
// "Start the session" walks the exercises not done yet (#session): each one's picture, dosage
// and timer, its check-off, then the next; Previous goes back, Skip passes one by. The walk is
// kept in sessionStorage (rehabit.session: the list's date, the slots' keys, where it is and the
// pain given), so a reload, offline too, carries on where it was. Check-offs go through the same
// queue as the list's, with a uuid made here, so they reach the server once.

const SESSION_KEY = "rehabit.session";
const walk = {
  get: () => JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null"),
  set: (value) => sessionStorage.setItem(SESSION_KEY, JSON.stringify(value)),
  drop: () => sessionStorage.removeItem(SESSION_KEY),
};

// The walk under way on today's list for whoever is signed in, or null. One begun before the page
// knew who that is (no `account` yet) is theirs, as a check-off queued then is (myQueue): sign-out
// drops it, so it never passes to the next person.
function currentWalk() {
  const kept = walk.get();
  const today = store.get(KEYS.today);
  const theirs = kept && (kept.account == null || kept.account === store.get(KEYS.me)?.id);
  return theirs && today && kept.date === today.date ? kept : null;
}

// A walk begun before the page knew who is signed in (on a first visit the list shows before /me/
// answers) is theirs: it takes their id once that is known, as a check-off queued then goes with them.
function claimWalk(account) {
  const kept = walk.get();
  if (kept && kept.account == null) walk.set({ ...kept, account });
}

function startSession() {
  const today = store.get(KEYS.today);
  const open = today.slots.filter((slot) => !isDone(slot, today));
  walk.set({ account: store.get(KEYS.me)?.id, date: today.date, slots: open.map(slotKey), at: 0, pain: {} });
  history.pushState({ sessionFromToday: true }, "", "#session");
  route();
}

function enterSession() {
  fillSession();
  window.scrollTo(0, 0);
  $(currentWalk().at >= currentWalk().slots.length ? "session-summary-title" : "session-title").focus();
}

function sessionSlot(kept) {
  return store.get(KEYS.today).slots.find((slot) => slotKey(slot) === kept.slots[kept.at]);
}

function fillSession() {
  const kept = currentWalk();
  haltTimer();
  keepAwake();
  const finished = kept.at >= kept.slots.length;
  $("session-walk").hidden = finished;
  $("session-summary").hidden = !finished;
  if (finished) return fillSummary(kept);
  const today = store.get(KEYS.today);
  const slot = sessionSlot(kept);
  const name = slotName(slot, today);
  const done = isDone(slot, today);
  const position = t(gettext("Exercise {number} of {total}"), { number: kept.at + 1, total: kept.slots.length });
  $("session-position").textContent = position;
  $("session-bar").style.width = `${Math.round((100 * kept.at) / kept.slots.length)}%`;
  $("session-title").textContent = name;
  $("session-dosage").textContent = slot.dosage.text;
  $("session-state").hidden = !done;
  $("session-state").textContent = done ? gettext("✓ Done") : "";
  $("session-check-off").hidden = done;
  $("session-pictures").innerHTML = poseImages(slot.exercise).join("");
  const steps = timerSteps(slot.dosage);
  $("session-timer").hidden = !steps.length;
  if (steps.length) {
    Object.assign(timer, { ui: SESSION_UI(), inSession: true, slot, name, steps, index: 0, paused: false });
    showStep(timer.ui, steps, 0);
    timer.ui.pause.textContent = gettext("Start the timer");
  }
  $("session-previous").disabled = kept.at === 0;
  const last = kept.at === kept.slots.length - 1;
  $("session-forward").textContent = done ? (last ? gettext("Finish") : gettext("Next")) : gettext("Skip");
  $("session-forward").setAttribute("aria-label", done ? $("session-forward").textContent : t(gettext("Skip {name}"), { name }));
  document.title = `${name} · Rehabit`;
}

// The timer's first tap starts it (a tap also lets the phone make sound); then it pauses and resumes.
function sessionTimerButton() {
  if (timer.handle) return pauseTimer();
  runTimer(timer.slot, timer.name);
}

function checkOffInSession() {
  const kept = currentWalk();
  const slot = sessionSlot(kept);
  openCheckOff(slot, slotName(slot, store.get(KEYS.today)), (answers) => {
    if (!answers) return $("session-check-off").focus(); // cancelled: the same exercise
    const now = currentWalk();
    if (answers.pain != null) now.pain[slotKey(slot)] = answers.pain;
    moveSession(now, 1);
  });
}

function moveSession(kept, by) {
  kept.at = Math.max(0, Math.min(kept.slots.length, kept.at + by));
  walk.set(kept);
  fillSession();
  $(kept.at >= kept.slots.length ? "session-summary-title" : "session-title").focus();
  window.scrollTo(0, 0);
}

// Done: the walk's exercises checked off (here or before); skipped: the others. The average pain
// is of the scores given during the session.
function fillSummary(kept) {
  const today = store.get(KEYS.today);
  const slots = kept.slots.map((key) => today.slots.find((slot) => slotKey(slot) === key)).filter(Boolean);
  const done = slots.filter((slot) => isDone(slot, today)).length;
  const scores = Object.values(kept.pain);
  $("summary-done").textContent = String(done);
  $("summary-skipped").textContent = String(slots.length - done);
  $("summary-pain").textContent = scores.length ? number(scores.reduce((a, b) => a + b, 0) / scores.length) : "–";
  $("summary-note").textContent = scores.length ? "" : gettext("No pain score was given during this session.");
  document.title = `${gettext("Session finished")} · Rehabit`;
}

function leaveSession() {
  haltTimer();
  walk.drop();
  if (history.state?.sessionFromToday) return history.back();
  history.pushState(null, "", location.pathname);
  route();
}

// --- settings: reminders, quiet hours, time zone, language ------------------------------

const PUSH_KINDS = ["push_reminders", "push_questionnaires", "push_messages"];
const SETTINGS = ["reminders_enabled", ...PUSH_KINDS, "reminder_time", "quiet_hours_start", "quiet_hours_end", "timezone", "language"];
const PHONE_ZONE = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
})();

let settingsTouched = false;

// The last known settings at once, then the server's own unless the client has begun changing
// them. Offline the last known ones stay, and saving says it can't.
async function openSettings() {
  clearFieldErrors();
  $("settings-result").textContent = sessionStorage.getItem("rehabit.saved") ? gettext("Saved.") : "";
  sessionStorage.removeItem("rehabit.saved");
  settingsTouched = false;
  showSettings(store.get(KEYS.me));
  showPush();
  try {
    const answer = await api("/me/");
    if (!answer.ok) return;
    store.set(KEYS.me, answer.data);
    if (!settingsTouched) showSettings(answer.data);
  } catch {
    /* offline: the last known settings stay */
  }
  showConnection();
}

function showSettings(me) {
  $("settings-form").hidden = !me;
  if (me) fillSettings(me);
  showConnection();
}

function showConnection() {
  const notice = !store.get(KEYS.me) ? gettext("Your settings need a connection to load. Please try again once you are online.") : navigator.onLine ? "" : gettext("You are offline. Settings can be changed only with a connection.");
  $("settings-notice").textContent = notice;
  $("settings-notice").hidden = !notice;
}

function fillSettings(me) {
  const form = $("settings-form").elements;
  form.reminders_enabled.checked = me.reminders_enabled;
  for (const field of PUSH_KINDS) form[field].checked = Boolean(me[field]);
  for (const field of ["reminder_time", "quiet_hours_start", "quiet_hours_end"]) form[field].value = me[field] || "";
  chooseZone(me.timezone);
  form.language.value = me.language;
}

// Any IANA name the API gave or the phone has is offered, even one outside the list's regions.
function chooseZone(zone) {
  const select = $("timezone");
  if (zone && ![...select.options].some((o) => o.value === zone)) select.prepend(new Option(zone, zone));
  select.value = zone;
  showZone();
}

function showZone() {
  const zone = $("timezone").value;
  let now = "";
  try {
    now = new Intl.DateTimeFormat(LANGUAGE, { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date());
  } catch {
    /* a name this browser does not know: the API still decides */
  }
  $("timezone-now").textContent = now ? t(gettext("Time there now: {time}"), { time: now }) : "";
  const offer = PHONE_ZONE && PHONE_ZONE !== zone;
  $("use-phone-zone").hidden = !offer;
  if (offer) $("use-phone-zone").textContent = t(gettext("Use this phone's time zone ({zone})"), { zone: PHONE_ZONE });
}

function settingsBody() {
  const form = $("settings-form").elements;
  const time = (field) => form[field].value || null;
  return {
    reminders_enabled: form.reminders_enabled.checked,
    ...Object.fromEntries(PUSH_KINDS.map((field) => [field, form[field].checked])),
    reminder_time: time("reminder_time"),
    quiet_hours_start: time("quiet_hours_start"),
    quiet_hours_end: time("quiet_hours_end"),
    timezone: form.timezone.value,
    language: form.language.value,
  };
}

// One PATCH with every field: the server takes all of it or, with a field error, none of it.
async function saveSettings(event) {
  event.preventDefault();
  clearFieldErrors();
  const result = $("settings-result");
  if (!navigator.onLine) return (result.textContent = gettext("Not saved: there is no connection. Your changes are still here; save them again once you are online."));
  result.textContent = gettext("Saving…");
  let answer;
  try {
    answer = await api("/me/", { method: "PATCH", body: settingsBody() });
  } catch {
    showConnection();
    return (result.textContent = gettext("Not saved: there is no connection. Your changes are still here; save them again once you are online."));
  }
  if (answer.status === 400) return showFieldErrors(answer.data.errors || [answer.data]);
  if (!answer.ok) return (result.textContent = answer.status === 401 ? "" : gettext("Not saved: Rehabit could not save your settings just now. Please try again."));
  store.set(KEYS.me, answer.data);
  if (answer.data.language !== LANGUAGE) {
    sessionStorage.setItem("rehabit.saved", "1"); // said once the page is back in the new language
    return speak(answer.data.language);
  }
  fillSettings(answer.data);
  result.textContent = gettext("Saved.");
}

function showFieldErrors(errors) {
  const unplaced = [];
  for (const error of errors) {
    const text = explain("error", error);
    if (!SETTINGS.includes(error.field)) {
      unplaced.push(text);
      continue;
    }
    $(`${error.field}-error`).textContent = text;
    $(error.field).setAttribute("aria-invalid", "true");
  }
  $("settings-result").textContent = [gettext("Not saved: please check the fields marked above."), ...unplaced].join(" ");
  $("settings-form").querySelector("[aria-invalid=true]")?.focus();
}

function clearFieldErrors() {
  for (const field of SETTINGS) {
    $(`${field}-error`).textContent = "";
    $(field).removeAttribute("aria-invalid");
  }
}

// Back from settings: the phone's back button and this one do the same when today came first.
function leaveSettings() {
  if (history.state?.settingsFromToday) return history.back();
  location.hash = "";
}

function enterSettings(event) {
  event.preventDefault();
  history.pushState({ settingsFromToday: true }, "", "#settings");
  route();
}

// --- notifications on this phone (Web Push) ------------------------------------------------
// Opting in subscribes this browser with the server's key (PAGE.push_key) and hands the
// subscription to the API; the service worker shows what arrives (templates/app/sw.js).

const pushOffered = () =>
  Boolean(PAGE.push_key) && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

async function showPush() {
  $("push-field").hidden = !pushOffered();
  if (!pushOffered()) return;
  const kept = store.get(KEYS.push);
  const subscription = await currentSubscription();
  $("push_enabled").checked = Boolean(subscription && kept?.account === store.get(KEYS.me)?.id && kept.endpoint === subscription.endpoint);
}

async function currentSubscription() {
  try {
    const registration = await navigator.serviceWorker.getRegistration();
    return (await registration?.pushManager.getSubscription()) || null;
  } catch {
    return null;
  }
}

function togglePush() {
  $("push-result").textContent = "";
  return $("push_enabled").checked ? pushOn() : pushOff();
}

async function pushOn() {
  if ((await Notification.requestPermission()) !== "granted") {
    $("push_enabled").checked = false;
    return ($("push-result").textContent = gettext("Notifications are blocked for this page: allow them in the phone's settings first."));
  }
  try {
    const registration = await navigator.serviceWorker.ready;
    const subscription =
      (await registration.pushManager.getSubscription()) ||
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: PAGE.push_key }));
    const answer = await api("/me/push-subscriptions/", { method: "POST", body: subscription.toJSON() });
    if (!answer.ok) throw new Error(`push subscription refused: ${answer.status}`);
    store.set(KEYS.push, { id: answer.data.id, account: store.get(KEYS.me)?.id, endpoint: subscription.endpoint });
    $("push-result").textContent = gettext("Notifications are on for this phone.");
  } catch {
    $("push_enabled").checked = false;
    $("push-result").textContent = gettext("Notifications could not be turned on just now. Please try again once you are online.");
  }
}

async function pushOff() {
  const kept = store.get(KEYS.push);
  try {
    if (kept) {
      const answer = await api(`/me/push-subscriptions/${kept.id}/`, { method: "DELETE" });
      if (!answer.ok && answer.status !== 404) throw new Error(`push subscription kept: ${answer.status}`);
    }
    await (await currentSubscription())?.unsubscribe();
    store.drop(KEYS.push);
    $("push-result").textContent = gettext("Notifications are off for this phone.");
  } catch {
    $("push_enabled").checked = true;
    $("push-result").textContent = gettext("Notifications could not be turned off just now. Please try again once you are online.");
  }
}

// The next person on this phone does not get this client's notifications. Started before the token
// goes (the request takes it at once); offline, the server drops it when the push service says it is gone.
function stopPushOnSignOut() {
  const kept = store.get(KEYS.push);
  if (!kept) return;
  api(`/me/push-subscriptions/${kept.id}/`, { method: "DELETE" }).catch(() => {});
  currentSubscription().then((subscription) => subscription?.unsubscribe().catch(() => {}));
  store.drop(KEYS.push);
}

// --- wiring ----------------------------------------------------------------------------

// Keeps the page itself for opening offline (app/sw.js); where it can't, the page still works online.
function keepForOffline() {
  navigator.serviceWorker?.register("sw.js").catch(() => {});
}

function start() {
  $("sign-in").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("check-off").addEventListener("close", closeCheckOff);
  // Touching the slider answers, even where it already sits (a tap on 0, an arrow key at the end).
  $("pain").addEventListener("input", () => painAnswered(true));
  $("pain").addEventListener("pointerdown", () => painAnswered(true));
  $("pain").addEventListener("keydown", (event) => SLIDER_KEYS.includes(event.key) && painAnswered(true));
  $("pain-clear").addEventListener("click", () => {
    painAnswered(false);
    $("pain").focus();
  });
  $("timer-pause").addEventListener("click", pauseTimer);
  $("timer-stop").addEventListener("click", stopTimer);
  $("timer-skip").addEventListener("click", skipRest);
  $("start-session").addEventListener("click", startSession);
  $("session-timer-start").addEventListener("click", sessionTimerButton);
  $("session-skip").addEventListener("click", skipRest);
  $("session-check-off").addEventListener("click", () => {
    haltTimer();
    checkOffInSession();
  });
  $("session-previous").addEventListener("click", () => moveSession(currentWalk(), -1));
  $("session-forward").addEventListener("click", () => moveSession(currentWalk(), 1));
  $("session-leave").addEventListener("click", leaveSession);
  $("session-finish").addEventListener("click", leaveSession);
  $("timer").addEventListener("close", letSleep);
  $("timer").addEventListener("cancel", haltTimer);
  $("settings-form").addEventListener("submit", saveSettings);
  $("push_enabled").addEventListener("change", togglePush);
  $("settings-form").addEventListener("input", () => (settingsTouched = true));
  $("settings-back").addEventListener("click", leaveSettings);
  $("open-settings").addEventListener("click", enterSettings);
  $("exercise-back").addEventListener("click", leaveExercise);
  $("timezone").addEventListener("change", showZone);
  $("use-phone-zone").addEventListener("click", () => {
    settingsTouched = true;
    chooseZone(PHONE_ZONE);
    $("timezone").focus();
  });
  $("quiet-clear").addEventListener("click", () => {
    settingsTouched = true;
    $("quiet_hours_start").value = $("quiet_hours_end").value = "";
    $("quiet_hours_start").focus();
  });
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => {
    finishSignOut();
    if (showing === "settings" && !store.get(KEYS.me)) openSettings();
    showConnection();
    followTheDay().then((turned) => turned || sync().then(render));
  });
  window.addEventListener("offline", () => {
    showConnection();
    say(offlineMessage());
  });
  // A phone left on overnight, or woken up on another day: the new day's list.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    if (wantsAwake()) keepAwake();
    followTheDay();
  });
  window.addEventListener("focus", followTheDay);
  // A connection can come back without an `online` event (a captive portal, a flaky cell).
  setInterval(async () => (await followTheDay()) || (myQueue().length && sync().then(render)), 15000);
  if (store.get(KEYS.token)) {
    route();
    render();
    // The worker's first install fetches the page, its files and its words again: once the list is
    // in, so that those requests do not queue before the list's on a first visit.
    refresh().finally(() => {
      listed(); // also when the list never came (offline, or the sync before it failed)
      keepForOffline();
    });
  } else if (store.get(KEYS.signingOut) || !WEB_SESSION.client) {
    route();
    finishSignOut();
  } else {
    signInWithWebSession();
  }
  if (!store.get(KEYS.token)) keepForOffline();
}

start();
