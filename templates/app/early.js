{% comment %}
The phone page's first two reads of the API, inline in the page's head (app/index.html) so that
they start as soon as the head arrives, while app.js, its words and its stylesheet still download;
app.js takes each answer once (see `early` there). Today's list first and alone, so the server gives
it all its time; who is signed in (/me/) once it has answered. With check-offs waiting to sync, /me/
alone: the list is read after they are sent (app.js's refresh), so that it counts them.
{% endcomment %}"use strict";
(() => {
  let token = null;
  let waiting = false;
  try {
    token = JSON.parse(localStorage.getItem("rehabit.token") || "null");
    waiting = (JSON.parse(localStorage.getItem("rehabit.queue") || "null") || []).length > 0;
  } catch {
    return;
  }
  if (!token) return;
  const read = (path) =>
    fetch(`/api/v1${path}`, { headers: { Accept: "application/json", Authorization: `Token ${token}` } }).catch(() => null);
  const today = waiting ? null : read("/me/today/");
  const answers = { "/me/": today ? today.then(() => read("/me/")) : read("/me/") };
  if (today) answers["/me/today/"] = today;
  window.rehabitEarly = { token, answers };
})();
