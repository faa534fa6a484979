// faultline site: theme toggle, client-side search, keyboard shortcuts.
// The pages work without this file; it only adds conveniences.
(function () {
  "use strict";
  var root = document.documentElement;

  // Theme: toggled by the button, remembered in localStorage.
  var themeBtn = document.getElementById("theme");
  if (themeBtn) {
    themeBtn.addEventListener("click", function () {
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("faultline-theme", next); } catch (e) {}
    });
  }

  // Heading anchors: a "#" link beside every h2 and h3 of a lesson.
  document.querySelectorAll(".prose h2[id], .prose h3[id]").forEach(function (h) {
    var a = document.createElement("a");
    a.className = "anchor"; a.href = "#" + h.id; a.textContent = "#";
    a.setAttribute("aria-label", "Link to this section");
    h.appendChild(a);
  });

  // Search over the index built at build time (assets/search-index.js).
  var index = window.FAULTLINE_INDEX || [];
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var selected = -1;

  function terms(q) { return q.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 1; }); }

  function score(entry, ts) {
    var s = 0, title = entry.t.toLowerCase(), sum = (entry.s || "").toLowerCase(),
        heads = (entry.h || []).join(" ").toLowerCase(), body = (entry.b || "").toLowerCase();
    for (var i = 0; i < ts.length; i++) {
      var t = ts[i], hit = 0;
      if (title.indexOf(t) >= 0) hit += 10;
      if (heads.indexOf(t) >= 0) hit += 5;
      if (sum.indexOf(t) >= 0) hit += 3;
      var n = 0, at = body.indexOf(t);
      while (at >= 0 && n < 20) { n++; at = body.indexOf(t, at + t.length); }
      hit += Math.min(n, 10);
      if (hit === 0) return 0; // every term must match somewhere
      s += hit;
    }
    return s;
  }

  function snippet(entry, ts) {
    var body = entry.b || "", low = body.toLowerCase(), at = low.indexOf(ts[0]);
    if (at < 0) return entry.s || "";
    var from = Math.max(0, at - 50);
    return (from > 0 ? "…" : "") + body.slice(from, at + 90) + "…";
  }

  function render(q) {
    var ts = terms(q);
    list.innerHTML = "";
    selected = -1;
    if (ts.length === 0) { list.hidden = true; return; }
    var hits = index.map(function (e) { return { e: e, s: score(e, ts) }; })
      .filter(function (h) { return h.s > 0; })
      .sort(function (a, b) { return b.s - a.s; }).slice(0, 8);
    if (hits.length === 0) {
      var li = document.createElement("li");
      li.className = "none"; li.textContent = "No lesson mentions \u201c" + q + "\u201d.";
      list.appendChild(li);
    }
    hits.forEach(function (h) {
      var li = document.createElement("li"), a = document.createElement("a"), sn = document.createElement("span");
      a.href = h.e.u; a.textContent = h.e.t;
      sn.className = "snip"; sn.textContent = snippet(h.e, ts);
      a.appendChild(sn); li.appendChild(a); list.appendChild(li);
    });
    list.hidden = false;
  }

  function links() { return list.querySelectorAll("a"); }
  function select(i) {
    var ls = links();
    if (ls.length === 0) return;
    selected = (i + ls.length) % ls.length;
    ls.forEach(function (a, j) { a.classList.toggle("sel", j === selected); });
  }

  if (input && list) {
    input.addEventListener("input", function () { render(input.value); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { select(selected + 1); e.preventDefault(); }
      else if (e.key === "ArrowUp") { select(selected - 1); e.preventDefault(); }
      else if (e.key === "Enter") {
        var ls = links();
        if (ls.length) { window.location.href = ls[Math.max(selected, 0)].getAttribute("href"); }
        e.preventDefault();
      } else if (e.key === "Escape") { input.value = ""; render(""); input.blur(); }
    });
    document.addEventListener("click", function (e) {
      if (!list.contains(e.target) && e.target !== input) list.hidden = true;
    });
  }

  // Keys: / search, ← → previous and next page (not while typing).
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "/" && input) { input.focus(); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { var p = document.querySelector("a[rel=prev]"); if (p) window.location.href = p.getAttribute("href"); }
    else if (e.key === "ArrowRight") { var n = document.querySelector("a[rel=next]"); if (n) window.location.href = n.getAttribute("href"); }
  });
})();
