/* The site's search page (issues 15 and 27). The query (from ?q= or typed) is folded as search.py folds the indexed
   pages, its Thai cut into the index's own words (search.py cut the pages with the forms' segmenter; the words, as
   Pagefind compares them, are in pagefind/reportgen-words.json), then searched in the Pagefind index
   (pagefind/pagefind.js, loaded on the first query only), and each indicator found is listed with its year and an
   excerpt. Every text shown comes from the page (the message catalogue). */
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

  /* Pagefind's own comparison form (its normalizeDiacritics): decomposed, without combining marks. */
  function compared(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  /* A Thai run of the query → the index's words, by maximal matching: the fewest letters left unmatched, then the
     fewest words; the last word may be the beginning of an index word (a word still being typed). The run is cut
     in Pagefind's comparison form (so a query typed without tone marks is cut too), and each word is given back as
     it was typed: Pagefind ranks a word typed with its marks better (and finds one typed without them). */
  function cutThai(run, words) {
    var letters = [], typedAt = [];
    for (var index = 0; index < run.length; index++) {
      var bare = compared(run.charAt(index));
      for (var k = 0; k < bare.length; k++) { letters.push(bare.charAt(k)); typedAt.push(index); }
    }
    var text = letters.join(""), size = text.length, best = [[0, 0, -1, false]];
    for (var end = 1; end <= size; end++) {
      var choice = [best[end - 1][0] + 1, best[end - 1][1] + 1, end - 1, false];  // one letter left unmatched
      for (var start = Math.max(0, end - words.longest); start < end; start++) {
        var piece = text.slice(start, end);
        if (words.set.has(piece) || (end === size && words.begins(piece))) {
          var cost = [best[start][0], best[start][1] + 1, start, true];
          if (cost[0] < choice[0] || (cost[0] === choice[0] && cost[1] < choice[1])) choice = cost;
        }
      }
      best.push(choice);
    }
    var cuts = [], position = size;
    while (position > 0) {
      var previous = best[position][2];
      // Unmatched letters side by side stay one piece: a word the index does not know, found by its beginning.
      if (!best[position][3]) while (previous > 0 && !best[previous][3]) previous = best[previous][2];
      cuts.unshift(previous);
      position = previous;
    }
    var pieces = [];
    cuts.push(size);
    for (var i = 0; i + 1 < cuts.length; i++) {
      var from = cuts[i] === 0 ? 0 : typedAt[cuts[i]];
      var to = cuts[i + 1] === size ? run.length : typedAt[cuts[i + 1]];
      pieces.push(run.slice(from, to));
    }
    return pieces.join(" ");
  }

  function cutQuery(text, words) {
    if (!words) return text;
    return text.replace(/[\u0E01-\u0E3A\u0E40-\u0E4E]+/g, function (run) { return " " + cutThai(run, words) + " "; })
      .replace(/\s+/g, " ").trim();
  }

  function siteDigits(text) {
    if (status.getAttribute("data-digits") !== "thai") return text;
    return text.replace(/[0-9]/g, function (digit) { return thaiDigits.charAt(Number(digit)); });
  }

  function say(template, count, query) {
    status.setAttribute("data-state", "done");
    status.textContent = template.replace("{count}", siteDigits(String(count))).replace("{query}", query);
  }

  function loadWords(url) {
    return fetch(new URL("reportgen-words.json", url).href)
      .then(function (response) { return response.ok ? response.json() : []; })
      .catch(function () { return []; })
      .then(function (list) {
        var longest = 0;
        list.forEach(function (word) { longest = Math.max(longest, word.length); });
        return {
          set: new Set(list), longest: longest,
          begins: function (piece) {  // a word of the sorted list starts with piece
            var low = 0, high = list.length;
            while (low < high) { var middle = (low + high) >> 1; if (list[middle] < piece) low = middle + 1; else high = middle; }
            return low < list.length && list[low].lastIndexOf(piece, 0) === 0;
          }
        };
      });
  }

  function loadIndex() {
    if (!pagefind) {
      var url = new URL(list.getAttribute("data-index"), document.baseURI).href;
      pagefind = Promise.all([
        import(url).then(function (module) { return module.init().then(function () { return module; }); }),
        loadWords(url)
      ]).then(function (both) { return {module: both[0], words: both[1]}; });
    }
    return pagefind;
  }

  /* Pagefind's excerpt as a reader sees it: without the separators search.py put between words for the indexer,
     and without the extra terms (English words, word parts), which are for finding, not for reading. */
  function readable(result) {
    var excerpt = result.excerpt || "", content = result.content || "";
    var words = content.split(/\s+/), extraAt = -1;
    for (var index = 0; index < words.length && extraAt < 0; index++) if (words[index].indexOf("\u2042") >= 0) extraAt = index;
    var inText = (result.locations || []).filter(function (at) { return extraAt < 0 || at < extraAt; });
    if (extraAt >= 0 && !inText.length) {  // only the extra terms matched: the page's beginning instead
      excerpt = escapeHtml(words.slice(0, Math.min(extraAt, 30)).join(" "));
    } else if (excerpt.indexOf("\u2042") >= 0) {
      excerpt = excerpt.slice(0, excerpt.indexOf("\u2042"));
    }
    return unmarked(excerpt);
  }

  /* HTML of the index (an excerpt, an escaped title) as the page shows it: without what search.py added for the
     indexer, the parts after a compound word ("/ใช้"); its words kept whole as on the form (linebreak.py: a nowrap
     span each, <wbr> where the indexer had "|" between two of them); the page's own "|" and "/" as they were. */
  function unmarked(html) {
    return html.replace(/(?<=[\u0E01-\u0E4E])\/[\u0E01-\u0E4E]+/g, "")
      .replace(/[\u0E01-\u0E4E]+(?:\|[\u0E01-\u0E4E]+)*/g, function (run) {
        return '<span class="w">' + run.split("|").join('</span><wbr><span class="w">') + "</span>";
      })
      .replace(/\|/g, "").replace(/\u00A6/g, "|").replace(/\u2215/g, "/").trim();
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function show(results, query) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = document.createElement("li");
      var heading = document.createElement("a");
      heading.className = "search-result-title";
      heading.href = result.url;  // Pagefind resolves it against where the index is published
      heading.innerHTML = unmarked(escapeHtml(result.meta.title || result.url));
      item.appendChild(heading);
      if (result.meta.year) {
        var year = document.createElement("span");
        year.className = "search-result-year";
        year.innerHTML = unmarked(escapeHtml(result.meta.year));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(year);
      }
      var excerpt = document.createElement("p");
      excerpt.className = "search-result-excerpt";
      // Pagefind's excerpt: the page's text, escaped, with <mark> around hits
      excerpt.innerHTML = readable(result);
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
      .then(function (loaded) { return loaded.module.search(cutQuery(foldQuery(query), loaded.words)); })
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
