// Business case: while the coordinator picks goods or transport sectors, refresh the evidence from past
// operations (aggregates only). The page works without it: the panel shows the saved choice.
const startEvidencePanel = () => {
  const form = document.getElementById("section-form");
  const panel = document.getElementById("evidence-panel");
  if (!form || !panel || !form.dataset.evidenceUrl) return;
  const refresh = () => {
    const params = new URLSearchParams();
    form.querySelectorAll("select[name$='-category']").forEach((s) => { if (s.value) params.append("goods", s.value); });
    form.querySelectorAll("input[name='transport_sectors']:checked").forEach((c) => params.append("sectors", c.value));
    fetch(`${form.dataset.evidenceUrl}?${params}`, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => { panel.innerHTML = html; })
      .catch(() => {});
  };
  form.addEventListener("change", (event) => {
    if (event.target.matches("select[name$='-category'], input[name='transport_sectors']")) refresh();
  });
};

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startEvidencePanel);
} else {
  startEvidencePanel();
}
