// Stratolab console: the few behaviours the server can't render (menus, selection,
// typed confirmation, live summaries). htmx does the partial updates.
(function () {
  "use strict";

  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  // ---- dropdowns: [data-toggle="<id>"] opens #<id>; one open at a time --------------
  function closeMenus(except) {
    $$("[data-toggle][aria-expanded='true']").forEach((button) => {
      const menu = document.getElementById(button.dataset.toggle);
      if (menu && menu !== except) {
        menu.hidden = true;
        button.setAttribute("aria-expanded", "false");
      }
    });
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-toggle]");
    if (toggle) {
      const menu = document.getElementById(toggle.dataset.toggle);
      if (!menu) return;
      const opening = menu.hidden;
      closeMenus(menu);
      menu.hidden = !opening;
      toggle.setAttribute("aria-expanded", String(opening));
      if (opening) {
        const search = menu.querySelector("input[type=search]");
        if (search) search.focus();
      }
      return;
    }
    if (!event.target.closest(".dropdown, .services-menu") || event.target.closest(".menu-item")) {
      closeMenus();
    }
    if (!event.target.closest(".topbar-search")) clearSearch();
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      closeMenus();
      clearSearch();
      closeModal();
    }
    if (event.altKey && (event.key === "s" || event.key === "S")) {
      const box = document.querySelector("[data-search-box]");
      if (box) {
        event.preventDefault();
        box.focus();
      }
    }
  });

  function clearSearch() {
    const dropdown = document.getElementById("search-dropdown");
    if (dropdown) dropdown.innerHTML = "";
  }

  // ---- services menu: filter as you type, Enter opens the first match ---------------
  document.addEventListener("input", (event) => {
    const input = event.target.closest("[data-filter-services]");
    if (!input) return;
    const words = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
    const menu = input.closest(".services-menu");
    let shown = 0;
    $$("[data-svc-category]", menu).forEach((category) => {
      let inCategory = 0;
      $$(".svc-item", category).forEach((item) => {
        const match = words.every((w) => item.dataset.search.includes(w));
        item.hidden = !match;
        if (match) inCategory++;
      });
      category.hidden = inCategory === 0;
      shown += inCategory;
    });
    menu.querySelector(".svc-empty").hidden = shown > 0;
  });

  document.addEventListener("keydown", (event) => {
    const input = event.target.closest && event.target.closest("[data-filter-services]");
    if (!input || event.key !== "Enter") return;
    const first = $$(".svc-item:not([hidden]) a", input.closest(".services-menu"))[0];
    if (first) {
      event.preventDefault();
      window.location.assign(first.href);
    }
  });

  // ---- resource tables: selection enables the actions every selected row allows ------
  function refreshTable(container) {
    const boxes = $$("input[name=ids]", container);
    const selected = boxes.filter((b) => b.checked);
    boxes.forEach((b) => b.closest("tr").classList.toggle("selected", b.checked));
    const all = container.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && selected.length === boxes.length;
      all.indeterminate = selected.length > 0 && selected.length < boxes.length;
    }
    const rows = selected.map((b) => (b.closest("tr").dataset.actions || "").split(" "));
    $$(".menu-item[data-operation]", container).forEach((item) => {
      const op = item.dataset.operation;
      item.disabled = rows.length === 0 || !rows.every((ops) => ops.includes(op));
    });
    const note = container.querySelector("[data-selected-count]");
    if (note) note.textContent = selected.length ? `${selected.length} selected` : "";
  }

  function refreshTables(root) {
    $$("[data-resource-table]", root).forEach(refreshTable);
  }

  document.addEventListener("change", (event) => {
    const container = event.target.closest("[data-resource-table]");
    if (!container) return;
    if (event.target.matches("[data-select-all]")) {
      $$("input[name=ids]", container).forEach((b) => (b.checked = event.target.checked));
    }
    if (event.target.matches("[data-select-all], input[name=ids]")) refreshTable(container);
  });

  // A click anywhere on a row (but a link or the box itself) selects it.
  document.addEventListener("click", (event) => {
    const row = event.target.closest("[data-resource-table] tbody tr[data-row]");
    if (!row || event.target.closest("a, button, input, label")) return;
    const box = row.querySelector("input[name=ids]");
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // ---- confirm modal ---------------------------------------------------------------------
  function closeModal() {
    const root = document.getElementById("modal-root");
    if (root && root.firstElementChild) root.innerHTML = "";
  }

  document.addEventListener("click", (event) => {
    const dismiss = event.target.closest("[data-dismiss-modal]");
    if (dismiss && dismiss.closest("#modal-root")) {
      event.preventDefault();
      closeModal();
    }
    const flash = event.target.closest("[data-dismiss-flash]");
    if (flash) flash.closest(".flash").remove();
  });

  document.addEventListener("input", (event) => {
    const input = event.target.closest("[data-typed-confirmation]");
    if (!input) return;
    const submit = input.form.querySelector("[data-confirm-submit]");
    submit.disabled = input.value.trim() !== input.dataset.typedConfirmation;
  });

  // ---- custom time ranges: their start and end show only when chosen ---------------
  function refreshRanges(root) {
    $$("[data-time-range]", root).forEach((select) => {
      $$("[data-custom-range]", select.form).forEach((field) => {
        field.hidden = select.value !== "custom";
      });
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-time-range]")) refreshRanges(event.target.form);
  });

  // ---- create forms: the summary follows the fields ------------------------------------
  function fieldText(form, name) {
    const fields = $$(`[name="${CSS.escape(name)}"]`, form);
    if (!fields.length) return "";
    const field = fields[0];
    if (field.type === "checkbox") return field.checked ? "Yes" : "No";
    if (field.type === "radio") {
      const checked = fields.find((f) => f.checked);
      return checked ? checked.closest("label")?.textContent.trim() || checked.value : "";
    }
    if (field.tagName === "SELECT") return field.selectedOptions[0]?.textContent.trim() || "";
    return field.value.trim();
  }

  function refreshSummary(form) {
    $$("[data-summary-for]", form).forEach((dd) => {
      dd.textContent = fieldText(form, dd.dataset.summaryFor) || "–";
    });
  }

  document.addEventListener("input", (event) => {
    const form = event.target.closest("[data-create-form]");
    if (form) refreshSummary(form);
  });
  document.addEventListener("change", (event) => {
    const form = event.target.closest("[data-create-form]");
    if (form) refreshSummary(form);
  });

  function init(root) {
    refreshTables(root);
    refreshRanges(root);
    $$("[data-create-form]", root).forEach(refreshSummary);
    const modalInput = document.querySelector("#modal-root [data-typed-confirmation]");
    if (modalInput) modalInput.focus();
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", () => init(document));
})();
