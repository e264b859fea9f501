// The Launch instance page: the AMI tiles pick an image, the image narrows the instance
// types to its architecture and sets the root volume, the VPC narrows subnets and
// groups, and the summary follows. Without this script the form still works.
(function () {
  "use strict";

  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  function setup(form) {
    const image = form.querySelector("[name=ImageId]");
    const type = form.querySelector("[name=InstanceType]");
    const vpc = form.querySelector("[name=VpcId]");
    const subnet = form.querySelector("[name=SubnetId]");
    const groups = form.querySelector("[name=SecurityGroupIds]");
    const publicIp = form.querySelector("[name=AutoAssignPublicIp]");
    const rootSize = form.querySelector("[name=root_size]");

    function selectedImage() {
      return image.selectedOptions[0] || null;
    }

    function showImage() {
      const option = selectedImage();
      if (!option) return;
      const os = option.dataset.os;
      $$("[data-tile]", form).forEach((tile) => {
        const active = tile.dataset.tile === os;
        tile.classList.toggle("active", active);
        tile.querySelector("input").checked = active;
      });
      form.querySelector("[data-ami-name]").textContent = option.dataset.name || option.value;
      form.querySelector("[data-ami-description]").textContent = option.dataset.description || "";
      form.querySelector("[data-ami-arch]").textContent = option.dataset.arch || "";
      form.querySelector("[data-ami-free]").hidden = !option.textContent.includes("Free tier");
      const windows = option.dataset.platform === "windows";
      form.querySelector("[data-ssh-label]").textContent = windows
        ? "Allow RDP traffic from"
        : "Allow SSH traffic from";
      // The root volume can't be smaller than the image's snapshot.
      const minimum = parseInt(option.dataset.rootSize || "8", 10);
      rootSize.min = String(minimum);
      if (!rootSize.dataset.touched || parseInt(rootSize.value || "0", 10) < minimum) {
        rootSize.value = String(minimum);
      }
      filterTypes(option.dataset.arch);
    }

    function filterTypes(arch) {
      let firstFree = null;
      let first = null;
      $$("option", type).forEach((option) => {
        const fits = (option.dataset.arch || "").split(" ").includes(arch);
        option.hidden = !fits;
        option.disabled = !fits;
        if (fits && !first) first = option;
        if (fits && !firstFree && option.textContent.includes("Free tier")) firstFree = option;
      });
      const current = type.selectedOptions[0];
      if (!current || current.disabled) {
        const pick = firstFree || first;
        if (pick) type.value = pick.value;
      }
    }

    function filterNetwork() {
      const chosen = vpc.value;
      $$("option", subnet).forEach((option) => {
        if (!option.value) return;
        const fits = option.dataset.vpc === chosen;
        option.hidden = !fits;
        option.disabled = !fits;
      });
      if (subnet.selectedOptions[0] && subnet.selectedOptions[0].disabled) subnet.value = "";
      $$("option", groups).forEach((option) => {
        const fits = option.dataset.vpc === chosen;
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits) option.selected = false;
      });
    }

    function subnetPublicDefault() {
      const option = subnet.selectedOptions[0];
      if (option && option.value) {
        publicIp.value = option.dataset.public === "true" ? "enable" : "disable";
      }
    }

    function showFirewall() {
      const mode = (form.querySelector("[name=firewall]:checked") || {}).value || "create";
      $$("[data-firewall-pane]", form).forEach((pane) => {
        pane.hidden = pane.dataset.firewallPane !== mode;
      });
      const source = form.querySelector("[name=ssh_source]").value;
      form.querySelector("[data-ssh-custom]").hidden = source !== "custom";
      const open =
        (form.querySelector("[name=allow_ssh]").checked && source === "anywhere") ||
        form.querySelector("[name=allow_https]").checked ||
        form.querySelector("[name=allow_http]").checked;
      form.querySelector("[data-open-warning]").hidden = !(mode === "create" && open);
      form.querySelector("[data-group-name]").textContent =
        form.querySelector("[name=group_name]").value;
    }

    function summarize() {
      const mode = (form.querySelector("[name=firewall]:checked") || {}).value || "create";
      const firewall = form.querySelector("[data-launch-summary=firewall]");
      if (mode === "create") {
        firewall.textContent = "New security group";
      } else {
        const names = $$("option:checked", groups).map((o) => o.textContent.split(" (")[0]);
        firewall.textContent = names.length ? names.join(", ") : "–";
      }
      const sizes = [parseInt(rootSize.value || "0", 10)];
      $$("[data-volume-row]:not([hidden]) input[name$=_size]", form).forEach((input) => {
        if (input.value) sizes.push(parseInt(input.value, 10));
      });
      const total = sizes.reduce((a, b) => a + (isNaN(b) ? 0 : b), 0);
      form.querySelector("[data-launch-summary=storage]").textContent =
        `${sizes.length} volume(s) - ${total} GiB`;
    }

    form.addEventListener("change", (event) => {
      const target = event.target;
      if (target.name === "os") {
        image.value = target.dataset.firstImage;
        showImage();
      }
      if (target === image) showImage();
      if (target === vpc) filterNetwork();
      if (target === subnet) subnetPublicDefault();
      if (target === rootSize) rootSize.dataset.touched = "1";
      showFirewall();
      summarize();
      // console.js refreshes [data-summary-for] on the same event.
    });
    form.addEventListener("input", () => {
      showFirewall();
      summarize();
    });
    form.addEventListener("click", (event) => {
      if (event.target.closest("[data-add-volume]")) {
        const row = form.querySelector("[data-volume-row][hidden]");
        if (row) {
          row.hidden = false;
          const size = row.querySelector("input[name$=_size]");
          if (!size.value) size.value = "8";
          size.focus();
        }
        event.target.closest("[data-add-volume]").hidden =
          !form.querySelector("[data-volume-row][hidden]");
        summarize();
      }
      const remove = event.target.closest("[data-remove-volume]");
      if (remove) {
        const row = remove.closest("[data-volume-row]");
        row.querySelector("input[name$=_size]").value = "";
        row.hidden = true;
        form.querySelector("[data-add-volume]").hidden = false;
        summarize();
      }
    });

    showImage();
    filterNetwork();
    showFirewall();
    summarize();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $$("[data-launch-form]").forEach(setup);
  });
})();
