/* Posteingang and triage on the desk. Plain JavaScript; every page works without it.
 *
 * Posteingang: drag and drop onto the drop zone, upload with a progress bar
 * (XMLHttpRequest), then the batch list refreshes itself (htmx).
 * Triage: keyboard shortcuts (listed on the page), confirmation before putting aside,
 * enlarged pages in a dialog.
 */
(function () {
  "use strict";

  /* --- Posteingang ------------------------------------------------------------------- */

  function setupUpload(form) {
    var input = form.querySelector("input[type=file]");
    var zone = document.getElementById("drop-zone");
    var summary = document.getElementById("drop-summary");
    var progress = document.getElementById("upload-progress");
    var bar = document.getElementById("upload-progress-bar");
    var result = document.getElementById("upload-result");
    var maxFiles = parseInt(form.dataset.maxFiles || "0", 10);
    var dropped = null;

    function chosen() {
      return dropped || Array.prototype.slice.call(input.files || []);
    }

    function describe() {
      var files = chosen();
      var bytes = files.reduce(function (sum, f) { return sum + f.size; }, 0);
      summary.textContent = files.length
        ? files.length + " × " + (bytes / 1048576).toFixed(1) + " MB"
        : "";
    }

    input.addEventListener("change", function () { dropped = null; describe(); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("intake-drop--over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.remove("intake-drop--over");
      });
    });
    zone.addEventListener("drop", function (event) {
      dropped = Array.prototype.slice.call(event.dataTransfer.files || []);
      input.required = dropped.length === 0;
      describe();
    });

    form.addEventListener("submit", function (event) {
      var files = chosen();
      if (!files.length || !window.FormData) { return; }  // the browser's own check / plain post
      event.preventDefault();
      if (maxFiles && files.length > maxFiles) {
        result.textContent = input.getAttribute("aria-describedby") &&
          document.getElementById(input.getAttribute("aria-describedby")).textContent;
        return;
      }
      var data = new FormData(form);
      data.delete("files");
      files.forEach(function (file) { data.append("files", file, file.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
      });
      xhr.addEventListener("load", function () {
        progress.hidden = true;
        result.innerHTML = xhr.responseText;  // rendered by the server (escaped there)
        if (xhr.status < 300) {
          form.reset();
          dropped = null;
          input.required = true;
          describe();
        }
        if (window.htmx) {
          window.htmx.ajax("GET", document.getElementById("batches").getAttribute("hx-get"), {
            target: "#batches", swap: "outerHTML"
          });
        }
      });
      xhr.addEventListener("error", function () {
        progress.hidden = true;
        result.textContent = "⚠ " + xhr.statusText;
      });
      bar.value = 0;
      progress.hidden = false;
      result.textContent = "";
      xhr.send(data);
    });
  }

  /* --- Triage ------------------------------------------------------------------------ */

  function typing(element) {
    if (!element) { return false; }
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  function submit(form) {
    if (!form) { return; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function setupTriage(root) {
    var focusedPage = null;  // the page link that had the focus last
    var dialog = document.getElementById("page-dialog");
    var dialogImage = document.getElementById("page-dialog-image");

    root.addEventListener("focusin", function (event) {
      var link = event.target.closest && event.target.closest("[data-page-index]");
      if (link) { focusedPage = link; }
    });

    // Enlarge a page in a dialog instead of leaving the page.
    root.querySelectorAll("[data-enlarge]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!dialog || !dialog.showModal) { return; }
        event.preventDefault();
        focusedPage = link;
        dialogImage.src = link.href;
        dialogImage.alt = link.querySelector("img").alt;
        dialog.showModal();
      });
    });
    if (dialog) {
      dialog.addEventListener("close", function () { if (focusedPage) { focusedPage.focus(); } });
    }

    // Ask before putting a document aside (button click, Enter in the reason field, "d").
    document.querySelectorAll("form [data-confirm]").forEach(function (button) {
      button.form.addEventListener("submit", function (event) {
        if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
      });
    });

    // Enter on the type list saves the type (a select does not submit by itself).
    var typeSelect = document.getElementById("triage-type");
    if (typeSelect) {
      typeSelect.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); submit(typeSelect.form); }
      });
    }

    function go(kind) {
      var link = document.querySelector('[data-shortcut="' + kind + '"]');
      if (link) { window.location.href = link.href; }
    }

    function rotate() {
      var form = document.getElementById("rotate-form");
      if (!form) { return; }
      form.elements.page.value = focusedPage ? focusedPage.dataset.pageIndex : "";
      form.elements.degrees.value = "90";
      submit(form);
    }

    function split() {
      var form = document.getElementById("split-form");
      if (!form || !focusedPage) { return; }
      var position = parseInt(focusedPage.dataset.position, 10);
      if (position < 2) { return; }  // a document cannot start before its first page
      form.elements.after.value = String(position - 1);
      submit(form);
    }

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "Escape" && typing(document.activeElement)) {
        document.activeElement.blur();
        return;
      }
      if (typing(document.activeElement) || (dialog && dialog.open)) { return; }
      var key = event.key;
      if (/^[1-5]$/.test(key)) {
        var button = document.querySelector('[data-shortcut-suggest="' + key + '"]');
        if (button) { event.preventDefault(); button.focus(); }  // Enter then files it
        return;
      }
      var actions = {
        "/": function () { var s = document.getElementById("triage-case-search"); if (s) { s.focus(); s.select(); } },
        "t": function () { if (typeSelect) { typeSelect.focus(); } },
        "r": rotate,
        "s": split,
        "d": function () {
          var form = document.getElementById("discard-form");
          if (form) { submit(form); }  // the submit handler asks first
        },
        "j": function () { go("next"); },
        "k": function () { go("prev"); }
      };
      if (Object.prototype.hasOwnProperty.call(actions, key)) {
        event.preventDefault();
        actions[key]();
      }
    });
  }

  function start() {
    var upload = document.getElementById("upload-form");
    if (upload) { setupUpload(upload); }
    var triage = document.getElementById("triage");
    if (triage) { setupTriage(triage); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
