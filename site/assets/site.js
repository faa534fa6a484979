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

  // Menu: on a phone the navigation follows the content; the button opens
  // it over the page and closes it again (Escape closes it too).
  var menuBtn = document.getElementById("menu");
  var sidebar = document.getElementById("sidebar");
  function setMenu(open) {
    if (!menuBtn || !sidebar) return;
    sidebar.classList.toggle("open", open);
    menuBtn.setAttribute("aria-expanded", open ? "true" : "false");
  }
  if (menuBtn && sidebar) {
    menuBtn.addEventListener("click", function () { setMenu(!sidebar.classList.contains("open")); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && sidebar.classList.contains("open")) { setMenu(false); menuBtn.focus(); }
    });
  }

  // Table of contents: mark the section being read. The current section is
  // the last one whose heading has scrolled above a line near the top.
  var tocLinks = Array.prototype.slice.call(document.querySelectorAll("#toc a[href^='#']"));
  var tocTargets = tocLinks.map(function (a) { return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1))); });
  var spyQueued = false;
  function spy() {
    spyQueued = false;
    var line = 90, current = -1;
    for (var i = 0; i < tocTargets.length; i++) {
      if (tocTargets[i] && tocTargets[i].getBoundingClientRect().top <= line) current = i;
    }
    // At the very bottom the last sections can never reach the line.
    if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2 && tocTargets.length) current = tocTargets.length - 1;
    tocLinks.forEach(function (a, j) {
      var on = j === current;
      a.classList.toggle("active", on);
      if (on) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
  }
  if (tocLinks.length) {
    window.addEventListener("scroll", function () {
      if (!spyQueued) { spyQueued = true; window.requestAnimationFrame(spy); }
    }, { passive: true });
    spy();
  }

  // Search over the index built at build time (assets/search-index.js).
  // Each page's text is split by section, so a result links to the heading
  // whose section matched best. "Quoted words" match as a phrase.
  // The index holds the text of the whole course, so it is loaded on the
  // first use of search, not with every page: a script element beside this
  // one, which works from file:// too, where fetch does not.
  var index = null, loading = false, failed = false, onIndex = null;
  var indexURL = (document.currentScript && document.currentScript.src || "assets/site.js").replace(/site\.js(\?.*)?$/, "search-index.js");
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var selected = -1;

  // withIndex calls then once the index is loaded, loading it on the
  // first call; only the last caller waiting is called (the newest query).
  function withIndex(then) {
    if (index) { then(); return; }
    onIndex = then;
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = indexURL;
    s.async = true;
    s.onload = function () {
      index = window.FAULTLINE_INDEX || [];
      if (onIndex) { var f = onIndex; onIndex = null; f(); }
    };
    s.onerror = function () {
      loading = false; failed = true;
      if (onIndex) { var f = onIndex; onIndex = null; f(); }
    };
    document.head.appendChild(s);
  }

  function terms(q) {
    var out = [], re = /"([^"]*)"?|(\S+)/g, m;
    while ((m = re.exec(q.toLowerCase())) !== null) {
      var t = (m[1] !== undefined ? m[1] : m[2]).replace(/\s+/g, " ").trim();
      if (t.length > 1) out.push(t);
    }
    return out;
  }

  function count(hay, t) {
    var n = 0, at = hay.indexOf(t);
    while (at >= 0 && n < 10) { n++; at = hay.indexOf(t, at + t.length); }
    return n;
  }

  // best returns the page's score and its best section, or null when some
  // term matches nowhere on the page.
  function best(entry, ts) {
    var title = entry.t.toLowerCase(), sum = (entry.s || "").toLowerCase(), secs = entry.x || [];
    var total = 0;
    for (var i = 0; i < ts.length; i++) {
      var t = ts[i], hit = 0;
      if (title.indexOf(t) >= 0) hit += 10;
      if (sum.indexOf(t) >= 0) hit += 3;
      for (var j = 0; j < secs.length; j++) {
        if ((secs[j].h || "").toLowerCase().indexOf(t) >= 0) hit += 5;
        hit += count((secs[j].b || "").toLowerCase(), t);
      }
      if (hit === 0) return null; // every term must match somewhere
      total += hit;
    }
    var top = null, topScore = 0;
    secs.forEach(function (sec) {
      var head = (sec.h || "").toLowerCase(), body = (sec.b || "").toLowerCase(), sc = 0;
      ts.forEach(function (t) { sc += (head.indexOf(t) >= 0 ? 5 : 0) + count(body, t); });
      if (sc > topScore) { topScore = sc; top = sec; }
    });
    return { score: total, sec: top };
  }

  function snippet(text, ts) {
    var low = text.toLowerCase(), at = -1;
    for (var i = 0; i < ts.length && at < 0; i++) at = low.indexOf(ts[i]);
    if (at < 0) return text.slice(0, 140) + (text.length > 140 ? "…" : "");
    var from = Math.max(0, at - 50), to = Math.min(text.length, at + 90);
    return (from > 0 ? "…" : "") + text.slice(from, to) + (to < text.length ? "…" : "");
  }

  // highlight appends text to el with every term wrapped in <mark>, built
  // from text nodes so that nothing in the text is read as HTML.
  function highlight(el, text, ts, cls) {
    var low = text.toLowerCase(), pos = 0;
    while (pos < text.length) {
      var at = -1, len = 0;
      ts.forEach(function (t) {
        var i = low.indexOf(t, pos);
        if (i >= 0 && (at < 0 || i < at || (i === at && t.length > len))) { at = i; len = t.length; }
      });
      if (at < 0) break;
      el.appendChild(document.createTextNode(text.slice(pos, at)));
      var m = document.createElement("mark");
      if (cls) m.className = cls;
      m.textContent = text.slice(at, at + len);
      el.appendChild(m);
      pos = at + len;
    }
    el.appendChild(document.createTextNode(text.slice(pos)));
  }

  function render(q) {
    var ts = terms(q);
    list.innerHTML = "";
    selected = -1;
    if (ts.length === 0) { list.hidden = true; return; }
    if (!index) {
      var wait = document.createElement("li");
      wait.className = "none";
      wait.textContent = failed ? "The search index (" + indexURL + ") could not be loaded; rebuild the site with faultline site build." : "Loading the search index\u2026";
      list.appendChild(wait);
      list.hidden = false;
      if (!failed) withIndex(function () { render(input.value); });
      return;
    }
    var hits = index.map(function (e) { var b = best(e, ts); return b && { e: e, s: b.score, sec: b.sec }; })
      .filter(function (h) { return h; })
      .sort(function (a, b) { return b.s - a.s; }).slice(0, 8);
    if (hits.length === 0) {
      var li = document.createElement("li");
      li.className = "none"; li.textContent = "No lesson mentions \u201c" + q + "\u201d.";
      list.appendChild(li);
    }
    var qs = "?q=" + encodeURIComponent(q);
    hits.forEach(function (h) {
      var li = document.createElement("li"), a = document.createElement("a"), sn = document.createElement("span");
      a.href = h.e.u + qs + (h.sec && h.sec.i ? "#" + h.sec.i : "");
      a.appendChild(document.createTextNode(h.e.t));
      if (h.sec && h.sec.h) {
        var sect = document.createElement("span");
        sect.className = "sect"; sect.textContent = "§ " + h.sec.h;
        a.appendChild(sect);
      }
      sn.className = "snip";
      highlight(sn, snippet(h.sec ? h.sec.b || "" : h.e.s || "", ts), ts);
      a.appendChild(sn); li.appendChild(a); list.appendChild(li);
    });
    list.hidden = false;
  }

  // A page opened from a search result (?q=...) marks the words searched for.
  function markPage(q) {
    var ts = terms(q), root = document.querySelector(".prose");
    if (!ts.length || !root) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null), nodes = [], n;
    while ((n = walker.nextNode())) nodes.push(n);
    var marked = 0;
    nodes.forEach(function (node) {
      if (marked > 200 || !node.nodeValue.trim() || node.parentNode.closest("svg, mark")) return;
      var low = node.nodeValue.toLowerCase();
      if (!ts.some(function (t) { return low.indexOf(t) >= 0; })) return;
      var span = document.createElement("span");
      highlight(span, node.nodeValue, ts, "hit");
      marked += span.querySelectorAll("mark").length;
      node.parentNode.replaceChild(span, node);
    });
  }
  try {
    var q0 = new URLSearchParams(window.location.search).get("q");
    if (q0) markPage(q0);
  } catch (e) {}

  function links() { return list.querySelectorAll("a"); }
  function select(i) {
    var ls = links();
    if (ls.length === 0) return;
    selected = (i + ls.length) % ls.length;
    ls.forEach(function (a, j) { a.classList.toggle("sel", j === selected); });
  }

  if (input && list) {
    // Focus (a click, or the / key) starts loading, so that the index is
    // usually there by the first letter typed.
    input.addEventListener("focus", function () { withIndex(function () { if (input.value) render(input.value); }); });
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
