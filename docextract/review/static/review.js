// The review pages: the forms list's filter, and a form's page (values beside the source, cell boxes over the
// page images, flagged cells marked, corrections). Live pages (`docextract serve`) save corrections through the
// API, which re-checks the form; a static copy (`docextract review OUTDIR`) collects them in this browser for
// download (`docextract review OUTDIR --apply corrections.json`).
"use strict";

const MODE = document.body.dataset.mode;
const PENDING_KEY = "docextract-review-pending";
const REVIEWER_KEY = "docextract-reviewer";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function shown(value) {
  return value === null || value === undefined ? "" : String(value);
}

// ---------------------------------------------------------------- static copies: corrections kept for download

function pendingEntries() {
  try { return JSON.parse(localStorage.getItem(PENDING_KEY) || "[]"); } catch { return []; }
}

function addPending(entry) {
  localStorage.setItem(PENDING_KEY, JSON.stringify([...pendingEntries(), entry]));
  updateDownload();
}

function updateDownload() {
  const link = document.getElementById("download");
  if (!link) return;
  const entries = pendingEntries();
  link.hidden = entries.length === 0;
  document.getElementById("pending-count").textContent = entries.length;
  const blob = new Blob([JSON.stringify({entries}, null, 1)], {type: "application/json"});
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(blob);
}

// ---------------------------------------------------------------- the forms list

function initIndex() {
  const select = document.getElementById("filter");
  const rows = [...document.querySelectorAll("#forms tbody tr")];
  const wanted = {
    todo: (row) => row.dataset.status === "flagged" && row.dataset.reviewed === "no",
    flagged: (row) => row.dataset.status === "flagged",
    reviewed: (row) => row.dataset.reviewed === "yes",
    all: () => true,
  };
  const apply = () => {
    let count = 0;
    for (const row of rows) {
      row.hidden = !wanted[select.value](row);
      count += !row.hidden;
    }
    document.getElementById("none").hidden = count > 0;
    history.replaceState(null, "", "#" + select.value);
  };
  const fromUrl = location.hash.slice(1);
  select.value = fromUrl in wanted ? fromUrl : "todo";
  select.addEventListener("change", apply);
  apply();
  updateDownload();
}

// ---------------------------------------------------------------- a form

function initForm() {
  let view = JSON.parse(document.getElementById("form-data").textContent);
  const edits = new Map(); // field path -> value as typed
  const reviewer = document.getElementById("reviewer");
  const comment = document.getElementById("comment");
  reviewer.value = localStorage.getItem(REVIEWER_KEY) || "";
  reviewer.addEventListener("change", () => localStorage.setItem(REVIEWER_KEY, reviewer.value));
  document.getElementById("save").addEventListener("click", save);
  document.getElementById("mark-reviewed").addEventListener("click", markReviewed);
  render();
  updateDownload();

  function render() {
    const status = document.getElementById("status");
    status.textContent = view.status;
    status.className = "status status-" + view.status;
    document.getElementById("reviewed").hidden = !view.reviewed_at;
    renderFindings();
    renderDocument();
    renderValues();
    updatePending();
  }

  function renderFindings() {
    const shownFindings = view.findings.filter((f) => f.severity !== "info");
    const box = document.getElementById("findings");
    box.replaceChildren(shownFindings.length
      ? el("ul", {class: "findings"}, ...shownFindings.map((f) => el("li", {class: "finding sev-" + f.severity},
          el("span", {class: "check"}, f.check), " ", el("span", {class: "sentence"}, f.message), " ",
          ...f.cells.map((c) => el("button", {class: "chip", type: "button", onclick: () => focusField(c.path)}, c.label)))))
      : el("p", {class: "all-clear"}, "Every check passed."));
  }

  function renderDocument() {
    const target = document.getElementById("document");
    if (view.source_missing) {
      target.replaceChildren(el("p", {class: "empty"},
        "The source file was not found: start the server (or write the review) with --inputs FOLDER, the folder the batch read."));
    } else if (view.pages.length) {
      target.replaceChildren(...view.pages.map(pageWithBoxes));
    } else {
      target.replaceChildren(textLines());
    }
  }

  function pageWithBoxes(page) {
    const boxes = [];
    for (const [path, field] of Object.entries(view.fields)) {
      const prov = field.prov;
      if (!prov || prov.page !== page.page || !prov.bbox) continue;
      const [x0, y0, x1, y1] = prov.bbox;
      boxes.push(el("div", {
        class: boxClass(field), dataset: {path}, title: field.label + ": " + shown(field.value),
        style: `left:${(100 * x0) / page.width}%;top:${(100 * y0) / page.height}%;` +
               `width:${(100 * (x1 - x0)) / page.width}%;height:${(100 * (y1 - y0)) / page.height}%`,
        onclick: () => focusField(path),
      }));
    }
    return el("figure", {class: "page"},
      el("div", {class: "sheet"}, el("img", {src: page.image, alt: "page " + page.page, loading: "lazy"}), ...boxes),
      el("figcaption", {}, "page " + page.page));
  }

  function boxClass(field) {
    return ["box", field.mark && "mark-" + field.mark, field.correction && "corrected"].filter(Boolean).join(" ");
  }

  function textLines() {
    const marked = new Map();
    for (const [path, field] of Object.entries(view.fields)) {
      if (field.prov && field.prov.line && field.mark) marked.set(field.prov.line, field.mark);
    }
    return el("ol", {class: "lines"}, ...view.lines.map((line) => el("li", {
      class: marked.has(line.line) ? "mark-" + marked.get(line.line) : null, value: line.line,
      dataset: {line: line.line}}, line.text)));
  }

  function renderValues() {
    const target = document.getElementById("values");
    target.replaceChildren(...view.sections.map((section) => el("section", {class: "values"},
      el("h2", {}, section.title),
      section.fields ? fieldList(section.fields) : grid(section))));
  }

  function fieldList(paths) {
    return el("table", {class: "fields"}, ...paths.map((path) => {
      const field = view.fields[path];
      return el("tr", {},
        el("th", {}, field.label),
        el("td", {}, input(path), ...field.messages.map((m) => el("div", {class: "message mark-" + field.mark}, m))));
    }));
  }

  function grid(section) {
    return el("table", {class: "grid"},
      el("thead", {}, el("tr", {}, el("th", {}), ...section.columns.map((c) => el("th", {}, c)))),
      el("tbody", {}, ...section.rows.map((row) => el("tr", {},
        el("th", {}, row.label), ...row.fields.map((path) => el("td", {}, input(path)))))));
  }

  function input(path) {
    const field = view.fields[path];
    const long = path.startsWith("goal_") || path === "project_name";
    const value = edits.has(path) ? edits.get(path) : shown(field.value);
    const node = el(long ? "textarea" : "input", {
      class: ["value", field.kind, field.mark && "mark-" + field.mark, field.correction && "corrected",
              edits.has(path) && "edited"].filter(Boolean).join(" "),
      dataset: {path}, "aria-label": field.label, rows: long ? 2 : null,
      title: [...field.messages, field.correction ? "extracted: " + shown(field.correction.extracted) : ""]
        .filter(Boolean).join("\n") || null,
    });
    node.value = value;
    node.addEventListener("input", () => {
      if (node.value === shown(field.value)) edits.delete(path); else edits.set(path, node.value);
      node.classList.toggle("edited", edits.has(path));
      updatePending();
    });
    node.addEventListener("focus", () => showField(path));
    return node;
  }

  function focusField(path) {
    const node = document.querySelector(`.value[data-path="${CSS.escape(path)}"]`);
    if (node) { node.focus(); node.scrollIntoView({block: "center", behavior: "smooth"}); }
    else showField(path);
  }

  function showField(path) {
    for (const box of document.querySelectorAll(".box.active, .lines li.active")) box.classList.remove("active");
    const field = view.fields[path];
    const info = document.getElementById("field-info");
    if (!field) { info.hidden = true; return; }
    const prov = field.prov;
    const where = prov ? [prov.page && "page " + prov.page, prov.line && "line " + prov.line,
                          prov.confidence != null && "OCR confidence " + prov.confidence.toFixed(2)].filter(Boolean).join(", ") : "not located";
    info.replaceChildren(el("strong", {}, field.label), " ", el("span", {class: "where"}, where),
      ...field.messages.map((m) => el("div", {class: "message mark-" + field.mark}, m)),
      ...(field.correction ? [el("div", {class: "was"}, "extracted: " + shown(field.correction.extracted) +
        (field.correction.reviewer ? " · corrected by " + field.correction.reviewer : "") +
        (field.correction.comment ? " · " + field.correction.comment : ""))] : []));
    info.hidden = false;
    const box = prov && (prov.line ? document.querySelector(`.lines li[data-line="${prov.line}"]`)
                                   : document.querySelector(`.box[data-path="${CSS.escape(path)}"]`));
    if (box) { box.classList.add("active"); box.scrollIntoView({block: "nearest", behavior: "smooth"}); }
  }

  function updatePending() {
    document.getElementById("pending").textContent = edits.size ? `${edits.size} unsaved change${edits.size > 1 ? "s" : ""}` : "no changes";
    document.getElementById("save").disabled = edits.size === 0;
  }

  function say(text, kind) {
    const message = document.getElementById("message");
    message.textContent = text;
    message.className = kind || "";
  }

  function correctionBody() {
    return {corrections: [...edits].map(([field, value]) => ({field, value: value.trim() === "" ? null : value})),
            reviewer: reviewer.value || null, comment: comment.value || null};
  }

  async function post(url, body) {
    const response = await fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json"}, body: JSON.stringify(body)});
    if (!response.ok) {
      const problem = await response.json().catch(() => ({reason: response.statusText}));
      throw new Error(problem.reason || response.statusText);
    }
    return response.json();
  }

  async function reload() {
    const response = await fetch(view.data_url, {credentials: "same-origin", headers: {"Accept": "application/json"}});
    view = await response.json();
    render();
  }

  async function save() {
    if (!edits.size) return;
    if (MODE === "static") {
      addPending({form_id: view.form_id, ...correctionBody()});
      say(`${edits.size} change(s) kept for download; apply them with docextract review --apply`, "ok");
      for (const path of edits.keys()) {
        document.querySelector(`.value[data-path="${CSS.escape(path)}"]`).classList.replace("edited", "pending");
      }
      edits.clear();
      updatePending();
      return;
    }
    say("saving…");
    try {
      await post(view.api + "/corrections", correctionBody());
      edits.clear();
      comment.value = "";
      await reload();
      say(`saved and re-checked: ${view.status}`, "ok");
    } catch (error) {
      say(error.message, "error");
    }
  }

  async function markReviewed() {
    if (MODE === "static") {
      addPending({form_id: view.form_id, reviewed: true, reviewer: reviewer.value || null});
      say("review mark kept for download", "ok");
      return;
    }
    try {
      await post(view.api + "/review", {reviewer: reviewer.value || null});
      await reload();
      say("marked reviewed", "ok");
    } catch (error) {
      say(error.message, "error");
    }
  }
}

if (document.body.classList.contains("index")) initIndex();
else if (document.body.classList.contains("form")) initForm();
