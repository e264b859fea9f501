// Uploads from the object browser: files dropped on the drop zone or chosen with the
// file picker are PUT one by one to the console's upload endpoint, which streams them
// to PutObject. Each gets a progress bar; the page reloads when all are done.
(function () {
  const section = document.querySelector("[data-upload-url]");
  if (!section) return;
  const url = section.dataset.uploadUrl;
  const prefix = section.dataset.prefix || "";
  const list = section.querySelector("[data-progress]");
  const zone = section.querySelector("[data-drop-zone]");
  const picker = document.querySelector("[data-file-picker]");
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;

  function upload(file) {
    return new Promise((resolve) => {
      const row = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = prefix + (file.webkitRelativePath || file.name);
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      const status = document.createElement("span");
      status.textContent = "0%";
      row.append(name, bar, status);
      list.append(row);
      const request = new XMLHttpRequest();
      const key = prefix + (file.webkitRelativePath || file.name);
      request.open("PUT", url + "?key=" + encodeURIComponent(key));
      request.setRequestHeader("X-CSRFToken", token);
      if (file.type) request.setRequestHeader("Content-Type", file.type);
      request.upload.onprogress = (event) => {
        if (!event.lengthComputable) return;
        const percent = Math.round((100 * event.loaded) / event.total);
        bar.value = percent;
        status.textContent = percent + "%";
      };
      request.onload = () => {
        const ok = request.status === 200;
        bar.value = 100;
        status.textContent = ok ? "Succeeded" : "Failed";
        if (!ok) {
          try { status.title = JSON.parse(request.responseText).message; } catch (e) { /* not JSON */ }
        }
        row.dataset.state = ok ? "succeeded" : "failed";
        resolve(ok);
      };
      request.onerror = () => { status.textContent = "Failed"; row.dataset.state = "failed"; resolve(false); };
      request.send(file);
    });
  }

  async function uploadAll(files) {
    let ok = true;
    for (const file of files) ok = (await upload(file)) && ok;
    section.dataset.uploaded = ok ? "all" : "some-failed";
    if (ok) setTimeout(() => window.location.reload(), 600);
  }

  picker.addEventListener("change", () => uploadAll(Array.from(picker.files)));
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("dragging")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    uploadAll(Array.from(event.dataTransfer.files));
  });
})();
