// The library's drop zone: each file is sent on its own (XHR, for upload progress), its row shows a
// progress bar, then the new tile or the refusal naming the rule. Without JS the form posts all files.
(function () {
  function uploadOne(form, file, list) {
    const row = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", interpolate(gettext("Uploading %s"), [file.name]));
    row.append(name, bar);
    list.append(row);
    const data = new FormData();
    form.querySelectorAll("input[type=hidden], select, input[name=title]").forEach((input) => {
      if (input.name) data.append(input.name, input.value);
    });
    data.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("HX-Request", "true");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
    };
    request.onload = () => {
      bar.value = 100;
      const answer = document.createElement("template");
      answer.innerHTML = request.responseText;
      const tile = answer.content.querySelector(".tile");
      const total = answer.content.querySelector("[data-total]");
      if (total) document.getElementById("library-total").textContent = total.textContent;
      let status = document.createElement("span");
      if (request.status === 201 && tile) {
        status = document.createElement("a");
        status.href = tile.querySelector("a").href;
        status.textContent = gettext("added");
        tile.classList.add("new");
        document.getElementById("library-empty")?.remove();
        document.getElementById("library-grid")?.prepend(tile);
      } else {
        const refusal = answer.content.querySelector("[data-refused]");
        status.className = "error-text";
        status.setAttribute("role", "alert");
        status.textContent = refusal ? refusal.textContent : interpolate(gettext("The upload failed (%s)."), [request.status]);
        row.classList.add("refused");
      }
      bar.replaceWith(status);
    };
    request.onerror = () => { bar.replaceWith(Object.assign(document.createElement("span"), { className: "error-text", textContent: gettext("The upload did not reach the server.") })); };
    request.send(data);
  }

  function setUpDropzone(form) {
    const input = form.querySelector("input[type=file]");
    const list = document.getElementById("upload-list");
    const send = (files) => { Array.from(files).forEach((file) => uploadOne(form, file, list)); };
    form.addEventListener("submit", (event) => {
      if (!input.files.length) return;
      event.preventDefault();
      send(input.files);
      input.value = "";
    });
    input.addEventListener("change", () => { if (input.files.length) form.requestSubmit(); });
    form.addEventListener("dragover", (event) => { event.preventDefault(); form.classList.add("dragging"); });
    form.addEventListener("dragleave", () => form.classList.remove("dragging"));
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      form.classList.remove("dragging");
      send(event.dataTransfer.files);
    });
  }

  // The focal point: a click on the image writes the fractions into the form's two number inputs.
  function setUpFocalPoint(frame) {
    const target = frame.querySelector("img[data-focal-target]");
    const marker = frame.querySelector(".focal-marker");
    const x = document.getElementById("id_focal_x");
    const y = document.getElementById("id_focal_y");
    if (!target || !x || !y) return;
    const place = () => { marker.style.left = 100 * x.value + "%"; marker.style.top = 100 * y.value + "%"; };
    target.addEventListener("click", (event) => {
      const box = target.getBoundingClientRect();
      x.value = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)).toFixed(3);
      y.value = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)).toFixed(3);
      place();
    });
    [x, y].forEach((input) => input.addEventListener("input", place));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-dropzone]").forEach(setUpDropzone);
    document.querySelectorAll("[data-focal]").forEach(setUpFocalPoint);
  });
})();
