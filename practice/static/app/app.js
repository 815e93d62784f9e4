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
};
const $ = (id) => document.getElementById(id);

// The page's words come with the page, in its language (see clients/phone.py): t("today", { date }).
const STRINGS = JSON.parse($("strings").textContent);
const t = (key, values = {}) => STRINGS[key].replace(/\{(\w+)\}/g, (_, name) => values[name]);
const tCount = (key, count, values = {}) => t(`${key}_${count === 1 ? "one" : "other"}`, { count, ...values });
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
async function api(path, options = {}) {
  const response = await request(API + path, options);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  return { status: response.status, ok: response.ok, data };
}

async function request(url, { method = "GET", body, token, accept = "application/json" } = {}) {
  const stored = token === undefined;
  if (stored) token = store.get(KEYS.token);
  const response = await send(url, { method, body, token, accept });
  if (response.status !== 401 || !stored || !token) return response;
  const fresh = await tokenAfter(token);
  return fresh ? send(url, { method, body, token: fresh, accept }) : response;
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
  signedOut(t("expired"));
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
// meet in its own words (clients/phone.py), by code (and field), and a sentence of its own for
// any other. `kind` is the place: "sign_in", "refused" (a check-off) or "error" (settings).
function explain(kind, error) {
  return STRINGS[`${kind}_${error?.field}_${error?.code}`] ?? STRINGS[`${kind}_${error?.code}`] ?? t(`${kind}_unexplained`);
}

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
    $("sign-in-error").textContent = t("sign_in_offline");
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
  say(t("signing_in"));
  let answer = null;
  try {
    answer = await api("/auth/token/session/", { method: "POST" });
  } catch {
    /* offline: the form says signing in needs a connection */
  }
  if (answer?.ok) return signedIn(answer.data.token);
  say(answer ? "" : t("sign_in_offline"));
  route();
}

// Signed out here at once; the server revokes the token and ends the web session as soon as it
// can be reached, and until then the web session is not used to sign back in.
async function signOut() {
  store.set(KEYS.signingOut, { token: store.get(KEYS.token), account: store.get(KEYS.me)?.id });
  const waiting = myQueue().length;
  forgetLanguage();
  signedOut(waiting ? tCount("signed_out_waiting", waiting) : t("signed_out"));
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

const VIEWS = { "sign-in": "email", today: "today-title", settings: "settings-title", exercise: "exercise-title" };
let showing = null;

function show(view) {
  const from = showing;
  showing = view;
  for (const name of Object.keys(VIEWS)) $(name).hidden = name !== view;
  $("sign-out").hidden = view === "sign-in";
  $("open-settings").hidden = view !== "today";
  if (view === "exercise") fillExercise();
  const titles = { settings: t("settings_title"), exercise: $("exercise-title").textContent };
  document.title = `${titles[view] || t("today_title")} · Rehabit`;
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
  show(routedSlot() ? "exercise" : "today");
}

// --- today -----------------------------------------------------------------------------

async function refresh() {
  // Who is signed in comes first: only their own waiting check-offs are sent.
  if ((await followClientsLanguage()) || !store.get(KEYS.token)) return; // signed out: the form says why
  await sync();
  // Nothing saved to show meanwhile: say it is coming, unless the sync had something to say.
  const firstLoad = !store.get(KEYS.today) && !$("status").textContent;
  if (firstLoad) say(t("loading"));
  try {
    const [today, programs] = await Promise.all([api("/me/today/"), api("/me/assignments/"), loadProgress()]);
    if (!store.get(KEYS.token)) return;
    if (today.ok) store.set(KEYS.today, { ...today.data, seen_on: clientsDate() });
    if (programs.ok) store.set(KEYS.programs, { account: store.get(KEYS.me)?.id, results: programs.data.results });
    if (firstLoad && $("status").textContent === t("loading")) say("");
  } catch {
    say(offlineMessage());
  }
  render();
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
  if (me?.ok) store.set(KEYS.me, me.data);
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
  $("today-title").textContent = listIsStale(today) ? date.charAt(0).toLocaleUpperCase(LANGUAGE) + date.slice(1) : t("today", { date });
  $("nothing").hidden = today.slots.length > 0;
  for (const slot of today.slots) list.append(slotItem(slot, isDone(slot, today), slotName(slot, today)));
  renderCount(today);
  keepPictures(today.slots.flatMap((slot) => poses(slot.exercise).map(([url]) => url)));
  if (showing === "exercise") routedSlot() ? fillExercise() : show("today");
}

// Done on the server, or checked off here and waiting to sync.
function isDone(slot, today) {
  return slot.done || myQueue().some((q) => q.date === today.date && slotKey(q) === slotKey(slot));
}

// With several sessions a day, each slot's name says which one.
function slotName(slot, today) {
  const sessions = Math.max(1, ...today.slots.map((s) => s.session));
  return sessions > 1 ? t("session", { name: slot.exercise.name, number: slot.session }) : slot.exercise.name;
}

// "3 of 6 done today": the slots of the list, counted as the list shows them.
function renderCount(today) {
  const total = today.slots.length;
  if (!total) return;
  const done = today.slots.filter((slot) => isDone(slot, today)).length;
  $("today-count-text").textContent = t(listIsStale(today) ? "done_that_day" : "done_today", { done, total });
  $("today-count-bar").style.width = `${Math.round((100 * done) / total)}%`;
  $("today-count").classList.toggle("all-done", done === total);
  $("today-count").hidden = false;
  // One at a time: the first not done yet opens, and each one leads on to the next.
  const next = listIsStale(today) ? null : today.slots.find((slot) => !isDone(slot, today));
  $("start-next").hidden = !next;
  $("start-next").textContent = next ? t(done ? "go_on_with" : "start_with", { name: slotName(next, today) }) : "";
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
    buttons.innerHTML = `<span class="state">${escapeHtml(t("done"))}</span>`;
    buttons.append(button(t("undo_label", { name }), t("undo"), () => undoCheckOff(slot, name), "secondary"));
  } else {
    buttons.append(button(t("check_off_label", { name }), t("check_off"), () => openCheckOff(slot, name)));
  }
  if (timerSteps(slot.dosage).length) buttons.append(button(t("timer_label", { name }), t("timer"), () => startTimer(slot, name)));
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
    slot.note ? `<div class="note"><h3>${escapeHtml(t("note_title"))}</h3><p>${escapeHtml(slot.note)}</p></div>` : "",
    exercise.summary ? `<p>${escapeHtml(exercise.summary)}</p>` : "",
    exercise.steps?.length ? `<h3>${escapeHtml(t("steps_title"))}</h3>${list(exercise.steps, "ol")}` : "",
    exercise.cues?.length ? `<h3>${escapeHtml(t("cues_title"))}</h3>${list(exercise.cues, "ul")}` : "",
    exercise.video ? `<video class="video" src="${escapeHtml(exercise.video)}" controls preload="metadata"></video>` : "",
    video
      ? `<p><a class="video" href="${escapeHtml(video)}" target="_blank" rel="noopener noreferrer">${escapeHtml(t("video"))}</a></p>`
      : "",
    stepThrough(slot, today),
  ].join("");
  slotButtons($("exercise-body").querySelector(".buttons"), slot, isDone(slot, today), name);
  for (const link of $("exercise-body").querySelectorAll(".step-through a")) link.addEventListener("click", stepTo);
}

// "Exercise 2 of 6", with the ones before and after it on the day's list.
function stepThrough(slot, today) {
  const at = today.slots.findIndex((other) => slotKey(other) === slotKey(slot));
  const link = (other, key, cls) =>
    other ? `<a class="${cls}" href="#exercise/${exerciseRoute(other)}">${escapeHtml(t(key, { name: slotName(other, today) }))}</a>` : "";
  return `<nav class="step-through" aria-label="${escapeHtml(t("position", { number: at + 1, total: today.slots.length }))}">
    <p class="position" aria-hidden="true">${escapeHtml(t("position", { number: at + 1, total: today.slots.length }))}</p>
    ${link(today.slots[at - 1], "previous", "previous")}${link(today.slots[at + 1], "next_exercise", "next")}</nav>`;
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
  $("progress-note").textContent = progressFresh ? "" : t("progress_saved", { when });
  $("progress-note").hidden = progressFresh;
  $("streak-current").textContent = tCount("days", report.current_streak);
  $("streak-best").textContent = tCount("days", report.best_streak);
  $("weeks").innerHTML = report.weeks.slice(-4).map((week, n, weeks) => weekRow(week, n === weeks.length - 1)).join("");
  $("pain-trend").textContent = painTrend(report);
}

// Today's exercises count in the week once done, so a week begun today may owe nothing yet.
function weekRow(week, current) {
  const label = t("week_of", { date: shortDate(week.week_start) });
  const pain = week.average_pain == null ? "" : ` · ${t("week_pain", { pain: number(week.average_pain) })}`;
  const none = current ? t("week_none_yet") : t("week_rest");
  const figure = week.scheduled ? t("week_done", { done: week.done, scheduled: week.scheduled }) : none;
  const width = week.scheduled ? Math.min(100, Math.round((100 * week.done) / week.scheduled)) : 0;
  return `<li><span class="week-label">${escapeHtml(label)}</span>
    <span class="week-bar" aria-hidden="true"><span style="width: ${width}%"></span></span>
    <span class="week-figure">${escapeHtml(figure + pain)}</span></li>`;
}

function painTrend(report) {
  if (!report.pain_trend) return t("pain_unknown");
  const change = number(Math.abs(report.pain_change));
  return t(`pain_${report.pain_trend}`, { change });
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
  const shown = poses(exercise);
  if (!shown.length) return "";
  const images = shown.map(([url, alt]) => `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt || "")}">`);
  return `<div class="poses">${images.join("")}</div>`;
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
  if (changes.length) return `<p class="changes"><strong>${escapeHtml(t("what_changed"))}</strong> ${escapeHtml(changes.join("; "))}</p>`;
  return assignment.version > 1 ? `<p class="changes">${escapeHtml(t("updated", { version: assignment.version }))}</p>` : "";
}

// A break the practitioner set (a holiday), running or to come: its days have no exercises.
// A pause with no last day is the "paused" beside the title.
function renderBreaks(assignment) {
  const today = clientsDate() || "0000-00-00"; // unknown zone: every break not over is shown
  return (assignment.pauses || [])
    .filter((p) => p.end_date && p.end_date >= today)
    .map((p) => `<p class="break">${escapeHtml(t(p.start_date <= today ? "on_break" : "break_ahead", { from: shortDate(p.start_date), to: shortDate(p.end_date) }))}</p>`)
    .join("");
}

function shortDate(date) {
  return new Date(date + "T12:00").toLocaleDateString(LANGUAGE, { day: "numeric", month: "short" });
}

function renderPrograms(assignments) {
  $("programs").innerHTML = assignments
    .filter((a) => a.status !== "ended")
    .map((a) => `<div class="program card"><strong>${escapeHtml(a.title)}</strong>
        ${a.status === "paused" ? ` · ${escapeHtml(t("paused"))}` : ""} · <a href="${escapeHtml(a.handout_url)}" data-handout>${escapeHtml(t("handout"))}</a>
        ${renderChanges(a)}${renderBreaks(a)}</div>`)
    .join("");
  for (const link of $("programs").querySelectorAll("[data-handout]")) link.addEventListener("click", downloadHandout);
}

// The handout needs the token header, so it is fetched rather than followed.
async function downloadHandout(event) {
  event.preventDefault();
  const response = await request(event.currentTarget.href, { accept: null });
  if (!response.ok) return say(t("handout_failed"));
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
async function openCheckOff(slot, name) {
  const opener = document.activeElement;
  if (await followTheDay()) {
    slot = store.get(KEYS.today)?.slots.find((s) => slotKey(s) === slotKey(slot) && !s.done);
    if (listIsStale()) return say(t("stale_check_off", { date: longDate(store.get(KEYS.today).date) }));
    if (!slot || myQueue().some((q) => q.date === store.get(KEYS.today).date && slotKey(q) === slotKey(slot))) return;
  }
  pending = { slot, opener, date: store.get(KEYS.today).date };
  const form = $("check-off-form");
  form.reset();
  $("check-off-name").textContent = name;
  painAnswered(false);
  $("sets_done").placeholder = slot.dosage.sets ?? "";
  $("reps_done").placeholder = slot.dosage.reps ?? "";
  $("reps-done-field").hidden = !slot.dosage.reps; // timed exercises have no reps to count
  $("done-hint").textContent = t("done_hint", { dosage: slot.dosage.text });
  $("check-off").showModal();
  $("pain").focus();
}

function painAnswered(answered) {
  const pain = $("pain");
  pain.dataset.answered = answered ? "1" : "";
  pain.classList.toggle("unset", !answered);
  if (!answered) pain.value = 0;
  if (answered) pain.removeAttribute("aria-valuetext");
  else pain.setAttribute("aria-valuetext", t("pain_not_set"));
  $("pain-value").textContent = answered ? pain.value : t("pain_not_set");
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
  const { slot, opener, date } = pending || {};
  pending = null;
  if (dialog.returnValue === "save" && slot) {
    const queue = store.get(KEYS.queue, []);
    queue.push({
      id: newUuid(),
      account: store.get(KEYS.me)?.id,
      assignment_exercise: slot.assignment_exercise,
      date, // the day of the list it was opened on
      session: slot.session,
      ...checkOffAnswers(),
    });
    store.set(KEYS.queue, queue);
    render();
    await sync();
    render();
  }
  opener?.isConnected ? opener.focus() : $(VIEWS[showing]).focus();
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
  if (!queue.length) return $("status").textContent === t("synced") || say("");
  try {
    const items = queue.slice(0, 500).map(({ account, ...item }) => item);
    const answer = await api("/me/completions/batch/", { method: "POST", body: { items } });
    if (answer.status === 401) return; // signed out: the sign-in form says why
    if (answer.status === 429) return say(tCount("sync_throttled", queue.length)); // sent again shortly
    if (!answer.ok) return say(offlineMessage());
    const settled = new Map(answer.data.results.map((r) => [r.id, r]));
    const refused = answer.data.results.filter((r) => r.status === 400 || r.status === 404);
    store.set(KEYS.queue, store.get(KEYS.queue, []).filter((q) => !settled.has(q.id)));
    markDone(queue, answer.data.results);
    if (answer.data.results.some((r) => r.status < 300)) loadProgress(); // a streak may have grown
    const left = myQueue().length;
    const reason = refused.length ? explain("refused", refused[0].error) : "";
    say(refused.length ? tCount("refused", refused.length, { reason }) : left ? offlineMessage() : t("synced"));
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
    return say(t("undo_offline", { name }));
  }
  if (answer.status === 401) return;
  if (!answer.ok && answer.status !== 404) return say(t("undo_failed", { name })); // 404: already gone
  undone(slot, name);
}

function undone(slot, name) {
  const today = store.get(KEYS.today);
  const mine = today.slots.find((s) => slotKey(s) === slotKey(slot));
  if (mine) Object.assign(mine, { done: false, completion: null });
  store.set(KEYS.today, today);
  render();
  say(t("undone", { name }));
  const place = showing === "exercise" ? $("exercise-body") : $("slots").querySelector(`[data-slot="${slotKey(slot)}"]`);
  place?.querySelector("button")?.focus();
}

function offlineMessage() {
  const waiting = myQueue().length;
  const where = navigator.onLine ? t("unreachable") : t("offline");
  const message = waiting ? tCount("waiting", waiting, { where }) : t("saved_list", { where });
  const today = store.get(KEYS.today);
  return listIsStale(today) ? `${message} ${t("stale_list", { date: longDate(today.date) })}` : message;
}

// --- follow-along timer ----------------------------------------------------------------

const REST_BETWEEN_REPS = 5;
const REST_BETWEEN_SIDES = 10;
const REST_BETWEEN_SETS = 30;

// Every countdown of one exercise: each hold of each rep, each side, each set, with rests.
function timerSteps(dosage) {
  const each = dosage.hold_seconds || dosage.duration_seconds;
  if (!each) return [];
  const sides = dosage.side === "each" ? [t("left_side"), t("right_side")] : [""];
  const reps = dosage.hold_seconds ? dosage.reps || 1 : 1;
  const steps = [];
  for (let set = 1; set <= (dosage.sets || 1); set++) {
    sides.forEach((side, s) => {
      for (let rep = 1; rep <= reps; rep++) {
        const what = dosage.hold_seconds ? t("hold", { rep, reps }) : t("go");
        steps.push({ label: [t("set", { set, sets: dosage.sets || 1 }), side, what].filter(Boolean).join(" · "), seconds: each, work: true });
        if (rep < reps) steps.push({ label: t("rest"), seconds: REST_BETWEEN_REPS });
      }
      if (s < sides.length - 1) steps.push({ label: t("rest_switch"), seconds: REST_BETWEEN_SIDES });
    });
    if (set < (dosage.sets || 1)) steps.push({ label: t("rest_set"), seconds: REST_BETWEEN_SETS });
  }
  return steps;
}

const timer = { steps: [], index: 0, left: 0, handle: null, paused: false, slot: null, name: "", lock: null };
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

function startTimer(slot, name) {
  Object.assign(timer, { steps: timerSteps(slot.dosage), index: 0, paused: false, slot, name });
  keepAwake();
  $("timer-title").textContent = name;
  $("timer-pause").textContent = t("pause");
  $("timer").showModal();
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
  const step = timer.steps[timer.index];
  timer.left = step.seconds;
  $("timer-step").textContent = step.label;
  $("timer-count").textContent = clock(timer.left);
  const next = timer.steps[timer.index + 1];
  $("timer-next").textContent = next ? t("next", { step: next.label }) : t("last");
  $("timer-skip").hidden = Boolean(step.work); // a rest can be cut short, a hold or a go cannot
}

function tick() {
  if (timer.paused) return;
  timer.left -= 1;
  $("timer-count").textContent = clock(timer.left);
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
  $(timer.index < timer.steps.length ? "timer-pause" : "timer-title")?.focus(); // the skip button just hid
}

// The screen stays on while the timer runs, where the browser can (Wake Lock); it may sleep again
// once the timer closes, however it closes.
async function keepAwake() {
  try {
    timer.lock = await navigator.wakeLock?.request("screen");
    if (!$("timer").open) letSleep(); // closed while the lock was being granted
  } catch {
    timer.lock = null; // refused (battery saver) or not offered: the phone's own timeout applies
  }
}

function letSleep() {
  timer.lock?.release().catch(() => {});
  timer.lock = null;
}

function finishTimer() {
  clearInterval(timer.handle);
  beep(true);
  $("timer-step").textContent = t("well_done");
  $("timer-count").textContent = "✓";
  $("timer-next").textContent = "";
  $("timer").close();
  openCheckOff(timer.slot, timer.name);
}

function stopTimer() {
  clearInterval(timer.handle);
  $("timer").close();
}

// --- settings: reminders, quiet hours, time zone, language ------------------------------

const SETTINGS = ["reminders_enabled", "reminder_time", "quiet_hours_start", "quiet_hours_end", "timezone", "language"];
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
  $("settings-result").textContent = sessionStorage.getItem("rehabit.saved") ? t("saved") : "";
  sessionStorage.removeItem("rehabit.saved");
  settingsTouched = false;
  showSettings(store.get(KEYS.me));
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
  const notice = !store.get(KEYS.me) ? t("settings_unavailable") : navigator.onLine ? "" : t("settings_offline");
  $("settings-notice").textContent = notice;
  $("settings-notice").hidden = !notice;
}

function fillSettings(me) {
  const form = $("settings-form").elements;
  form.reminders_enabled.checked = me.reminders_enabled;
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
  $("timezone-now").textContent = now ? t("zone_now", { time: now }) : "";
  const offer = PHONE_ZONE && PHONE_ZONE !== zone;
  $("use-phone-zone").hidden = !offer;
  if (offer) $("use-phone-zone").textContent = t("use_phone_zone", { zone: PHONE_ZONE });
}

function settingsBody() {
  const form = $("settings-form").elements;
  const time = (field) => form[field].value || null;
  return {
    reminders_enabled: form.reminders_enabled.checked,
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
  if (!navigator.onLine) return (result.textContent = t("not_saved_offline"));
  result.textContent = t("saving");
  let answer;
  try {
    answer = await api("/me/", { method: "PATCH", body: settingsBody() });
  } catch {
    showConnection();
    return (result.textContent = t("not_saved_offline"));
  }
  if (answer.status === 400) return showFieldErrors(answer.data.errors || [answer.data]);
  if (!answer.ok) return (result.textContent = answer.status === 401 ? "" : t("not_saved_server"));
  store.set(KEYS.me, answer.data);
  if (answer.data.language !== LANGUAGE) {
    sessionStorage.setItem("rehabit.saved", "1"); // said once the page is back in the new language
    return speak(answer.data.language);
  }
  fillSettings(answer.data);
  result.textContent = t("saved");
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
  $("settings-result").textContent = [t("not_saved_fields"), ...unplaced].join(" ");
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

// --- wiring ----------------------------------------------------------------------------

function start() {
  // Keeps the page itself for opening offline (app/sw.js); where it can't, the page still works online.
  navigator.serviceWorker?.register("sw.js").catch(() => {});
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
  $("timer-pause").addEventListener("click", () => {
    timer.paused = !timer.paused;
    $("timer-pause").textContent = timer.paused ? t("resume") : t("pause");
  });
  $("timer-stop").addEventListener("click", stopTimer);
  $("timer-skip").addEventListener("click", skipRest);
  $("timer").addEventListener("close", letSleep);
  $("timer").addEventListener("cancel", () => clearInterval(timer.handle));
  $("settings-form").addEventListener("submit", saveSettings);
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
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && followTheDay());
  window.addEventListener("focus", followTheDay);
  // A connection can come back without an `online` event (a captive portal, a flaky cell).
  setInterval(async () => (await followTheDay()) || (myQueue().length && sync().then(render)), 15000);
  if (store.get(KEYS.token)) {
    route();
    render();
    refresh();
  } else if (store.get(KEYS.signingOut) || !WEB_SESSION.client) {
    route();
    finishSignOut();
  } else {
    signInWithWebSession();
  }
}

start();
