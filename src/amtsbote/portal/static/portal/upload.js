/*
 * Amtsbote portal: the upload page of one document request, enhanced.
 *
 * Without this script the page is a plain multipart form. With it, each requested item
 * keeps a list of chosen pages with previews that can be removed and reordered; photos are
 * made smaller in the browser (long edge at most 2000 px, JPEG quality 0.85) and everything
 * is sent in one POST with a progress bar. PDFs and HEIC files are sent unchanged (browsers
 * cannot decode HEIC). On an error the pages stay, and the message is shown.
 *
 * Without a connection (the phone says it is offline, or the send breaks off on the way) the
 * prepared pages are kept on this phone in the outbox (outbox.js, IndexedDB) with the send's
 * idempotency key, and pwa.js sends them when the phone is online again (the service worker
 * too, with Background Sync). The page says so; when the send has arrived, it opens the
 * receipt. A send the server refuses comes back onto this page with the server's message.
 *
 * Texts come translated from the page (<script id="upload-strings" type="application/json">).
 */
(function () {
  "use strict";

  var MAX_EDGE = 2000;
  var JPEG_QUALITY = 0.85;
  // Photos already small enough are sent as they are (the server removes metadata anyway).
  var KEEP_BELOW_BYTES = 1.5 * 1024 * 1024;

  var form = document.querySelector("[data-upload-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.URL || !URL.createObjectURL) {
    return;
  }
  var stringsNode = document.getElementById("upload-strings");
  var strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};

  function t(key, params) {
    var text = strings[key] || key;
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(params[name]));
    });
    return text.split("%%").join("%");
  }

  var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 30;
  var sendButton = form.querySelector("[data-send]");
  var statusNode = document.getElementById("upload-status");
  var progressWrap = form.querySelector("[data-progress]");
  var progressBar = progressWrap ? progressWrap.querySelector("progress") : null;
  var errorBox = document.getElementById("upload-error");
  var errorText = errorBox ? errorBox.querySelector("[data-error-text]") : null;
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  // The send's idempotency key (rendered fresh by the server). It stays while the chosen
  // pages stay: "try again" after an interrupted connection repeats the same send, and if
  // the first one did arrive the server answers with its receipt instead of storing the
  // pages twice. Any change of the pages makes a new send with a new key.
  var keyInput = form.querySelector("input[name=client_key]");
  var outbox = window.AmtsboteOutbox || null;
  var ownerNode = document.querySelector('meta[name="amtsbote-outbox-owner"]');
  var owner = ownerNode ? ownerNode.getAttribute("content") : "";
  var queuedBox = document.getElementById("upload-queued");
  var queuedText = queuedBox ? queuedBox.querySelector("[data-queued-text]") : null;
  var requestPath = new URL(form.action, window.location.href).pathname;
  var busy = false;
  var nextId = 1;

  // A visually hidden live region for "page removed/moved" announcements.
  var announcer = document.createElement("p");
  announcer.className = "kern-sr-only";
  announcer.setAttribute("aria-live", "polite");
  form.appendChild(announcer);

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function newClientKey() {
    var bytes = new Uint8Array(24);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function pagesChanged() {
    if (keyInput) { keyInput.value = newClientKey(); }
  }

  function setStatus(text) {
    if (statusNode) { statusNode.textContent = text; }
  }

  // The error is tied to the file fields (aria-invalid, aria-describedby) while it shows.
  function markFields(invalid) {
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      if (invalid) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", "upload-error");
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    });
  }

  function showError(message) {
    if (!errorBox) { window.alert(message); return; }
    errorText.textContent = message;
    errorBox.hidden = false;
    markFields(true);
    errorBox.setAttribute("tabindex", "-1");
    errorBox.focus();
    errorBox.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function hideError() {
    if (errorBox) { errorBox.hidden = true; }
    markFields(false);
  }

  function extensionOf(name) {
    var dot = (name || "").lastIndexOf(".");
    return dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
  }

  function isPdf(file) {
    return file.type === "application/pdf" || extensionOf(file.name) === "pdf";
  }

  function isHeic(file) {
    var ext = extensionOf(file.name);
    return /^image\/hei[cf]/.test(file.type) || ext === "heic" || ext === "heif";
  }

  // ---- state per requested item -------------------------------------------------------------

  var items = Array.prototype.map.call(form.querySelectorAll("[data-item]"), function (section) {
    var heading = section.querySelector("h2");
    var item = {
      uuid: section.getAttribute("data-item"),
      section: section,
      label: heading ? heading.textContent.trim() : "",
      list: section.querySelector("[data-pages]"),
      count: section.querySelector("[data-item-count]"),
      camera: section.querySelector("[data-pick=camera]"),
      pages: [],
    };
    Array.prototype.forEach.call(section.querySelectorAll("input[type=file]"), function (input) {
      input.addEventListener("change", function () {
        Array.prototype.forEach.call(input.files || [], function (file) {
          item.pages.push({ id: nextId++, file: file, url: null, prepared: null });
        });
        // The script sends the pages itself; an emptied input can pick the same file again.
        input.value = "";
        pagesChanged();
        hideError();
        render(item);
        update();
        announce(countText(item));
      });
    });
    return item;
  });

  function totalPages() {
    return items.reduce(function (sum, item) { return sum + item.pages.length; }, 0);
  }

  function countText(item) {
    var count = item.pages.length;
    if (!count) { return t("none"); }
    return count === 1 ? t("added_one") : t("added", { count: count });
  }

  function update() {
    var total = totalPages();
    if (busy) { sendButton.disabled = true; return; }
    sendButton.disabled = total === 0 || total > maxFiles;
    sendButton.setAttribute("aria-disabled", sendButton.disabled ? "true" : "false");
    if (total === 0) {
      setStatus(t("none"));
    } else if (total > maxFiles) {
      setStatus(t("too_many"));
    } else {
      setStatus(total === 1 ? t("ready_one") : t("ready", { total: total }));
    }
  }

  // ---- previews --------------------------------------------------------------------------

  function thumbnail(page) {
    var file = page.file;
    var box;
    if (!isPdf(file) && (/^image\//.test(file.type) || isHeic(file))) {
      if (!page.url) { page.url = URL.createObjectURL(file); }
      box = document.createElement("img");
      box.className = "portal-page__thumb";
      box.alt = "";
      box.src = page.url;
      box.addEventListener("error", function () {
        var label = placeholder(isHeic(file) ? "HEIC" : extensionOf(file.name).toUpperCase() || "?");
        if (box.parentNode) { box.parentNode.replaceChild(label, box); }
      });
      return box;
    }
    return placeholder(isPdf(file) ? "PDF" : (extensionOf(file.name).toUpperCase() || "?"));
  }

  function placeholder(text) {
    var span = document.createElement("span");
    span.className = "portal-page__thumb";
    span.setAttribute("aria-hidden", "true");
    span.textContent = text;
    return span;
  }

  function actionButton(kind, label, symbol, onClick) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kern-btn kern-btn--secondary";
    button.setAttribute("aria-label", label);
    button.setAttribute("data-action", kind);
    button.setAttribute("data-testid", "page-" + kind);
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = symbol;
    button.appendChild(icon);
    button.addEventListener("click", onClick);
    return button;
  }

  function render(item, focus) {
    var list = item.list;
    list.textContent = "";
    item.pages.forEach(function (page, index) {
      var number = index + 1;
      var li = document.createElement("li");
      li.className = "portal-page";
      li.setAttribute("data-testid", "page");
      li.setAttribute("data-page-id", String(page.id));

      var text = document.createElement("div");
      text.className = "portal-page__text";
      var title = document.createElement("p");
      title.className = "kern-body kern-body--bold";
      title.textContent = t("page", { n: number });
      var name = document.createElement("p");
      name.className = "portal-page__name kern-body kern-body--small";
      name.textContent = page.file.name;
      text.appendChild(title);
      text.appendChild(name);

      var actions = document.createElement("div");
      actions.className = "portal-page__actions";
      var up = actionButton("up", t("up", { n: number }), "↑", function () { move(item, page, -1, "up"); });
      var down = actionButton("down", t("down", { n: number }), "↓", function () { move(item, page, 1, "down"); });
      up.disabled = index === 0;
      down.disabled = index === item.pages.length - 1;
      actions.appendChild(up);
      actions.appendChild(down);
      actions.appendChild(actionButton("remove", t("remove", { n: number }), "✕", function () { remove(item, page); }));

      li.appendChild(thumbnail(page));
      li.appendChild(text);
      li.appendChild(actions);
      list.appendChild(li);
    });
    list.hidden = item.pages.length === 0;
    item.count.hidden = item.pages.length === 0;
    item.count.textContent = countText(item);
    if (focus) {
      var target = list.querySelector('[data-page-id="' + focus.id + '"] [data-action="' + focus.action + '"]');
      if (!target || target.disabled) {
        target = list.querySelector('[data-page-id="' + focus.id + '"] [data-action="remove"]');
      }
      if (target) { target.focus(); }
    }
  }

  function move(item, page, delta, action) {
    if (busy) { return; }
    var from = item.pages.indexOf(page);
    var to = from + delta;
    if (from < 0 || to < 0 || to >= item.pages.length) { return; }
    item.pages.splice(from, 1);
    item.pages.splice(to, 0, page);
    pagesChanged();
    render(item, { id: page.id, action: action });
    announce(t("moved", { n: from + 1, to: to + 1 }));
  }

  function remove(item, page) {
    if (busy) { return; }
    var index = item.pages.indexOf(page);
    if (index < 0) { return; }
    item.pages.splice(index, 1);
    pagesChanged();
    if (page.url) { URL.revokeObjectURL(page.url); }
    var next = item.pages[index] || item.pages[index - 1];
    render(item, next ? { id: next.id, action: "remove" } : null);
    if (!next && item.camera) { item.camera.focus(); }
    update();
    announce(t("removed") + " " + countText(item));
  }

  // ---- making photos smaller ---------------------------------------------------------------

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return decodeWithImg(file);
      });
    }
    return decodeWithImg(file);
  }

  function decodeWithImg(file) {
    // <img> applies the EXIF orientation itself (CSS image-orientation: from-image).
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  function jpegName(name) {
    var base = (name || "photo").replace(/\.[^.]*$/, "");
    return (base || "photo") + ".jpg";
  }

  function prepare(page) {
    if (page.prepared) { return Promise.resolve(page.prepared); }
    var file = page.file;
    var original = { blob: file, name: file.name || "file" };
    if (isPdf(file) || isHeic(file) || !/^image\//.test(file.type)) {
      page.prepared = original;
      return Promise.resolve(original);
    }
    return decode(file).then(function (image) {
      var width = image.naturalWidth || image.width;
      var height = image.naturalHeight || image.height;
      var scale = Math.min(1, MAX_EDGE / Math.max(width, height));
      if (scale === 1 && file.size <= KEEP_BELOW_BYTES) {
        if (image.close) { image.close(); }
        return original;
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff"; // transparent PNG areas become white, not black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.imageSmoothingQuality = "high";
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) { image.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob && blob.size ? { blob: blob, name: jpegName(file.name) } : original);
        }, "image/jpeg", JPEG_QUALITY);
      });
    }).catch(function () {
      // Not decodable here: send as it is; the server checks it and names what is accepted.
      return original;
    }).then(function (result) {
      page.prepared = result;
      return result;
    });
  }

  // ---- sending -----------------------------------------------------------------------------

  function finish(message) {
    busy = false;
    if (progressWrap) { progressWrap.hidden = true; }
    form.removeAttribute("aria-busy");
    update();
    if (message) {
      setStatus("");
      showError(message);
    }
  }

  function errorFrom(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("application/json") >= 0) {
      try {
        var data = JSON.parse(xhr.responseText);
        if (data && data.error) { return data.error; }
      } catch (ignored) { /* fall through */ }
    }
    if (type.indexOf("text/html") >= 0 && window.DOMParser) {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var node = doc.querySelector("[data-error-text]") || doc.querySelector('[role="alert"]');
      if (node && node.textContent.trim()) { return node.textContent.trim(); }
    }
    return t("server");
  }

  function send(formData, entries) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "fetch");
    xhr.setRequestHeader("Accept", "application/json");
    if (csrfInput) { xhr.setRequestHeader("X-CSRFToken", csrfInput.value); }
    xhr.upload.onprogress = function (event) {
      if (!event.lengthComputable) { return; }
      var percent = Math.round((event.loaded / event.total) * 100);
      if (progressBar) { progressBar.value = percent; }
      setStatus(t("uploading", { percent: percent }));
    };
    xhr.upload.onload = function () {
      if (progressBar) { progressBar.value = 100; }
      setStatus(t("saving"));
    };
    xhr.onload = function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (ignored) { data = null; }
        if (data && data.redirect) {
          setStatus(t("done"));
          items.forEach(function (item) {
            item.pages.forEach(function (page) { if (page.url) { URL.revokeObjectURL(page.url); } });
          });
          window.location.assign(data.redirect);
          return;
        }
        // Redirected elsewhere (e.g. signed out meanwhile): nothing was sent.
        finish(t("server"));
        return;
      }
      finish(errorFrom(xhr));
    };
    xhr.onerror = function () {
      // The connection broke off (or never was): keep the pages on this phone. If the send
      // did arrive and only the answer got lost, the retry gets the first receipt back.
      if (canKeep()) { keep(entries); } else { finish(t("network")); }
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = xhr.onerror;
    xhr.send(formData);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    var total = totalPages();
    if (total === 0) { showError(t("empty")); return; }
    if (total > maxFiles) { showError(t("too_many")); return; }
    busy = true;
    hideError();
    update();
    form.setAttribute("aria-busy", "true");
    if (progressWrap) { progressWrap.hidden = false; }
    if (progressBar) { progressBar.value = 0; }
    setStatus(t("preparing"));

    var jobs = [];
    items.forEach(function (item) {
      item.pages.forEach(function (page) {
        jobs.push({ item: item, page: page });
      });
    });
    // One photo at a time: phones have little memory for several decoded 12-megapixel images.
    var formData = new FormData();
    var entries = [];
    if (csrfInput) { formData.append("csrfmiddlewaretoken", csrfInput.value); }
    if (keyInput) { formData.append("client_key", keyInput.value); }
    jobs.reduce(function (chain, job) {
      return chain.then(function () {
        return prepare(job.page).then(function (prepared) {
          formData.append("item-" + job.item.uuid, prepared.blob, prepared.name);
          entries.push({ field: "item-" + job.item.uuid, name: prepared.name, blob: prepared.blob });
        });
      });
    }, Promise.resolve()).then(function () {
      if (navigator.onLine === false && canKeep()) {
        keep(entries);
      } else {
        send(formData, entries);
      }
    }).catch(function () {
      finish(t("server"));
    });
  });

  // ---- kept on this phone without a connection (outbox.js) -----------------------------------

  function canKeep() {
    return Boolean(outbox && owner && keyInput && keyInput.value);
  }

  function clearPages() {
    items.forEach(function (item) {
      item.pages.forEach(function (page) { if (page.url) { URL.revokeObjectURL(page.url); } });
      item.pages = [];
      render(item);
    });
  }

  function keep(entries) {
    outbox.keep({
      id: keyInput.value,
      url: requestPath,
      owner: owner,
      pages: entries.length,
      files: entries,
    }).then(function () {
      // The kept pages leave the form: what is chosen next is a new send with a new key.
      clearPages();
      pagesChanged();
      finish();
      showKept();
      if (window.AmtsbotePwa) { window.AmtsbotePwa.flush(); }
    }, function () {
      // No room or no IndexedDB on this phone: as before, the pages stay here.
      finish(t("network"));
    });
  }

  // The sends of this request waiting on this phone; refused ones come back onto the page.
  function showKept() {
    if (!outbox) { return; }
    outbox.all().then(function (records) {
      var mine = records.filter(function (record) { return record.url === requestPath && record.owner === owner; });
      var waiting = mine.filter(function (record) { return record.state === "waiting"; });
      mine.filter(function (record) { return record.state === "failed"; }).forEach(restore);
      if (!queuedBox) { return; }
      var pages = waiting.reduce(function (sum, record) { return sum + (record.pages || 0); }, 0);
      queuedBox.hidden = waiting.length === 0;
      if (waiting.length && queuedText) {
        queuedText.textContent = t("kept") + " " + (pages === 1 ? t("kept_one") : t("kept_pages", { count: pages }));
        setStatus(t("kept"));
      }
    }).catch(function () { /* no IndexedDB */ });
  }

  function restore(record) {
    outbox.remove(record.id).then(function () {
      record.files.forEach(function (entry) {
        var uuid = entry.field.replace(/^item-/, "");
        var item = items.filter(function (candidate) { return candidate.uuid === uuid; })[0];
        if (!item) { return; }
        var file = new File([entry.blob], entry.name, { type: entry.blob.type });
        item.pages.push({ id: nextId++, file: file, url: null, prepared: null });
      });
      pagesChanged();
      items.forEach(function (item) { render(item); });
      update();
      showError(record.error || t("server"));
    });
  }

  document.addEventListener("amtsbote:outbox-shown", showKept);

  items.forEach(function (item) { render(item); });
  update();
  showKept();
})();
