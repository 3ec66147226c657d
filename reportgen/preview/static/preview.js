// reportgen serve (preview only, never part of the built site): reload when a new build is ready.
(function () {
  var shown = document.currentScript && document.currentScript.getAttribute("data-generation");
  var events = new EventSource("/__reportgen__/events");
  events.addEventListener("generation", function (event) {
    if (event.data !== shown) {
      events.close();
      window.location.reload();
    }
  });
})();
