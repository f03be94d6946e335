// A plan import's progress: while a pass runs, its status is read every second and the bar and counts follow;
// when the pass ends the page is loaded again to show the problems and the confirmation. Without JS, the page's
// own Refresh link does the same.
(function () {
  const INTERVAL_MS = 1000;
  function watch(section) {
    const url = section.dataset.planStatus;
    const bar = section.querySelector("[data-field=progress]");
    async function poll() {
      let status;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) return setTimeout(poll, INTERVAL_MS * 5);
        status = await response.json();
      } catch (error) {
        return setTimeout(poll, INTERVAL_MS * 5);
      }
      bar.max = Math.max(status.total_rows, 1);
      bar.value = status.checked_rows;
      bar.textContent = status.percent + "%";
      for (const name of ["state_label", "checked_rows", "total_rows", "valid_rows", "problem_rows", "duplicate_rows", "imported_rows"]) {
        section.querySelectorAll("[data-field=" + name + "]").forEach((node) => { node.textContent = status[name]; });
      }
      if (status.running) setTimeout(poll, INTERVAL_MS);
      else window.location.reload();
    }
    setTimeout(poll, INTERVAL_MS);
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-plan-status][data-running=true]").forEach(watch);
  });
})();
