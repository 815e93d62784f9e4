// The phone page's first two reads of the API (/me/ and /me/today/), started from the page's head
// while app.js, its words and its stylesheet still download; app.js takes each answer once (see
// `early` there), so the list does not wait for the script to arrive before asking.
"use strict";
(() => {
  let token = null;
  try {
    token = JSON.parse(localStorage.getItem("rehabit.token") || "null");
  } catch {
    return;
  }
  if (!token) return;
  const read = (path) =>
    fetch(`/api/v1${path}`, { headers: { Accept: "application/json", Authorization: `Token ${token}` } }).catch(() => null);
  window.rehabitEarly = { token, answers: { "/me/": read("/me/"), "/me/today/": read("/me/today/") } };
})();
