// The desk's script: `check` as you type, the real form refreshed beside the editor, rows added to lists, evidence
// uploaded. It adds no rule and renders nothing of the form itself: the server checks the values as typed with the
// same code as `reportgen check` and makes the preview with the build's templates; this script only asks and shows.
// Without it the desk still works: saving checks everything, and a list always has an empty row to fill.
"use strict";

(function () {
  const form = document.getElementById("desk-form");
  if (!form) {
    return;
  }
  const checkUrl = form.dataset.check;
  const token = form.dataset.csrf;
  const state = document.getElementById("check-state");
  const saveButton = document.getElementById("save-button");
  const frame = document.getElementById("preview-frame");
  const pdfLink = document.getElementById("pdf-link");
  const WAIT_MS = 150; // after the last keystroke: quick enough to feel immediate, few enough requests
  let timer = null;
  let asked = 0; // the number of the latest check asked for: older answers are dropped
  let shown = 0;

  function problemItem(problem) {
    const item = document.createElement("li");
    item.className = "problem problem-" + problem.severity;
    const severity = document.createElement("span");
    severity.className = "severity";
    severity.textContent = problem.severity === "error" ? state.dataset.wordError : state.dataset.wordWarning;
    item.append(severity, " " + (problem.field ? "" : problem.where + ": ") + problem.message);
    if (problem.hint) {
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = problem.hint;
      item.append(" ", hint);
    }
    return item;
  }

  function show(answer) {
    document.querySelectorAll("[data-problems-for]").forEach((list) => list.replaceChildren());
    for (const problem of answer.problems) {
      let list = null;
      if (problem.field) {
        list = document.querySelector('[data-problems-for="' + CSS.escape(problem.field) + '"]');
      }
      (list || document.getElementById("general-problems")).append(problemItem(problem));
    }
    document.querySelectorAll(".field, fieldset.group, li.row").forEach((element) => {
      const list = element.querySelector(":scope > [data-problems-for]");
      const hasError = list && list.querySelector(".problem-error");
      element.classList.toggle("has-error", Boolean(hasError));
      const input = element.querySelector(":scope > input, :scope > textarea, :scope > select");
      if (input) {
        input.setAttribute("aria-invalid", hasError ? "true" : "false");
      }
    });
    state.dataset.errors = String(answer.errors);
    state.textContent = state.dataset.template
      .replace("{errors}", answer.errors)
      .replace("{warnings}", answer.warnings);
    saveButton.setAttribute("aria-disabled", answer.errors > 0 ? "true" : "false");
    if (answer.preview && frame) {
      frame.src = answer.preview;
      if (pdfLink) {
        pdfLink.href = answer.pdf;
      }
    }
    document.body.dataset.checked = String(shown);
  }

  async function check() {
    const number = ++asked;
    const body = new URLSearchParams(new FormData(form));
    try {
      const response = await fetch(checkUrl, {
        method: "POST",
        body: body,
        headers: { "X-CSRF-Token": token, Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok || number !== asked) {
        return;
      }
      const answer = await response.json();
      if (number === asked) {
        shown = number;
        show(answer);
      }
    } catch (error) {
      // the desk could not be reached: the next keystroke asks again, saving checks anyway
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, WAIT_MS);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);

  form.addEventListener("submit", (event) => {
    if (state.dataset.errors !== "0") {
      event.preventDefault();
      document.getElementById("save-note").textContent = state.dataset.blocked;
      const first = document.querySelector(".has-error input, .has-error textarea, .has-error select");
      if (first) {
        first.focus();
      }
    }
  });

  function addRow(rowsId) {
    const template = document.getElementById(rowsId + "-blank");
    const list = document.querySelector("#" + CSS.escape(rowsId) + " > .row-list");
    const index = list.children.length;
    const row = template.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("[name], [id], [for], [aria-describedby], [data-field], [data-problems-for]").forEach((element) => {
      for (const attribute of ["name", "id", "for", "aria-describedby", "data-field", "data-problems-for"]) {
        const value = element.getAttribute(attribute);
        if (value) {
          element.setAttribute(attribute, value.replaceAll("__row__", String(index)));
        }
      }
    });
    const own = row.getAttribute("data-field");
    if (own) {
      row.setAttribute("data-field", own.replaceAll("__row__", String(index)));
    }
    list.append(row);
    return row;
  }

  document.querySelectorAll("[data-add-row]").forEach((button) => {
    button.addEventListener("click", () => {
      const row = addRow(button.dataset.addRow);
      const first = row.querySelector("input, textarea, select");
      if (first) {
        first.focus();
      }
    });
  });

  document.querySelectorAll("[data-upload]").forEach((input) => {
    input.addEventListener("change", async () => {
      const status = document.getElementById("evidence-upload-status");
      const file = input.files[0];
      if (!file) {
        return;
      }
      const body = new FormData();
      body.append("csrf_token", token);
      body.append("file", file);
      status.textContent = status.dataset.sending || "";
      const response = await fetch(input.dataset.upload, {
        method: "POST", body: body, headers: { "X-CSRF-Token": token }, credentials: "same-origin",
      });
      const answer = await response.json();
      if (!response.ok) {
        status.textContent = answer.error || "";
        return;
      }
      const rowsId = input.dataset.rowsId;
      const empty = Array.from(document.querySelectorAll("#" + CSS.escape(rowsId) + " > .row-list > li")).find(
        (row) => Array.from(row.querySelectorAll("input[type=text]")).every((field) => field.value === ""));
      const row = empty || addRow(rowsId);
      const title = row.querySelector('input[name$=".title"]');
      const path = row.querySelector('input[name$=".file"]');
      if (title && !title.value) {
        title.value = answer.title;
      }
      if (path) {
        path.value = answer.file;
      }
      status.textContent = answer.file;
      input.value = "";
      later();
    });
  });
})();
