// themekit serve: the coding view's keys and clicks. Every write is one fetch to the
// server (which commits it through CodingSession) carrying the page's CSRF token; the
// server answers with the redrawn rows. No framework, no inline script (see the CSP).
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const root = document.getElementById("coding");
  if (!root) return;

  const transcript = root.dataset.transcript;
  const others = root.dataset.others === "1";
  const withSuggestions = root.dataset.suggestions === "1";
  const pane = document.getElementById("transcript");
  const filter = document.getElementById("code-filter");
  const tree = document.getElementById("codebook");
  const messageEl = document.getElementById("message");
  const api = (action) =>
    `/api/code/${encodeURIComponent(transcript)}/${action}${others ? "?others=1" : ""}`;

  let rows = Array.from(pane.querySelectorAll(".seg"));
  let cursor = -1; // index into rows
  let anchor = null; // range selection start (index), or null
  const picked = new Set(); // lines added one by one with space
  let pendingSpan = null; // [start, end] absolute offsets, or {words}
  let highlighted = null; // code id highlighted in the tree
  let skipUncodable = true;

  function say(text) { messageEl.textContent = text || ""; }

  async function post(action, body) {
    let response;
    try {
      response = await fetch(api(action), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body || {}),
        credentials: "same-origin",
      });
    } catch (err) {
      say("The server did not answer: is themekit serve still running?");
      return null;
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (!data || !data.ok) {
      say((data && data.error) || `The server refused (${response.status}).`);
      return null;
    }
    redraw(data);
    if (data.message) say(data.message);
    return data;
  }

  // Progress is counted from the rows on the page (the server sends only changed rows).
  let codedRows = pane.querySelectorAll('.seg.coded[data-codable="1"]').length;
  const codableRows = pane.querySelectorAll('.seg[data-codable="1"]').length;
  const isCoded = (row) => row.dataset.codable === "1" && row.classList.contains("coded");

  function redraw(data) {
    if (data.rows) {
      for (const [id, html] of Object.entries(data.rows)) {
        const old = document.getElementById("s" + id);
        if (!old) continue;
        const holder = document.createElement("template");
        holder.innerHTML = html.trim();
        const fresh = holder.content.firstElementChild;
        codedRows += Number(isCoded(fresh)) - Number(isCoded(old));
        const index = rows.indexOf(old);
        if (index >= 0) {
          rows[index] = fresh;
          fresh.classList.toggle("current", index === cursor);
          fresh.classList.toggle("selected", selectedNow.has(index));
        }
        old.replaceWith(fresh);
      }
      document.getElementById("progress").textContent = `${codedRows}/${codableRows} coded`;
    }
    showLine();
  }

  // -- moving and selecting ---------------------------------------------------------------
  const codable = (i) => rows[i].dataset.codable === "1";
  const stops = (i) => !skipUncodable || codable(i);

  function selection() {
    const ids = new Set(picked);
    if (anchor !== null && cursor >= 0) {
      const [lo, hi] = anchor < cursor ? [anchor, cursor] : [cursor, anchor];
      for (let i = lo; i <= hi; i++) if (codable(i)) ids.add(i);
    }
    return Array.from(ids).sort((a, b) => a - b);
  }

  function targets() {
    const chosen = selection();
    return (chosen.length ? chosen : [cursor]).filter((i) => i >= 0).map((i) => rows[i].dataset.id);
  }

  // Only rows whose marking changes are touched: a long transcript stays quick.
  let painted = new Set(); // indexes marked selected
  let paintedCursor = -1;
  let selectedNow = new Set();
  function paintSelection() {
    selectedNow = new Set(selection());
    for (const i of painted) if (!selectedNow.has(i)) rows[i].classList.remove("selected");
    for (const i of selectedNow) if (!painted.has(i)) rows[i].classList.add("selected");
    painted = selectedNow;
    if (paintedCursor !== cursor) {
      if (paintedCursor >= 0 && rows[paintedCursor]) rows[paintedCursor].classList.remove("current");
      if (cursor >= 0) rows[cursor].classList.add("current");
      paintedCursor = cursor;
    }
    const n = selectedNow.size;
    document.getElementById("selection").textContent = n ? `${n} lines selected` : "";
  }

  let positionTimer = null;
  function moveTo(index, { keepSelection = true } = {}) {
    if (index < 0 || index >= rows.length) return false;
    cursor = index;
    if (!keepSelection) { anchor = null; picked.clear(); }
    pendingSpan = null;
    paintSelection();
    rows[cursor].scrollIntoView({ block: "nearest" });
    showLine();
    clearTimeout(positionTimer);
    positionTimer = setTimeout(() => post("position", { segment: rows[cursor].dataset.id }), 500);
    return true;
  }

  function step(delta) {
    let i = cursor;
    for (;;) {
      i += delta;
      if (i < 0 || i >= rows.length) return false;
      if (stops(i)) return moveTo(i);
    }
  }

  function nextUncoded(delta) {
    for (let i = cursor + delta; i >= 0 && i < rows.length; i += delta) {
      if (codable(i) && !rows[i].classList.contains("coded")) return moveTo(i);
    }
    say(delta > 0 ? "No uncoded line below." : "No uncoded line above.");
    return false;
  }

  function goToLine(line) {
    const index = rows.findIndex((r) => r.dataset.line === String(line));
    if (index < 0) { say(`There is no line ${line}.`); return; }
    moveTo(index, { keepSelection: false });
  }

  // -- the side panes ------------------------------------------------------------------------
  function showLine() {
    const list = document.getElementById("line-codes");
    list.replaceChildren();
    if (cursor < 0) return;
    const row = rows[cursor];
    document.getElementById("position").textContent =
      `${transcript} line ${row.dataset.line}`;
    for (const chip of row.querySelectorAll(".chip")) {
      const li = document.createElement("li");
      li.textContent = chip.textContent;
      if (chip.classList.contains("own")) {
        const memo = document.createElement("button");
        memo.type = "button"; memo.textContent = "✎"; memo.title = "Memo on this coding";
        memo.className = "coding-memo"; memo.dataset.coding = chip.dataset.coding;
        memo.dataset.memo = chip.dataset.memo || "";
        const remove = document.createElement("button");
        remove.type = "button"; remove.textContent = "×"; remove.title = "Remove this coding";
        remove.className = "coding-remove"; remove.dataset.coding = chip.dataset.coding;
        li.append(" ", memo, " ", remove);
      } else {
        li.className = "muted";
      }
      list.append(li);
    }
    if (!list.children.length) {
      const li = document.createElement("li");
      li.className = "muted"; li.textContent = "No code yet.";
      list.append(li);
    }
    loadSuggestions();
  }

  let suggestionTimer = null;
  let suggestions = [];
  function loadSuggestions() {
    if (!withSuggestions || cursor < 0) return;
    clearTimeout(suggestionTimer);
    suggestionTimer = setTimeout(async () => {
      const id = rows[cursor].dataset.id;
      const url = `${api("suggestions")}${others ? "&" : "?"}segment=${id}`;
      const response = await fetch(url, { credentials: "same-origin" });
      const data = await response.json();
      const list = document.getElementById("suggestions");
      list.replaceChildren();
      suggestions = data.ok ? data.suggestions : [];
      for (const s of suggestions) {
        const li = document.createElement("li");
        const text = document.createElement("span");
        text.textContent = `${s.label} (${s.score.toFixed(2)})`;
        text.title = s.reason;
        const reason = document.createElement("div");
        reason.className = "muted reason"; reason.textContent = s.reason;
        const accept = document.createElement("button");
        accept.type = "button"; accept.textContent = "Accept"; accept.className = "accept";
        accept.dataset.code = s.code;
        const reject = document.createElement("button");
        reject.type = "button"; reject.textContent = "Reject"; reject.className = "reject";
        reject.dataset.code = s.code;
        li.append(text, " ", accept, " ", reject, reason);
        list.append(li);
      }
      if (!suggestions.length) {
        const li = document.createElement("li");
        li.className = "muted"; li.textContent = "No suggestion for this line.";
        list.append(li);
      }
    }, 120);
  }

  function decideSuggestion(code, accept) {
    if (cursor < 0) return;
    post("suggestion", { segment: rows[cursor].dataset.id, code, accept });
  }

  // -- the codebook ----------------------------------------------------------------------------
  const codes = Array.from(tree.querySelectorAll(".code"));
  function visibleCodes() { return codes.filter((c) => !c.hidden); }

  function highlight(code) {
    highlighted = code;
    for (const c of codes) c.classList.toggle("highlighted", c.dataset.code === code);
    for (const d of document.querySelectorAll("#code-detail .detail")) {
      d.hidden = d.dataset.code !== code;
    }
  }

  function applyFilter() {
    const text = filter.value.trim().toLowerCase();
    const keep = new Set();
    for (const c of codes) {
      if (!text || c.dataset.label.includes(text)) {
        keep.add(c.dataset.code);
        let parent = c.dataset.parent;
        while (parent) {
          keep.add(parent);
          const p = codes.find((x) => x.dataset.code === parent);
          parent = p ? p.dataset.parent : "";
        }
      }
    }
    for (const c of codes) c.hidden = !keep.has(c.dataset.code);
    const first = visibleCodes().find((c) => !c.classList.contains("grouping") &&
      (!text || c.dataset.label.includes(text)));
    highlight(first ? first.dataset.code : null); // no match: Enter must not apply anything
  }

  function moveHighlight(delta) {
    const list = visibleCodes().filter((c) => !c.classList.contains("grouping"));
    if (!list.length) return;
    let i = list.findIndex((c) => c.dataset.code === highlighted);
    i = Math.max(0, Math.min(list.length - 1, i + delta));
    highlight(list[i].dataset.code);
    list[i].scrollIntoView({ block: "nearest" });
  }

  function toggleCode(code) {
    if (cursor < 0) { say("Click a line first."); return; }
    const item = codes.find((c) => c.dataset.code === code);
    if (item && item.classList.contains("grouping")) {
      say(`'${item.querySelector(".label").textContent}' groups codes: pick a sub-code.`);
      return;
    }
    const body = { code, segments: targets() };
    if (pendingSpan) {
      body.segments = [rows[cursor].dataset.id];
      if (pendingSpan.words !== undefined) body.words = pendingSpan.words;
      else body.span = pendingSpan;
      pendingSpan = null;
      window.getSelection()?.removeAllRanges();
    }
    post("toggle", body);
  }

  function shortcut(number) {
    const item = codes.find((c) => c.querySelector(".key")?.textContent === String(number));
    if (!item) { say(`No code has shortcut ${number}.`); return; }
    toggleCode(item.dataset.code);
  }

  // -- memos and the rest ------------------------------------------------------------------------
  const dialog = document.getElementById("memo-dialog");
  let memoTarget = null;
  function openMemo(target, title, text) {
    memoTarget = target;
    document.getElementById("memo-title").textContent = title;
    document.getElementById("memo-text").value = text || "";
    dialog.showModal();
  }
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "save" && memoTarget) {
      post("memo", { ...memoTarget, text: document.getElementById("memo-text").value });
    }
    memoTarget = null;
  });

  function lineMemo() {
    if (cursor < 0) return;
    const row = rows[cursor];
    const memo = row.querySelector(".memo")?.dataset.memo || "";
    openMemo({ segment: row.dataset.id }, `Memo on line ${row.dataset.line}`, memo);
  }

  function removeOne() {
    if (cursor < 0) return;
    const own = rows[cursor].querySelectorAll(".chip.own");
    if (!own.length) { say("You have no code on this line."); return; }
    if (own.length > 1) { say("Several codes: click the × of the one to remove."); return; }
    post("remove", { coding: own[0].dataset.coding });
  }

  function askSpan() {
    if (cursor < 0) return;
    const words = window.prompt(`Words to code in line ${rows[cursor].dataset.line}:`);
    if (!words) return;
    pendingSpan = { words };
    say("Span marked: now pick the code (1-9, or / and Enter).");
  }

  async function toggleDone() {
    const done = root.dataset.done !== "1";
    const data = await post("done", { done });
    if (!data) return;
    root.dataset.done = done ? "1" : "0";
    document.getElementById("done-flag").textContent = done ? "DONE" : "";
    document.getElementById("done-button").textContent = done ? "Mark not done" : "Mark done";
  }

  // -- mouse -------------------------------------------------------------------------------
  pane.addEventListener("mouseup", (event) => {
    const row = event.target.closest(".seg");
    if (!row) return;
    const index = rows.indexOf(row);
    const sel = window.getSelection();
    const text = row.querySelector(".txt");
    if (sel && !sel.isCollapsed && sel.rangeCount) {
      const range = sel.getRangeAt(0);
      const startRow = range.startContainer.parentElement?.closest(".seg");
      const endRow = range.endContainer.parentElement?.closest(".seg");
      if (startRow && startRow === endRow && text.contains(range.startContainer) &&
          text.contains(range.endContainer)) {
        // Words within one line: a span, in absolute offsets of the transcript text.
        const base = Number(row.dataset.start);
        const lo = Math.min(range.startOffset, range.endOffset);
        const hi = Math.max(range.startOffset, range.endOffset);
        moveTo(index, { keepSelection: false });
        pendingSpan = [base + lo, base + hi];
        say("Words selected: pick a code to code just them (Esc cancels).");
        return;
      }
      if (startRow && endRow) {
        // A drag across lines selects those lines.
        anchor = rows.indexOf(startRow);
        moveTo(rows.indexOf(endRow));
        sel.removeAllRanges();
        return;
      }
    }
    if (event.shiftKey && cursor >= 0) {
      if (anchor === null) anchor = cursor;
      moveTo(index);
    } else if (event.ctrlKey || event.metaKey) {
      if (picked.has(index)) picked.delete(index); else picked.add(index);
      moveTo(index);
    } else {
      moveTo(index, { keepSelection: false });
    }
  });

  tree.addEventListener("click", (event) => {
    const item = event.target.closest(".code");
    if (!item) return;
    highlight(item.dataset.code);
  });
  tree.addEventListener("dblclick", (event) => {
    const item = event.target.closest(".code");
    if (item) toggleCode(item.dataset.code);
  });

  document.getElementById("line-codes").addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("coding-remove")) post("remove", { coding: button.dataset.coding });
    if (button.classList.contains("coding-memo")) {
      openMemo({ coding: button.dataset.coding }, "Memo on this coding", button.dataset.memo);
    }
  });
  document.getElementById("suggestions")?.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (button) decideSuggestion(button.dataset.code, button.classList.contains("accept"));
  });
  document.getElementById("apply-button").addEventListener("click", () => {
    if (highlighted) toggleCode(highlighted); else say("Pick a code in the codebook first.");
  });
  document.getElementById("memo-button").addEventListener("click", lineMemo);
  document.getElementById("exemplar-button").addEventListener("click", () => {
    if (cursor >= 0) post("exemplar", { segment: rows[cursor].dataset.id });
  });
  document.getElementById("undo-button").addEventListener("click", () => post("undo"));
  document.getElementById("redo-button").addEventListener("click", () => post("redo"));
  document.getElementById("done-button").addEventListener("click", toggleDone);
  document.getElementById("help-button").addEventListener("click", () =>
    document.getElementById("help-dialog").showModal());

  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { moveHighlight(1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { moveHighlight(-1); event.preventDefault(); }
    else if (event.key === "Enter") {
      event.preventDefault();
      if (highlighted) toggleCode(highlighted); else say("No code matches the filter.");
      filter.blur();
    } else if (event.key === "Escape") {
      filter.value = ""; applyFilter(); filter.blur();
    }
  });

  // -- keys ------------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest("input, textarea, select, dialog");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    // Enter and space on a focused button or link are the browser's (pressing it).
    if ((event.key === "Enter" || event.key === " ") && event.target.closest("button, a")) return;
    const key = event.key;
    let handled = true;
    if (key === "ArrowDown" && event.shiftKey || key === "J") {
      if (anchor === null) anchor = cursor; step(1);
    } else if (key === "ArrowUp" && event.shiftKey || key === "K") {
      if (anchor === null) anchor = cursor; step(-1);
    } else if (key === "ArrowDown" || key === "j") step(1);
    else if (key === "ArrowUp" || key === "k") step(-1);
    else if (key === "Home") moveTo(rows.findIndex((_, i) => codable(i)));
    else if (key === "End") {
      for (let i = rows.length - 1; i >= 0; i--) if (codable(i)) { moveTo(i); break; }
    } else if (key === "PageDown") step(10);
    else if (key === "PageUp") step(-10);
    else if (key === "n") nextUncoded(1);
    else if (key === "N") nextUncoded(-1);
    else if (key === "v") {
      anchor = anchor === null ? cursor : null;
      paintSelection();
      say(anchor === null ? "" : "Selecting: move to extend, then pick a code.");
    } else if (key === " ") {
      if (cursor >= 0) {
        if (picked.has(cursor)) picked.delete(cursor); else picked.add(cursor);
        paintSelection();
      }
    } else if (key === "Escape") {
      anchor = null; picked.clear(); pendingSpan = null; paintSelection(); say("");
    } else if (/^[1-9]$/.test(key)) shortcut(Number(key));
    else if (key === "/") filter.focus();
    else if (key === "Enter") {
      if (highlighted) toggleCode(highlighted); else handled = false;
    } else if (key === "s") askSpan();
    else if (key === "x" || key === "d") removeOne();
    else if (key === "m") lineMemo();
    else if (key === "e") document.getElementById("exemplar-button").click();
    else if (key === "u") post("undo");
    else if (key === "y") post("redo");
    else if (key === "a") { if (suggestions[0]) decideSuggestion(suggestions[0].code, true); else say("No suggestion for this line."); }
    else if (key === "r") { if (suggestions[0]) decideSuggestion(suggestions[0].code, false); else say("No suggestion for this line."); }
    else if (key === "D") toggleDone();
    else if (key === "g") {
      const line = window.prompt("Go to line:");
      if (line) goToLine(line.trim());
    } else if (key === "i") {
      skipUncodable = !skipUncodable;
      say(skipUncodable ? "Interviewer lines are skipped." : "Moving stops on interviewer lines too.");
    } else if (key === "?") document.getElementById("help-dialog").showModal();
    else handled = false;
    if (handled) event.preventDefault();
  });

  // -- start: where the coder stopped last (or the line named in the address) -------------
  const wanted = (location.hash.match(/^#line-(\d+)$/) || [])[1] || root.dataset.lastLine;
  let start = wanted ? rows.findIndex((r) => r.dataset.line === String(wanted)) : -1;
  if (start < 0) start = rows.findIndex((_, i) => codable(i));
  if (start >= 0) {
    cursor = start;
    paintSelection();
    rows[cursor].scrollIntoView({ block: "center" });
    showLine();
  }
  const firstCode = codes.find((c) => !c.classList.contains("grouping"));
  if (firstCode) highlight(firstCode.dataset.code);
})();
