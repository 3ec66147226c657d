/* The site's search page (issue 15). The query (from ?q= or typed) is folded as search.py folds the indexed
   pages, then searched in the Pagefind index (pagefind/pagefind.js, loaded on the first query only), and each
   indicator found is listed with its year and an excerpt. Pagefind segments the Thai query with Intl.Segmenter,
   so words typed without spaces are found. Every text shown comes from the page (the message catalogue). */
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !status || !list) return;
  var thaiDigits = "๐๑๒๓๔๕๖๗๘๙";
  var pagefind = null;
  var latest = 0;

  /* search.fold in Python: Thai digits as Arabic digits, NIKHAHIT + (tone mark) + SARA AA as (tone mark) + SARA AM.
     Never NFKC: that would take SARA AM apart. */
  function foldQuery(text) {
    return text
      .replace(/[๐-๙]/g, function (digit) { return String(thaiDigits.indexOf(digit)); })
      .replace(/\u0E4D([\u0E48-\u0E4B]?)\u0E32/g, "$1\u0E33");
  }

  function siteDigits(text) {
    if (status.getAttribute("data-digits") !== "thai") return text;
    return text.replace(/[0-9]/g, function (digit) { return thaiDigits.charAt(Number(digit)); });
  }

  function say(template, count, query) {
    status.setAttribute("data-state", "done");
    status.textContent = template.replace("{count}", siteDigits(String(count))).replace("{query}", query);
  }

  function loadIndex() {
    if (!pagefind) {
      var url = new URL(list.getAttribute("data-index"), document.baseURI).href;
      pagefind = import(url).then(function (module) { return module.init().then(function () { return module; }); });
    }
    return pagefind;
  }

  function show(results, query) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = document.createElement("li");
      var heading = document.createElement("a");
      heading.className = "search-result-title";
      heading.href = result.url;  // Pagefind resolves it against where the index is published
      heading.textContent = result.meta.title || result.url;
      item.appendChild(heading);
      if (result.meta.year) {
        var year = document.createElement("span");
        year.className = "search-result-year";
        year.textContent = result.meta.year;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(year);
      }
      var excerpt = document.createElement("p");
      excerpt.className = "search-result-excerpt";
      excerpt.innerHTML = result.excerpt;  // Pagefind's excerpt: the page's text, escaped, with <mark> around hits
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    say(results.length ? status.getAttribute("data-found") : status.getAttribute("data-nothing"), results.length, query);
  }

  function search(query) {
    var asked = ++latest;
    query = query.trim();
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    status.setAttribute("data-state", "searching");
    status.textContent = status.getAttribute("data-searching");
    loadIndex()
      .then(function (module) { return module.search(foldQuery(query)); })
      .then(function (found) { return Promise.all(found.results.map(function (result) { return result.data(); })); })
      .then(function (results) { if (asked === latest) show(results, query); })
      .catch(function () {
        if (asked !== latest) return;
        status.setAttribute("data-state", "failed");
        status.textContent = status.getAttribute("data-failed");
      });
  }

  var waiting = null;
  input.addEventListener("input", function () {
    clearTimeout(waiting);
    waiting = setTimeout(function () { search(input.value); }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(waiting);
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url.href);
    search(input.value);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; search(initial); }
})();
