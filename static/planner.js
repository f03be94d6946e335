// Variant tabs on the editor: show the panel named by the address's #fragment, else the first one.
(function () {
  function showPanel() {
    const panels = document.querySelectorAll(".variant-panel");
    if (!panels.length) return;
    const wanted = location.hash && document.querySelector(location.hash + ".variant-panel");
    const active = wanted || panels[0];
    panels.forEach((panel) => { panel.hidden = panel !== active; });
    document.querySelectorAll(".tabs a").forEach((tab) => {
      tab.setAttribute("aria-selected", tab.getAttribute("href") === "#" + active.id ? "true" : "false");
    });
  }
  window.addEventListener("hashchange", showPanel);
  document.addEventListener("DOMContentLoaded", showPanel);
})();
