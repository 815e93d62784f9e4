{% load static i18n %}{% get_available_languages as LANGUAGES %}// The phone page, there even when the phone is offline: the page (its first reads are inline), its
// files, its words (the JavaScript catalogue of each language), its manifest and icons are kept
// here, network first so a new version shows as soon as there is a connection.
// The exercises' pictures are kept too, answered from here at once and refreshed behind (the page
// puts the day's pictures in the same cache as its list loads). The API is never kept here: the
// page keeps today's list, the progress figures and the check-offs waiting to sync itself, with
// the id of the client they belong to, which a cache shared by everyone on the phone would not.
"use strict";

const FILES = [
  "{% url 'phone-app' %}",
  "{% static 'app/app.js' %}",
  "{% static 'app/app.css' %}",
  "{% static 'app/talk.js' %}",
  "{% static 'app/talk.css' %}",
  "{% url 'phone-app-manifest' %}",
{% for code, name in LANGUAGES %}  "{% url 'phone-app-catalog' code %}",
{% endfor %}  "{% static 'app/icons/icon-192.png' %}",
  "{% static 'app/icons/icon-512.png' %}",
  "{% static 'app/icons/maskable-192.png' %}",
  "{% static 'app/icons/maskable-512.png' %}",
];
const CACHE = `rehabit-app-${FILES.join("|")}`;
const PICTURES = "rehabit-pictures";
const APP = "{% url 'phone-app' %}";
const PICTURE_PATHS = ["{% static 'programs/illustrations/' %}"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const old = (keys) => keys.filter((key) => key.startsWith("rehabit-app-") && key !== CACHE);
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(old(keys).map((key) => caches.delete(key)))).then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (FILES.includes(url.pathname)) event.respondWith(networkFirst(event.request, url.pathname));
  else if (PICTURE_PATHS.some((path) => url.pathname.startsWith(path))) event.respondWith(keptFirst(event));
});

function networkFirst(request, path) {
  return fetch(request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(path, copy));
      }
      return response;
    })
    .catch(() => caches.match(path));
}

// A picture kept here shows at once, offline too; a fresh copy replaces it for next time.
async function keptFirst(event) {
  const cache = await caches.open(PICTURES);
  const kept = await cache.match(event.request.url, { ignoreVary: true });
  const fresh = fetch(event.request.url).then((response) => {
    if (response.ok) cache.put(event.request.url, response.clone());
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => null));
    return kept;
  }
  return fresh;
}

// Web Push (clients/reminders/push.py): the server's message, decrypted by the browser, shown as a
// notification; one of a kind replaces the last (`tag`). A tap opens the phone page, or brings it
// to the front where it is open already.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data.text() };
  }
  const shown = self.registration.showNotification(message.title || "Rehabit", {
    body: message.body || "",
    tag: message.kind || "rehabit",
    icon: "{% static 'app/icons/icon-192.png' %}",
    data: { url: message.url || APP },
  });
  event.waitUntil(shown);
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || APP, self.location.origin);
  const url = target.origin === self.location.origin ? target.href : new URL(APP, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname.startsWith(APP));
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});
