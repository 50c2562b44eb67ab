// Autosave and presence on the article's change page.
//
// What the person changed since the page opened is sent to the server as their
// working copy a few seconds after they stop typing, and when they leave the
// page; the status line says honestly whether it is stored. A heartbeat says
// the page is open, and lists who else has the article open.
"use strict";
{
  const QUIET_MS = 3000;
  const CHECK_MS = 1000;
  const FIELDS = [
    "headline", "slug", "section", "standfirst", "body", "hero_photo",
    "hero_caption", "hero_alt_text", "tags", "seo_title", "seo_description",
  ];

  const valuesOf = (form) => {
    const data = new FormData(form);
    const values = {};
    for (const name of FIELDS) {
      if (!form.elements.namedItem(name)) continue;
      values[name] = name === "tags" ? data.getAll(name) : (data.get(name) ?? "");
    }
    return values;
  };

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  const ago = (seconds) => {
    if (seconds < 60) return `${seconds} s ago`;
    const minutes = Math.floor(seconds / 60);
    return minutes < 60 ? `${minutes} min ago` : "over an hour ago";
  };

  const autosave = (form, section) => {
    const status = document.getElementById("autosave-status");
    const url = section.dataset.autosaveUrl;
    if (!url || !status) return;
    const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const version = form.querySelector("[name=loaded_version]").value;
    // After a refused save or a restore, the form shows work not stored as the
    // article: everything differing from what was saved counts as changed.
    const opened = valuesOf(form);
    const restored = section.dataset.restored === "true" || document.querySelector(".errornote");
    let stored = restored ? null : opened;
    let lastChange = Date.now();
    let seen = opened;
    let savedAt = null;
    let problem = "";
    let saving = false;
    let submitting = false;

    const changedFields = (values) => {
      const changed = {};
      for (const name of Object.keys(values)) {
        if (restored || !same(values[name], opened[name])) changed[name] = values[name];
      }
      return changed;
    };

    const payload = (values) => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("base_version", version);
      for (const [name, value] of Object.entries(changedFields(values))) {
        for (const item of [].concat(value)) data.append(name, item);
      }
      return data;
    };

    const show = () => {
      if (saving) status.textContent = "Saving...";
      else if (problem) status.textContent = `Not saved: ${problem}`;
      else if (savedAt) status.textContent = `Saved ${ago(Math.round((Date.now() - savedAt) / 1000))}`;
      else status.textContent = "";
      status.classList.toggle("working-copy-status--problem", Boolean(problem));
    };

    const save = async (values) => {
      if (!navigator.onLine) {
        problem = "offline";
        show();
        return;
      }
      saving = true;
      show();
      try {
        const response = await fetch(url, {
          method: "POST", body: payload(values), credentials: "same-origin", redirect: "manual",
        });
        if (response.ok) {
          stored = values;
          savedAt = Date.now();
          problem = "";
        } else if (response.type === "opaqueredirect" || response.status === 403) {
          problem = "you are signed out; sign in again in another tab";
        } else {
          problem = `the server answered ${response.status}`;
        }
      } catch (error) {
        problem = "offline";
      } finally {
        // A failed save is tried again after the same quiet time, not at once.
        if (problem) lastChange = Date.now();
        saving = false;
        show();
      }
    };

    form.addEventListener("submit", () => { submitting = true; });
    window.addEventListener("offline", () => { if (stored === null || !same(seen, stored)) { problem = "offline"; show(); } });
    window.addEventListener("online", () => { problem = ""; lastChange = 0; });

    setInterval(() => {
      if (submitting || saving) return;
      const values = valuesOf(form);
      if (!same(values, seen)) {
        seen = values;
        lastChange = Date.now();
      }
      if ((stored === null || !same(values, stored)) && Date.now() - lastChange >= QUIET_MS) {
        save(values);
      }
      show();
    }, CHECK_MS);

    // Leaving: whatever is not stored yet goes in one last request that
    // outlives the page.
    window.addEventListener("pagehide", () => {
      if (submitting) return;
      const values = valuesOf(form);
      if (stored !== null && same(values, stored)) return;
      navigator.sendBeacon(url, payload(values));
    });
  };

  const presence = (form, section) => {
    const url = section.dataset.presenceUrl;
    const line = document.getElementById("presence");
    const every = Number(section.dataset.heartbeatSeconds || 10) * 1000;
    const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const beat = async () => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      try {
        const response = await fetch(url, {method: "POST", body: data, credentials: "same-origin", redirect: "manual"});
        if (!response.ok) return;
        const {others} = await response.json();
        line.textContent = others.length ? `Also editing now: ${others.join(", ")}` : "";
      } catch (error) {
        // Offline: the next beat tries again.
      }
    };
    beat();
    setInterval(beat, every);
    window.addEventListener("pagehide", () => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("leave", "1");
      navigator.sendBeacon(url, data);
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("article_form");
    const section = document.getElementById("working-copy");
    if (!form || !section) return;
    autosave(form, section);
    presence(form, section);
  });
}
