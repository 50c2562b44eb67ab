// Editorial comments on the change page. The panel's forms work as plain forms;
// here they are sent in the background and the panel, drawn afresh by the
// server, takes the old one's place, so that unsaved edits in the article form
// stay as they are. "Quote the selection" copies the text selected in the body
// editor into the new comment's passage.
"use strict";
{
  const PANEL = "#editorial-comments";
  let selected = "";

  const editorOf = (node) => {
    const element = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    return element ? element.closest(".ProseMirror") : null;
  };

  document.addEventListener("selectionchange", () => {
    // What is selected in the body, kept while the focus moves to the button.
    const selection = document.getSelection();
    if (selection && editorOf(selection.anchorNode)) {
      selected = selection.isCollapsed ? "" : selection.toString().trim();
    }
  });

  const ready = () => {
    for (const button of document.querySelectorAll(`${PANEL} [data-quote-selection]`)) {
      button.hidden = false;
    }
  };

  const focus = (node) => {
    node.setAttribute("tabindex", "-1");
    node.focus();
  };

  const replacePanel = (html) => {
    const panel = document.querySelector(PANEL);
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.querySelector(PANEL);
    if (!panel || !fresh) return false;
    panel.replaceWith(fresh);
    ready();
    const refusal = fresh.querySelector("[role=alert]");
    if (refusal) focus(refusal);
    return true;
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest(`${PANEL} [data-quote-selection]`);
    if (!button) return;
    const quote = document.getElementById("comment-quote");
    if (selected) {
      quote.value = selected;
      document.getElementById("comment-text").focus();
    } else {
      quote.focus();
    }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest(`${PANEL} form[data-comments-form]`);
    if (!form) return;
    event.preventDefault();
    const buttons = form.querySelectorAll("button");
    for (const button of buttons) button.disabled = true;
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Comments-Panel": "1" },
        credentials: "same-origin",
      });
    } catch {
      // Offline or refused: the plain form says what happened.
      form.submit();
      return;
    }
    const html = await response.text();
    const before = new Set(
      Array.from(document.querySelectorAll(`${PANEL} [id^="comment-"]`), (node) => node.id)
    );
    if (!replacePanel(html)) {
      form.submit();
      return;
    }
    const added = Array.from(document.querySelectorAll(`${PANEL} .comment-thread, ${PANEL} .comment-reply`)).find(
      (node) => !before.has(node.id)
    );
    if (response.ok && added) focus(added);
    selected = "";
  });

  ready();
}
