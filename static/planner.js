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

// Styles the server computes (a campaign's colour, a bar's length) come as data-style-PROPERTY attributes
// (data-style--campaign for the custom property --campaign): the content security policy refuses style
// attributes, not styles set from script. Applied on load and to whatever htmx swaps in.
(function () {
  const PREFIX = "data-style-";
  function applyStyles(root) {
    const elements = root.querySelectorAll ? [root, ...root.querySelectorAll("*")] : [];
    elements.forEach((element) => {
      if (!element.attributes) return;
      Array.from(element.attributes).forEach((attribute) => {
        if (!attribute.name.startsWith(PREFIX)) return;
        const property = attribute.name.slice(PREFIX.length); // "-campaign" for data-style--campaign
        element.style.setProperty(property.startsWith("-") ? "-" + property : property, attribute.value);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => applyStyles(document.body));
  document.addEventListener("htmx:load", (event) => applyStyles(event.target));
  window.plannerApplyStyles = applyStyles;
})();
