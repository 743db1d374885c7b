// Progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive buttons: <button data-confirm="Are you sure?">
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
  // Client-side sort of small tables: <table class="sortable">
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("thead th").forEach((th, index) => {
      th.addEventListener("click", () => {
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const asc = th.dataset.sort !== "asc";
        table.querySelectorAll("thead th").forEach((h) => { delete h.dataset.sort; h.removeAttribute("aria-sort"); });
        th.dataset.sort = asc ? "asc" : "desc";
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.sort((a, b) => {
          const x = a.cells[index].textContent.trim();
          const y = b.cells[index].textContent.trim();
          return (asc ? 1 : -1) * x.localeCompare(y, undefined, { numeric: true });
        });
        rows.forEach((r) => body.appendChild(r));
      });
    });
  });
});
