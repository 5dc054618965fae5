// Shows a Peyvand web form on any website. The site pastes, where the form should appear:
//   <script src="https://CRM/static/peyvand/embed.js" data-peyvand-form="https://CRM/f/KEY/" async></script>
// This inserts a frame of the form after the script tag and keeps the frame as tall as the form: the form's page
// (public_form.js) reports its height with postMessage. Only messages from that frame and the form's own origin
// are heard, so other frames on the page cannot resize it. Written for old browsers too: no build step, no
// modules, nothing added to the page's globals.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.getAttribute("data-peyvand-form")) { return; }
  var src = script.getAttribute("data-peyvand-form");
  var origin;
  try { origin = new URL(src, document.baseURI).origin; } catch (ignored) { return; }
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = script.getAttribute("data-title") || "";
  frame.setAttribute("data-peyvand-frame", "");
  frame.style.cssText = "border:0;width:100%;display:block;height:40rem;overflow:hidden";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== origin) { return; }
    var data = event.data;
    if (!data || data.type !== "peyvand-form-height") { return; }
    var height = Number(data.height);
    if (height > 0 && height < 100000) { frame.style.height = Math.ceil(height) + "px"; }
  });
})();
