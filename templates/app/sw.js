{% load static %}// The phone page, there even when the phone is offline: the page and its two files are kept
// here, network first so a new version shows as soon as there is a connection. The API is never
// kept here: the page keeps today's list and the check-offs waiting to sync itself.
"use strict";

const FILES = ["{% url 'phone-app' %}", "{% static 'app/app.js' %}", "{% static 'app/app.css' %}"];
const CACHE = `rehabit-app-${FILES.join("|")}`;

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
  const path = new URL(event.request.url).pathname;
  if (event.request.method !== "GET" || !FILES.includes(path)) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(path, copy));
        }
        return response;
      })
      .catch(() => caches.match(path)),
  );
});
