// The phone page's questionnaires and messages, beside app.js (which it leaves alone): the
// questionnaires due (/api/v1/me/questionnaires/), answered in a dialog, and the client's thread
// with the practice (/api/v1/me/messages/). It reads the token app.js keeps in localStorage and
// loads whenever the Today view shows. Messages are plain text: always set as textContent.
"use strict";

(() => {
  const gettext = window.gettext || ((s) => s);
  const interpolate = window.interpolate || ((format, values) => format.replace(/%\((\w+)\)s/g, (_, key) => values[key]));
  const API = "/api/v1";
  const $ = (id) => document.getElementById(id);
  const WEB_SESSION = JSON.parse($("web-session").textContent);
  const MAX_LENGTH = 2000;
  const PAGE = 30;
  const state = { due: [], open: null, messages: [], next: null, loading: false };

  const token = () => JSON.parse(localStorage.getItem("rehabit.token") || "null");

  async function call(path, { method = "GET", body } = {}) {
    const headers = { Accept: "application/json" };
    if (token()) headers.Authorization = `Token ${token()}`;
    if (method !== "GET") headers["X-CSRFToken"] = WEB_SESSION.csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path.startsWith("/api/") ? path : API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, data };
  }

  function element(tag, { className, text, attrs = {} } = {}, children = []) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  function when(iso) {
    return new Date(iso).toLocaleString(document.documentElement.lang, {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    });
  }

  function day(iso) {
    return new Date(`${iso}T12:00:00`).toLocaleDateString(document.documentElement.lang, { day: "numeric", month: "long" });
  }

  // --- questionnaires -------------------------------------------------------------------

  async function loadQuestionnaires() {
    const answer = await call("/me/questionnaires/");
    if (!answer.ok) return;
    state.due = answer.data.results;
    const list = $("questionnaire-list");
    list.replaceChildren(...state.due.map(dueItem));
    $("questionnaires-due").hidden = state.due.length === 0;
  }

  function dueItem(due) {
    const since = due.overdue
      ? interpolate(gettext("Waiting since %(day)s"), { day: day(due.due_on) }, true)
      : interpolate(gettext("Due %(day)s"), { day: day(due.due_on) }, true);
    const open = element("button", { text: gettext("Answer"), attrs: { type: "button" } });
    open.setAttribute("aria-label", `${gettext("Answer")}: ${due.name}`);
    open.addEventListener("click", () => openQuestionnaire(due));
    return element("li", {}, [
      element("div", {}, [element("strong", { text: due.name }), element("br"), element("span", { className: due.overdue ? "due overdue" : "due", text: since })]),
      open,
    ]);
  }

  function errorLine(field) {
    return element("p", { className: "error field-error", attrs: { id: `err-${field}` } });
  }

  function scale(name, field, low, high, legend, ends) {
    const choices = [];
    for (let value = low; value <= high; value += 1) {
      const input = element("input", { attrs: { type: "radio", name, value: String(value) } });
      choices.push(element("label", {}, [input, element("span", { text: value > 0 && low < 0 ? `+${value}` : String(value) })]));
    }
    return element("fieldset", { attrs: { id: `f-${field}`, "aria-describedby": `ends-${field} err-${field}` } }, [
      element("legend", { text: legend }),
      element("div", { className: "scale" }, choices),
      element("p", { className: "scale-ends", attrs: { id: `ends-${field}` } }, [
        element("span", { text: `${low} = ${ends[0]}` }),
        element("span", { text: `${high > 0 && low < 0 ? "+" : ""}${high} = ${ends[1]}` }),
      ]),
      errorLine(field),
    ]);
  }

  function ratingSelect(id, field, label, due) {
    const select = element("select", { attrs: { id, name: id, "aria-describedby": `err-${field}` } }, [
      element("option", { text: gettext("Choose"), attrs: { value: "" } }),
    ]);
    for (let value = due.scale.low; value <= due.scale.high; value += 1) {
      const words = value === due.scale.low ? ` – ${due.scale.low_label}` : value === due.scale.high ? ` – ${due.scale.high_label}` : "";
      select.append(element("option", { text: `${value}${words}`, attrs: { value: String(value) } }));
    }
    return [element("label", { text: label, attrs: { for: id } }), select, errorLine(field)];
  }

  function psfsFields(due) {
    const rows = [];
    for (let n = 0; n < 5; n += 1) {
      const field = `answers.activities.${n}`;
      const named = due.activities[n] || "";
      rows.push(element("div", { className: "activity" }, [
        element("label", { text: interpolate(gettext("Activity %(number)s"), { number: n + 1 }, true), attrs: { for: `activity-${n}` } }),
        element("input", { attrs: { id: `activity-${n}`, type: "text", maxlength: "80", value: named, "aria-describedby": `err-${field}.activity`, ...(n > 0 ? {} : { required: "" }) } }),
        errorLine(`${field}.activity`),
        ...ratingSelect(`rating-${n}`, `${field}.rating`, gettext("How well can you do it today?"), due),
      ]));
    }
    return [
      element("p", { className: "hint", text: gettext("Leave the activities you don't need empty.") }),
      element("div", { attrs: { id: "f-answers.activities" } }, rows),
      errorLine("answers.activities"),
    ];
  }

  function odiFields(due) {
    return [
      ...due.sections.map((section, n) => {
        const field = `answers.sections.${n}`;
        const statements = section.statements.map((statement, value) =>
          element("label", {}, [element("input", { attrs: { type: "radio", name: `section-${n}`, value: String(value) } }), element("span", { text: statement })]),
        );
        return element("fieldset", { className: "statements", attrs: { id: `f-${field}`, "aria-describedby": `err-${field}` } }, [
          element("legend", { text: `${n + 1}. ${section.title}` }),
          ...statements,
          errorLine(field),
        ]);
      }),
      errorLine("answers.sections"),
    ];
  }

  function fieldsOf(due) {
    if (due.questionnaire === "psfs") return psfsFields(due);
    if (due.questionnaire === "odi") return odiFields(due);
    const field = due.questionnaire === "nprs" ? "answers.pain" : "answers.change";
    return [scale("single", field, due.scale.low, due.scale.high, due.instructions, [due.scale.low_label, due.scale.high_label])];
  }

  function openQuestionnaire(due) {
    state.open = due;
    $("questionnaire-title").textContent = due.name;
    $("questionnaire-instructions").textContent = due.instructions;
    $("questionnaire-instructions").hidden = due.questionnaire === "nprs" || due.questionnaire === "groc";
    $("questionnaire-fields").replaceChildren(...fieldsOf(due));
    $("questionnaire-error").textContent = "";
    $("questionnaire").showModal();
    $("questionnaire-title").focus();
  }

  const picked = (name) => {
    const input = document.querySelector(`#questionnaire input[name="${name}"]:checked`);
    return input ? Number(input.value) : null;
  };

  function answersOf(due) {
    if (due.questionnaire === "nprs") return { pain: picked("single") };
    if (due.questionnaire === "groc") return { change: picked("single") };
    if (due.questionnaire === "odi") return { sections: due.sections.map((_, n) => picked(`section-${n}`)) };
    const activities = [];
    for (let n = 0; n < 5; n += 1) {
      const activity = $(`activity-${n}`).value.trim();
      const rating = $(`rating-${n}`).value;
      if (activity || rating !== "") activities.push({ activity, rating: rating === "" ? null : Number(rating) });
    }
    return { activities };
  }

  function clearErrors(root) {
    for (const line of root.querySelectorAll(".field-error")) line.textContent = "";
    for (const field of root.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  }

  // The API names the field at fault ("answers.activities.1.rating"): the message goes under it.
  function showError(error, fallback) {
    const line = error.field && $(`err-${error.field}`);
    const message = error.field ? error.message.replace(`${error.field}: `, "") : error.message;
    if (!line) {
      fallback.textContent = message;
      return fallback;
    }
    line.textContent = message;
    const field = $(`f-${error.field}`) || document.querySelector(`[aria-describedby~="err-${error.field}"]`);
    field?.setAttribute("aria-invalid", "true");
    return field || line;
  }

  async function sendAnswers(event) {
    const dialog = $("questionnaire");
    if (event.submitter?.value !== "send") return;
    event.preventDefault();
    clearErrors(dialog);
    $("questionnaire-error").textContent = "";
    const due = state.open;
    let answer;
    try {
      answer = await call(`/me/questionnaires/${due.id}/responses/`, { method: "POST", body: { answers: answersOf(due) } });
    } catch {
      $("questionnaire-error").textContent = gettext("You are offline: your answers are still here, send them once you are connected.");
      return;
    }
    if (answer.ok || answer.status === 409) {
      dialog.close();
      say(answer.ok ? gettext("Thank you: your answers went to your practice.") : answer.data.message);
      return loadQuestionnaires();
    }
    const first = (answer.data?.errors || [answer.data]).filter(Boolean).map((error) => showError(error, $("questionnaire-error")))[0];
    first?.scrollIntoView({ block: "center" });
    (first?.querySelector?.("input, select") || first)?.focus?.();
  }

  function say(message) {
    const status = $("status");
    if (status) status.textContent = message;
  }

  // --- messages -----------------------------------------------------------------------------

  async function loadMessages() {
    const answer = await call(`/me/messages/?page_size=${PAGE}`);
    if (!answer.ok) return;
    state.messages = answer.data.results.slice().reverse();
    state.next = answer.data.next;
    showUnread(answer.data.unread);
    renderMessages();
    $("messages").hidden = false;
    if (answer.data.unread && watcher) {
      watcher.unobserve($("message-list")); // observed afresh, it reports whether the thread is on screen now
      watcher.observe($("message-list"));
    }
  }

  async function loadOlder() {
    if (!state.next) return;
    const answer = await call(state.next.replace(/^https?:\/\/[^/]+/, ""));
    if (!answer.ok) return;
    state.messages = [...answer.data.results.slice().reverse(), ...state.messages];
    state.next = answer.data.next;
    renderMessages();
  }

  function showUnread(count) {
    const badge = $("messages-unread");
    badge.hidden = !count;
    badge.replaceChildren(String(count || ""), element("span", { className: "visually-hidden", text: ` ${gettext("unread")}` }));
  }

  function renderMessages() {
    $("message-list").replaceChildren(...state.messages.map(messageItem));
    $("messages-empty").hidden = state.messages.length > 0;
    $("messages-older").hidden = !state.next;
  }

  function messageItem(message) {
    const who = message.from_client ? gettext("You") : message.author;
    const meta = element("p", { className: "meta" }, [`${who} · `, element("time", { text: when(message.created_at), attrs: { datetime: message.created_at } })]);
    return element("li", { className: message.from_client ? "message mine" : "message" }, [meta, element("p", { className: "body", text: message.body })]);
  }

  // Read once the thread is on the screen, not merely loaded: the practice sees "read" when it was.
  const watcher = "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && markRead(), { threshold: 0.3 })
    : null;

  async function markRead() {
    if ($("messages-unread").hidden) return;
    const answer = await call("/me/messages/read/", { method: "POST" }).catch(() => null);
    if (answer?.ok) showUnread(0);
  }

  function countCharacters() {
    const length = $("message-body").value.length;
    $("message-count").textContent = length > MAX_LENGTH - 200
      ? interpolate(gettext("%(left)s characters left"), { left: MAX_LENGTH - length }, true)
      : "";
  }

  async function sendMessage(event) {
    event.preventDefault();
    const form = $("message-form");
    clearErrors(form);
    const body = $("message-body").value;
    let answer;
    try {
      answer = await call("/me/messages/", { method: "POST", body: { body } });
    } catch {
      $("body-error").textContent = gettext("You are offline: your message is still here, send it once you are connected.");
      return;
    }
    if (!answer.ok) {
      $("body-error").textContent = (answer.data?.message || gettext("The message could not be sent.")).replace(/^body: /, "");
      $("message-body").setAttribute("aria-invalid", "true");
      $("message-body").focus();
      return;
    }
    $("message-body").value = "";
    countCharacters();
    state.messages.push(answer.data);
    renderMessages();
    say(gettext("Message sent."));
  }

  // --- when to load ---------------------------------------------------------------------------

  // What the page shows first is today's list (app.js says when it is in): this waits for it.
  const listed = new Promise((resolve) => {
    if (document.documentElement.dataset.listed) resolve();
    else document.addEventListener("rehabit:listed", resolve, { once: true });
  });

  async function load() {
    await listed;
    if (state.loading || !token() || $("today").hidden) return;
    state.loading = true;
    try {
      await Promise.all([loadQuestionnaires(), loadMessages()]);
    } catch {
      /* offline: loaded again when the page is shown or the connection returns */
    } finally {
      state.loading = false;
    }
  }

  function start() {
    new MutationObserver(load).observe($("today"), { attributes: true, attributeFilter: ["hidden"] });
    $("questionnaire-form").addEventListener("submit", sendAnswers);
    $("message-form").addEventListener("submit", sendMessage);
    $("message-body").addEventListener("input", countCharacters);
    $("messages-older").addEventListener("click", loadOlder);
    watcher?.observe($("message-list"));
    window.addEventListener("online", load);
    document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && load());
    load();
  }

  start();
})();
