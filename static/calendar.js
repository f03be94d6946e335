// Calendar: drag a scheduled chip to another day (month view) or hour (week view) to reschedule it, or,
// from the keyboard, open its "move" link and type the new date and time.
// The server decides: on success the chip shows its new time, on refusal it goes back where it was
// and the reason is shown. No inline script (a strict CSP is coming), no build step.
(function () {
  "use strict";

  let dragged = null;
  let origin = null;

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    // CSRF_COOKIE_HTTPONLY hides the cookie: base.html also puts the token in htmx's headers.
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function say(message, isError) {
    const status = document.querySelector(".cal-status");
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
    status.hidden = false;
  }

  function targetOf(event) {
    return event.target instanceof Element ? event.target.closest("[data-drop-date]") : null;
  }

  // Chips stay in time order within a cell.
  function insertInOrder(list, chip) {
    const later = Array.from(list.children).find((other) => other !== chip && other.dataset.time > chip.dataset.time);
    list.insertBefore(chip, later || null);
  }

  function show(chip, publication) {
    const local = publication.scheduled_at; // "2027-03-31T23:30:00+02:00": the wall time leads
    chip.dataset.date = local.slice(0, 10);
    chip.dataset.time = local.slice(11, 16);
    const time = chip.querySelector("time");
    if (time) {
      time.textContent = chip.dataset.time;
      time.setAttribute("datetime", local);
    }
  }

  function putBack(chip, place) {
    place.parent.insertBefore(chip, place.next && place.next.parentNode === place.parent ? place.next : null);
  }

  // Asks the server to move the chip's publication to `when` (local "YYYY-MM-DDTHH:MM"); resolves with the
  // publication as the server now has it, rejects with the reason of a refusal.
  function send(chip, when) {
    const root = chip.closest("[data-calendar]");
    const url = root.dataset.moveUrl.replace("/0/move/", "/" + chip.dataset.id + "/move/");
    chip.classList.add("saving");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: new URLSearchParams({ when: when }),
    })
      .then((response) =>
        response.json().catch(() => ({})).then((data) => {
          if (!response.ok) throw new Error(data.error || interpolate(gettext("The move was refused (%s)."), [response.status]));
          return data;
        })
      )
      .finally(() => chip.classList.remove("saving"));
  }

  // The message comes translated from the page; the chip may have left it (moved outside the dates shown).
  function moved(chip, when) {
    const root = document.querySelector("[data-calendar]");
    const message = (root && root.dataset.movedMessage) || "Moved “%(title)s” to %(when)s.";
    const title = chip.querySelector(".chip-title").textContent;
    say(message.replace("%(title)s", title).replace("%(when)s", when.replace("T", " ")), false);
  }

  function move(chip, cell) {
    const hour = cell.dataset.dropHour || chip.dataset.time.slice(0, 2);
    const when = cell.dataset.dropDate + "T" + hour + ":" + chip.dataset.time.slice(3, 5);
    if (when === chip.dataset.date + "T" + chip.dataset.time) return;
    const place = origin;
    insertInOrder(cell.querySelector(".chips"), chip);
    send(chip, when)
      .then((publication) => {
        show(chip, publication);
        insertInOrder(chip.parentNode, chip);
        moved(chip, when);
      })
      .catch((error) => {
        putBack(chip, place);
        say(error.message, true);
      });
  }

  // Without a mouse: the chip's "move" link opens a dialog asking for the new date and time.
  let moving = null;

  function cellFor(root, date, time) {
    const day = root.querySelectorAll('[data-drop-date="' + date + '"]');
    return Array.from(day).find((cell) => !cell.dataset.dropHour || cell.dataset.dropHour === time.slice(0, 2));
  }

  function openMoveDialog(chip) {
    const dialog = document.querySelector("[data-move-dialog]");
    if (!dialog) return false;
    moving = chip;
    dialog.querySelector("[data-move-what]").textContent = chip.getAttribute("title") || "";
    dialog.querySelector("input[name=when]").value = chip.dataset.date + "T" + chip.dataset.time;
    dialog.querySelector("[data-move-error]").textContent = "";
    dialog.showModal();
    dialog.querySelector("input[name=when]").focus();
    return true;
  }

  function closeMoveDialog(dialog) {
    const chip = moving;
    moving = null;
    if (dialog.open) dialog.close();
    const link = chip && chip.isConnected && chip.querySelector(".chip-move");
    (link || document.querySelector(".cal-status")).focus();
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest(".chip.movable .chip-move") : null;
    if (link && openMoveDialog(link.closest(".chip"))) event.preventDefault();
    if (event.target instanceof Element && event.target.closest("[data-move-cancel]")) {
      closeMoveDialog(event.target.closest("dialog"));
    }
  });

  document.addEventListener("submit", (event) => {
    const dialog = event.target.closest("[data-move-dialog]");
    if (!dialog || !moving) return;
    event.preventDefault();
    const chip = moving;
    const root = chip.closest("[data-calendar]");
    const when = dialog.querySelector("input[name=when]").value;
    send(chip, when)
      .then((publication) => {
        show(chip, publication);
        const cell = root.querySelector("[data-drop-date]") ? cellFor(root, chip.dataset.date, chip.dataset.time) : null;
        if (cell) insertInOrder(cell.querySelector(".chips"), chip);
        else if (root.querySelector("[data-drop-date]")) chip.remove(); // now outside the dates shown
        closeMoveDialog(dialog);
        moved(chip, when);
      })
      .catch((error) => {
        dialog.querySelector("[data-move-error]").textContent = error.message;
      });
  });

  // Escape closes the dialog by itself; focus still goes back to the chip.
  document.addEventListener(
    "close",
    (event) => {
      if (event.target.matches && event.target.matches("[data-move-dialog]") && moving) closeMoveDialog(event.target);
    },
    true
  );

  document.addEventListener("dragstart", (event) => {
    const chip = event.target instanceof Element ? event.target.closest(".chip.movable") : null;
    if (!chip) return;
    dragged = chip;
    origin = { parent: chip.parentNode, next: chip.nextSibling };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", chip.dataset.id);
    chip.classList.add("dragging");
  });

  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    document.querySelectorAll(".drop-here").forEach((cell) => cell.classList.remove("drop-here"));
    dragged = null;
  });

  document.addEventListener("dragover", (event) => {
    const cell = targetOf(event);
    if (!dragged || !cell) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    cell.classList.add("drop-here");
  });

  document.addEventListener("dragleave", (event) => {
    const cell = targetOf(event);
    if (cell && !cell.contains(event.relatedTarget)) cell.classList.remove("drop-here");
  });

  document.addEventListener("drop", (event) => {
    const cell = targetOf(event);
    if (!dragged || !cell) return;
    event.preventDefault();
    cell.classList.remove("drop-here");
    move(dragged, cell);
  });

  // The week view opens on the working day rather than at midnight.
  document.addEventListener("DOMContentLoaded", () => {
    const scroller = document.querySelector(".week-scroll");
    const morning = scroller && scroller.querySelector('tr[data-hour="7"]');
    if (morning) scroller.scrollTop = morning.offsetTop - scroller.querySelector("thead").offsetHeight;
  });
})();
