// Writing aids on the article form: character counts with guidance, the body's word
// count and reading time, a slug that follows the headline until the article is
// first published, and a warning before leaving with unsaved changes.
"use strict";
{
  const WORDS_PER_MINUTE = 230;
  const BLOCKS = "p, h2, h3, h4, li, blockquote, figure, pre, br, hr";

  const countFor = (input, className) => {
    const output = document.createElement("div");
    output.className = className;
    output.id = `${input.id}_count`;
    const describedBy = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", [describedBy, output.id].filter(Boolean).join(" "));
    return output;
  };

  const characterCounts = (form) => {
    for (const input of form.querySelectorAll("[data-count-guide]")) {
      const guide = Number(input.dataset.countGuide);
      const output = countFor(input, "writing-count");
      input.after(output);
      const update = () => {
        const length = Array.from(input.value).length;
        const over = length - guide;
        output.textContent =
          over > 0 ? `${length} / ${guide} characters: ${over} over` : `${length} / ${guide} characters`;
        output.classList.toggle("writing-count--over", over > 0);
      };
      input.addEventListener("input", update);
      update();
    }
  };

  const words = (html) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const block of doc.body.querySelectorAll(BLOCKS)) block.after(" ");
    return (doc.body.textContent.match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu) || []).length;
  };

  const bodyCount = (form) => {
    const body = form.querySelector("#id_body");
    if (!body) return;
    const output = countFor(body, "writing-count writing-count--body");
    (body.closest(".flex-container") || body).after(output);
    const update = () => {
      const count = words(body.value);
      const minutes = Math.max(1, Math.ceil(count / WORDS_PER_MINUTE));
      output.textContent = count
        ? `${count} ${count === 1 ? "word" : "words"} · about ${minutes} min read`
        : "0 words";
    };
    body.addEventListener("input", update);
    update();
  };

  const followingSlug = (form) => {
    const slug = form.querySelector("#id_slug");
    const headline = form.querySelector("#id_headline");
    if (!slug || !headline || !window.URLify) return;
    const locked = slug.dataset.slugLocked === "true";
    const maxLength = Number(slug.getAttribute("maxlength")) || 200;
    const slugify = (text) => window.URLify(text, maxLength, false);
    let following = !locked && (slug.value === "" || slug.value === slugify(headline.value));
    headline.addEventListener("input", () => {
      if (following) slug.value = slugify(headline.value);
    });
    slug.addEventListener("input", () => {
      following = !locked && slug.value === "";
    });
  };

  const unsavedWarning = (form) => {
    const state = () => {
      const data = new FormData(form);
      data.delete("csrfmiddlewaretoken");
      return new URLSearchParams(data).toString();
    };
    const saved = state();
    // After a refused save the form shows changes that are not stored anywhere yet.
    const refused = document.querySelector(".errornote") !== null;
    let submitting = false;
    form.addEventListener("submit", () => {
      submitting = true;
    });
    window.addEventListener("beforeunload", (event) => {
      if (submitting || (!refused && state() === saved)) return;
      event.preventDefault();
      event.returnValue = "";
    });
  };

  // "Copy link" next to a shared preview link: to the clipboard, or selected
  // for Ctrl+C where the browser does not allow it.
  const copyButtons = () => {
    document.querySelectorAll("button[data-copy]").forEach((button) => {
      button.addEventListener("click", async () => {
        const field = document.getElementById(button.dataset.copy);
        const status = button.parentElement.querySelector("[role=status]");
        field.select();
        try {
          await navigator.clipboard.writeText(field.value);
          if (status) status.textContent = "Copied.";
        } catch (error) {
          if (status) status.textContent = "Selected: press Ctrl+C to copy.";
        }
      });
    });
  };

  // The hero's caption and alt text are the story's own, started from the
  // library's as soon as a photo is chosen (from the list or the popup): a field
  // still empty, or still holding the last photo's text, takes the new photo's.
  const heroText = (form) => {
    const select = form.querySelector("#id_hero_photo");
    const caption = form.querySelector("#id_hero_caption");
    const alt = form.querySelector("#id_hero_alt_text");
    if (!select || !caption || !alt || !select.dataset.libraryUrl || !window.django) return;
    const filled = new Map();
    const fill = (field, value) => {
      if (field.value.trim() === "" || field.value === filled.get(field)) {
        field.value = value || "";
        filled.set(field, field.value);
        field.dispatchEvent(new Event("input", {bubbles: true}));
      }
    };
    django.jQuery(select).on("change", async () => {
      if (!select.value) return;
      const url = `${select.dataset.libraryUrl}?ids=${encodeURIComponent(select.value)}`;
      const response = await fetch(url, {credentials: "same-origin"});
      if (!response.ok) return;
      const [photo] = (await response.json()).photos;
      if (!photo || String(photo.id) !== select.value) return;
      fill(caption, photo.caption);
      fill(alt, photo.alt);
    });
  };

  // The body editor is drawn by the prose editor's script: it is named once it
  // is there, for screen readers.
  const namedBody = (form) => {
    const name = () => {
      for (const area of form.querySelectorAll(".ProseMirror[contenteditable]")) {
        if (!area.hasAttribute("aria-label")) area.setAttribute("aria-label", "Body");
      }
    };
    new MutationObserver(name).observe(form, {childList: true, subtree: true});
    name();
  };

  // Django's autocomplete pickers are drawn by select2, whose box is named by
  // the choice shown in it: an empty one gets its field's label, for screen
  // readers.
  const namedPickers = (form) => {
    const name = () => {
      for (const box of form.querySelectorAll(".select2-selection[role=combobox]")) {
        if (box.hasAttribute("aria-label")) continue;
        const select = box.closest(".select2")?.previousElementSibling;
        const label = select && form.querySelector(`label[for="${select.id}"]`);
        if (!label) continue;
        const text = label.textContent.replace(/:$/, "").trim();
        box.setAttribute("aria-label", text);
        const shown = box.querySelector("[role=textbox]");
        if (shown && !shown.hasAttribute("aria-label")) shown.setAttribute("aria-label", text);
      }
    };
    new MutationObserver(name).observe(form, {childList: true, subtree: true});
    name();
  };

  document.addEventListener("DOMContentLoaded", () => {
    copyButtons();
    const form = document.getElementById("article_form");
    if (!form) return;
    heroText(form);
    namedBody(form);
    namedPickers(form);
    characterCounts(form);
    bodyCount(form);
    followingSlug(form);
    unsavedWarning(form);
  });
}
