// Variant tabs on the editor: show the panel named by the address's #fragment, else the one the
// server names, else the first one.
(function () {
  function showPanel() {
    const panels = document.querySelectorAll(".variant-panel");
    if (!panels.length) return;
    const wanted = location.hash && document.querySelector(location.hash + ".variant-panel");
    // After a refused save the server names the panel holding the errors.
    const marker = document.querySelector("[data-active-panel]");
    const named = marker && document.getElementById(marker.dataset.activePanel);
    const active = wanted || named || panels[0];
    panels.forEach((panel) => { panel.hidden = panel !== active; });
    document.querySelectorAll(".tabs a").forEach((tab) => {
      tab.setAttribute("aria-selected", tab.getAttribute("href") === "#" + active.id ? "true" : "false");
    });
  }
  window.addEventListener("hashchange", showPanel);
  document.addEventListener("DOMContentLoaded", showPanel);
})();
