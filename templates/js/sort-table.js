/* Sortable tables, as a progressive enhancement: without this script every table is complete, in code order.
   For each <table data-sortable>, the header cells with data-sort-type ("text" or "number") get a button; a click
   sorts the rows by that column (a second click reverses), sets aria-sort on the header, and writes the new order
   in the [data-sort-caption] of the table's label (aria-labelledby) and in the live region named by
   data-sort-status. Cells sort by their data-value when they have one, else by their text; empty values (not
   reported yet) always go last, and ties keep code order. */
(function () {
  "use strict";
  var collator = new Intl.Collator("th", { numeric: true, sensitivity: "base" });
  var orderNames = { ascending: "จากน้อยไปมาก", descending: "จากมากไปน้อย" };
  var each = function (list, action) { Array.prototype.forEach.call(list, action); };

  function cellValue(row, column) {
    var cell = row.cells[column];
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
  }

  function compare(left, right, type) {
    return type === "number" ? parseFloat(left) - parseFloat(right) : collator.compare(left, right);
  }

  function enhance(table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var body = table.tBodies[0];
    var label = document.getElementById(table.getAttribute("aria-labelledby"));
    var status = document.getElementById(table.getAttribute("data-sort-status"));
    each(body.rows, function (row, index) { row.setAttribute("data-order", String(index)); });

    function sortBy(header, column, type) {
      var order = header.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      var direction = order === "ascending" ? 1 : -1;
      var rows = Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var left = cellValue(a, column), right = cellValue(b, column);
        if (left === "" || right === "") {
          if (left !== right) {
            return left === "" ? 1 : -1;
          }
        } else {
          var result = compare(left, right, type) * direction;
          if (result !== 0) {
            return result;
          }
        }
        return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      });
      rows.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      header.setAttribute("aria-sort", order);
      var message = "เรียงตาม" + header.textContent.trim() + " " + orderNames[order];
      each(label ? label.querySelectorAll("[data-sort-caption]") : [], function (part) { part.textContent = message; });
      if (status) {
        status.textContent = message;
      }
    }

    headers.forEach(function (header, column) {
      var type = header.getAttribute("data-sort-type");
      if (!type) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (header.firstChild) {
        button.appendChild(header.firstChild);
      }
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(header, column, type); });
    });
    each(label ? label.querySelectorAll(".sort-hint") : [], function (hint) { hint.hidden = false; });
  }

  each(document.querySelectorAll("table[data-sortable]"), enhance);
})();
