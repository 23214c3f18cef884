/* planctl dashboard: filters, search, sorting, the view in the address, an action's detail.
   The page works without this script (every row and the summary are in the HTML); this
   only hides, orders and explains rows. Plan text reaches the page through textContent
   only: no innerHTML, no eval, no inline handler (the page's CSP allows this script by its
   hash and nothing else). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var actions = data.actions;
  var many = data.plans.length > 1;
  var planOf = {};
  data.plans.forEach(function (p) { planOf[p.id] = p; });
  var table = document.getElementById("actions-table");
  var tbody = table.tBodies[0];
  var form = document.getElementById("filters");
  var search = document.getElementById("f-q");
  var counts = document.getElementById("counts");
  var applied = document.getElementById("applied");
  var dialog = document.getElementById("detail");
  var NAMES = ["lead", "rec", "theme", "status", "rating", "plan"];
  var LABELS = {lead: "Lead", rec: "Recommendation", theme: "Theme", status: "Status",
                rating: "Council rating", plan: "Plan", q: "Search"};
  var STATUS = {"overdue": "Overdue", "due-soon": "Due soon", "on-track": "On track",
                "no-date": "No date", "completed": "Completed", "dropped": "Dropped"};
  var STATUS_RANK = {"overdue": 0, "due-soon": 1, "on-track": 2, "no-date": 3, "completed": 4,
                     "dropped": 5};
  var RATING = {red: "Red", amber: "Amber", green: "Green", blue: "Blue", none: "Not rated"};
  var RATING_RANK = {red: 0, amber: 1, green: 2, blue: 3, none: 4};
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var collator = new Intl.Collator("en-GB", {numeric: true, sensitivity: "base"});
  var selects = {};
  NAMES.forEach(function (n) {
    var el = document.getElementById("f-" + n);
    if (el) { selects[n] = el; }
  });
  var rows = actions.map(function (a, i) {
    var tr = document.getElementById("r" + i);
    a.index = i;
    // The action's text is in its row only (the data leaves it out: the page stays small).
    if (a.text === undefined) { a.text = tr.cells[1].textContent; }
    return tr;
  });
  var ref = function (a) { return many ? a.plan + ":" + a.id : a.id; };
  var scopes = data.lead_scopes || {};
  var recTexts = {};
  data.filters.recommendations.forEach(function (r) { recTexts[r.value] = r.text; });
  var recOf = function (a) { return many ? a.plan + ":" + a.recommendation : a.recommendation; };
  var facts = actions.map(function (a) {
    var u = a.latest_update;
    var scope = scopes[a.plan];
    return {
      lead: a.leads.map(function (l) { return scope ? scope + ": " + l : l; }),
      rec: recOf(a),
      theme: a.theme || "",
      status: a.status,
      rating: a.rag || "none",
      plan: a.plan,
      words: [ref(a), a.text, a.leads.join(" "), recTexts[recOf(a)] || "", a.theme_title || "",
              u ? u.text : "", a.progress_note || ""].join("\n").toLowerCase()
    };
  });
  var PAGE = 250;  // rows listed at a time
  var limit = PAGE;
  var more = document.getElementById("more");
  var moreNote = document.getElementById("more-note");
  var moreButton = document.getElementById("more-rows");
  var allButton = document.getElementById("all-rows");
  var shownOrder = actions.map(function (a, i) { return i; });  // the rows' order now
  var state = blank();
  var sorted = {key: "", dir: "asc"};  // the order the rows are in now
  var opener = null;  // the button that opened the detail, to return focus to

  function blank() {
    return {lead: "", rec: "", theme: "", status: "", rating: "", plan: "", q: "", sort: "",
            dir: "asc", action: ""};
  }

  function day(iso) {
    if (!iso) { return ""; }
    var p = iso.split("-");
    return Number(p[2]) + " " + MONTHS[Number(p[1]) - 1] + " " + p[0];
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  /* -- the view in the address: #view?status=overdue&lead=...; plain words are anchors -- */

  function fromHash() {
    var hash = location.hash;
    if (hash !== "" && hash !== "#" && hash.indexOf("#view") !== 0) { return null; }
    var params = new URLSearchParams(hash.indexOf("?") >= 0 ? hash.slice(hash.indexOf("?") + 1) : "");
    var next = blank();
    Object.keys(next).forEach(function (k) {
      var v = params.get(k);
      if (v !== null) { next[k] = v; }
    });
    if (next.dir !== "desc") { next.dir = "asc"; }
    return next;
  }

  function toHash(s) {
    var params = new URLSearchParams();
    Object.keys(s).forEach(function (k) {
      if (s[k] && !(k === "dir" && s[k] === "asc")) { params.set(k, s[k]); }
    });
    var text = params.toString();
    return "#view" + (text ? "?" + text : "");
  }

  function go(next, replace) {
    var hash = toHash(next);
    if (hash === location.hash) { apply(next); return; }
    if (replace) {
      history.replaceState(null, "", hash);
    } else {
      location.hash = hash;  // a new entry: back and forward walk the views (hashchange)
    }
    apply(next);  // now, not when hashchange comes (which applies the same view again)
  }

  function fromForm() {
    var next = blank();
    NAMES.forEach(function (n) { if (selects[n]) { next[n] = selects[n].value; } });
    next.q = search.value;
    next.sort = state.sort;
    next.dir = state.dir;
    return next;
  }

  /* -- filtering, counting, sorting -- */

  function terms(q) {
    return q.toLowerCase().split(/\s+/).filter(function (t) { return t !== ""; });
  }

  function matches(f, s, words) {
    if (s.lead && f.lead.indexOf(s.lead) < 0) { return false; }
    if ((s.rec && f.rec !== s.rec) || (s.theme && f.theme !== s.theme)) { return false; }
    if ((s.status && f.status !== s.status) || (s.rating && f.rating !== s.rating)) { return false; }
    if (s.plan && f.plan !== s.plan) { return false; }
    for (var i = 0; i < words.length; i++) {
      if (f.words.indexOf(words[i]) < 0) { return false; }
    }
    return true;
  }

  function sortValue(a, key) {
    switch (key) {
      case "id": return ref(a);
      case "text": return a.text;
      case "leads": return a.leads.join("; ");
      case "recommendation": return many ? a.plan + ":" + a.recommendation : a.recommendation;
      case "theme": return a.theme_title || a.theme || "";
      case "due": return a.due || a.target || "";
      case "status": return STATUS_RANK[a.status];
      case "rating": return RATING_RANK[a.rag || "none"];
      case "update": return a.latest_update ? a.latest_update.date || "" : "";
      default: return a.index;
    }
  }

  function compare(values) {
    return function (x, y) {
      var a = values[x], b = values[y];
      if (a === b) { return x - y; }
      if (a === "") { return 1; }  // nothing to sort by: last, either way
      if (b === "") { return -1; }
      var c = typeof a === "number" ? a - b : collator.compare(a, b);
      return c === 0 ? x - y : c;
    };
  }

  function order(key, dir) {
    // Works out the order only; apply() moves the rows it lists (a few hundred), not all.
    if (sorted.key === key && sorted.dir === dir) { return; }
    var index = actions.map(function (a, i) { return i; });
    if (key) {
      var values = actions.map(function (a) { return sortValue(a, key); });
      var cmp = compare(values);
      index.sort(dir === "desc" ? function (x, y) {
        var blankX = values[x] === "", blankY = values[y] === "";
        if (blankX !== blankY) { return blankX ? 1 : -1; }
        return cmp(y, x);
      } : cmp);
    }
    sorted = {key: key, dir: dir};
    shownOrder = index;
    table.querySelectorAll("th[data-key]").forEach(function (th) {
      if (th.getAttribute("data-key") === key) {
        th.setAttribute("aria-sort", dir === "desc" ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }

  function describe(s) {
    var parts = [];
    NAMES.forEach(function (n) {
      if (!s[n] || !selects[n]) { return; }
      var opt = selects[n].options[selects[n].selectedIndex];
      parts.push(LABELS[n] + ": " + (opt && opt.value === s[n] ? opt.text : s[n]));
    });
    if (s.q.trim()) { parts.push("Search: \u201c" + s.q.trim() + "\u201d"); }
    return parts;
  }

  function sameView(a, b) {
    return ["lead", "rec", "theme", "status", "rating", "plan", "q", "sort", "dir"].every(
      function (k) { return a[k] === b[k]; });
  }

  function apply(next, keepLimit) {
    if (!keepLimit && !sameView(state, next)) { limit = PAGE; }
    state = next;
    NAMES.forEach(function (n) {
      if (!selects[n]) { return; }
      selects[n].value = state[n];
      if (selects[n].value !== state[n]) { state[n] = ""; }  // a value this page does not have
    });
    if (search.value !== state.q) { search.value = state.q; }
    var words = terms(state.q);
    var shown = 0, per = {};
    order(state.sort, state.dir);
    // Only the first `limit` matching rows (in the order shown) are in the layout: a page of
    // 20,000 actions filters and sorts as fast as one of 200.
    var listed = [];
    for (var k = 0; k < shownOrder.length; k++) {
      var i = shownOrder[k];
      var m = matches(facts[i], state, words);
      if (m) { shown++; per[facts[i].status] = (per[facts[i].status] || 0) + 1; }
      var visible = m && shown <= limit;
      if (visible) { listed.push(rows[i]); }
      if (rows[i].hidden === visible) { rows[i].hidden = !visible; }
    }
    // The rows listed go to the end of the table in their order; the hidden ones stay put.
    var frag = document.createDocumentFragment();
    listed.forEach(function (r) { frag.appendChild(r); });
    tbody.appendChild(frag);
    var rest = shown - Math.min(shown, limit);
    more.hidden = rest === 0;
    if (rest) {
      moreButton.textContent = "Show " + Math.min(PAGE, rest) + " more";
      allButton.textContent = "Show all " + shown;
      moreNote.textContent = "The first " + limit + " are listed; " + rest + " more match. ";
    }
    var noun = actions.length === 1 ? "action" : "actions";
    var text = shown === actions.length ? "All " + actions.length + " " + noun
      : "Showing " + shown + " of " + actions.length + " " + noun;
    var split = Object.keys(STATUS).filter(function (k) { return per[k]; }).map(function (k) {
      return per[k] + " " + STATUS[k].toLowerCase();
    });
    counts.textContent = text + (split.length ? ": " + split.join(", ") : "") + ".";
    var said = describe(state);
    applied.textContent = said.length ? "Filters applied: " + said.join("; ") + "."
      : "All actions (no filters).";
    form.classList.toggle("active", said.length > 0);
    showAction(state.action);
  }

  /* -- one action in full -- */

  function find(key) {
    for (var i = 0; i < actions.length; i++) {
      if (ref(actions[i]) === key) { return i; }
    }
    return -1;
  }

  function fact(dl, term, value) {
    if (value === undefined || value === null || value === "") { return; }
    dl.appendChild(el("dt", "", term));
    var dd = el("dd");
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = String(value); }
    dl.appendChild(dd);
  }

  function badge(cls, text) { return el("span", cls, text); }

  function section(body, title) {
    var s = el("section", "part");
    s.appendChild(el("h3", "", title));
    body.appendChild(s);
    return s;
  }

  function movedText(e) {
    if (e.kind === "deadline") {
      var t = "Deadline moved from " + (day(e.from) || e.from_text || "no date") + " to " +
        (day(e.to) || e.to_text || "no date");
      if (e.days) { t += " (" + Math.abs(e.days) + " day" + (Math.abs(e.days) === 1 ? "" : "s") +
                         (e.days > 0 ? " later)" : " earlier)"); }
      return t;
    }
    if (e.kind === "lead") {
      return "Reassigned from " + (e.from.join("; ") || "no lead") + " to " + (e.to.join("; ") || "no lead");
    }
    if (e.to === "completed") { return "Completed" + (e.completed ? " on " + day(e.completed) : ""); }
    if (e.to === "dropped") { return "Dropped"; }
    if (e.from === "completed" || e.from === "dropped") { return "Reopened (" + e.to + ")"; }
    return "Progress changed from " + e.from + " to " + e.to;
  }

  function historyPart(body, a) {
    var s = section(body, "History from git");
    if (!data.history) {
      s.appendChild(el("p", "muted", "The plans are not in a git repository: no history."));
      return;
    }
    if (a.slipped) {
      s.appendChild(el("p", "", "Deadline moved later: " + a.slipped.days_slipped + " days in all, over " +
        a.slipped.moves + " move" + (a.slipped.moves === 1 ? "" : "s") + " (first due " +
        day(a.slipped.first_due) + ")."));
    }
    if (!a.history || !a.history.length) {
      s.appendChild(el("p", "muted", "No deadline move, reassignment or change of progress in git."));
      return;
    }
    var ol = el("ol", "events");
    a.history.forEach(function (e) {
      var li = el("li", "ev-" + e.kind);
      li.appendChild(el("span", "what", movedText(e)));
      if (e.reason) { li.appendChild(el("span", "why", "Reason: " + e.reason)); }
      var meta = [day(e.date), e.author, e.commit ? "commit " + e.commit : ""].filter(Boolean);
      if (meta.length) { li.appendChild(el("span", "meta", meta.join(" \u00b7 "))); }
      ol.appendChild(li);
    });
    s.appendChild(ol);
  }

  function trendPart(body, a) {
    // Drawn by planctl into a <template> (escaped there); copied, never parsed from text.
    var tpl = document.getElementById("trend-" + a.index);
    if (!tpl || !data.trends) { return; }
    var title = data.trends.basis === "meetings" ? "At each committee meeting" : "At each change to the plan";
    section(body, title).appendChild(document.importNode(tpl.content, true));
  }

  function listPart(body, title, items, line) {
    if (!items || !items.length) { return; }
    var ul = el("ul", "plain");
    items.forEach(function (x) { ul.appendChild(el("li", "", line(x))); });
    section(body, title).appendChild(ul);
  }

  function measuresPart(body, a) {
    if (!a.measures || !a.measures.length) { return; }
    var t = el("table", "plain");
    var head = el("tr");
    ["Measure", "Baseline", "Target", "Actual"].forEach(function (h) {
      var th = el("th", "", h); th.scope = "col"; head.appendChild(th);
    });
    t.appendChild(el("thead")).appendChild(head);
    var tb = t.appendChild(el("tbody"));
    a.measures.forEach(function (m) {
      var tr = el("tr");
      [m.text, m.baseline, m.target, m.actual].forEach(function (v) {
        tr.appendChild(el("td", "", v === null ? "" : v));
      });
      tb.appendChild(tr);
    });
    section(body, "Measures").appendChild(t);
  }

  function fill(a) {
    document.getElementById("detail-title").textContent = "Action " + ref(a);
    var body = document.getElementById("detail-body");
    body.textContent = "";
    var tags = el("p", "tags");
    tags.appendChild(badge("status s-" + a.status, STATUS[a.status] || a.status));
    if (a.rag) { tags.appendChild(badge("rag r-" + a.rag, "Council rating: " + (RATING[a.rag] || a.rag))); }
    body.appendChild(tags);
    body.appendChild(el("p", "text", a.text));
    var dl = el("dl", "facts");
    fact(dl, "Plan", many ? a.plan : "");
    var recText = recTexts[recOf(a)];
    fact(dl, "Recommendation", a.recommendation + (recText ? ": " + recText : ""));
    fact(dl, "Lead", a.leads.join("; ") || "no lead");
    fact(dl, "Theme", a.theme_title || a.theme);
    fact(dl, "Timescale", a.timescale);
    fact(dl, "Next due", day(a.due));
    fact(dl, "Deadline", day(a.target));
    fact(dl, "Days overdue", a.status === "overdue" ? a.days_overdue : "");
    fact(dl, "Progress", a.progress);
    fact(dl, "Council rating", a.rag ? (RATING[a.rag] || a.rag) + (a.rag_meaning ? " - " + a.rag_meaning : "") : "");
    fact(dl, "Position", a.progress_note);
    fact(dl, "Starts", day(a.start));
    fact(dl, "Completed", day(a.completed));
    fact(dl, "Reports to", a.report_to.join("; "));
    fact(dl, "Ref", a.ref);
    fact(dl, "Source", (planOf[a.plan] || {}).file + ":" + a.line);
    body.appendChild(dl);
    measuresPart(body, a);
    listPart(body, "Milestones", a.milestones, function (m) {
      return day(m.due) + " " + m.text + (m.done ? " (done" + (m.done_on ? " " + day(m.done_on) : "") + ")" : "");
    });
    listPart(body, "Updates, newest first", (a.updates || []).slice().reverse(), function (u) {
      return day(u.date) + (u.by ? " (" + u.by + ")" : "") + ": " + u.text;
    });
    listPart(body, "Evidence", a.evidence, function (e) { return e; });
    trendPart(body, a);
    historyPart(body, a);
  }

  function showAction(key) {
    var i = key ? find(key) : -1;
    if (i < 0) {
      if (dialog.open) { dialog.close(); }
      return;
    }
    fill(actions[i]);
    opener = opener || rows[i].querySelector("button");
    if (!dialog.open) { dialog.showModal(); }
    document.getElementById("detail-close").focus();
  }

  /* -- wiring -- */

  tbody.addEventListener("click", function (ev) {
    var b = ev.target.closest("button");
    if (!b) { return; }
    opener = b;
    var next = fromForm();
    next.action = ref(actions[Number(b.closest("tr").id.slice(1))]);
    go(next, false);
  });
  table.tHead.addEventListener("click", function (ev) {
    var b = ev.target.closest("button.sort");
    if (!b) { return; }
    var next = fromForm();
    var key = b.getAttribute("data-key");
    next.dir = state.sort === key && state.dir === "asc" ? "desc" : "asc";
    next.sort = key;
    go(next, false);
  });
  form.addEventListener("change", function (ev) {
    if (ev.target !== search) { go(fromForm(), false); }
  });
  search.addEventListener("input", function () { go(fromForm(), true); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); go(fromForm(), false); });
  form.addEventListener("reset", function (ev) {
    ev.preventDefault();
    var next = blank();
    next.sort = state.sort;
    next.dir = state.dir;
    go(next, false);
  });
  document.getElementById("detail-close").addEventListener("click", function () { dialog.close(); });
  moreButton.addEventListener("click", function () { limit += PAGE; apply(state, true); });
  allButton.addEventListener("click", function () { limit = Infinity; apply(state, true); });
  dialog.addEventListener("close", function () {
    if (state.action) {
      var next = fromForm();
      state.action = "";
      history.replaceState(null, "", toHash(next));
    }
    var back = opener;
    if (!back || !document.body.contains(back)) {
      back = null;
    }
    opener = null;
    if (back) { back.focus(); }
  });
  window.addEventListener("hashchange", function () {
    var next = fromHash();
    if (next) { apply(next); }
  });

  document.querySelectorAll("#actions-table button").forEach(function (b) { b.disabled = false; });
  form.hidden = false;
  document.documentElement.classList.add("js");
  apply(fromHash() || blank());
}());
