// Draws each progress chart (attainment/progress.html) from the JSON beside its canvas:
// the pupil's scores as a line over the peers' middle half (a shaded band) and median.
(function () {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-progress-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-progress-chart"));
    if (!source) return;
    var d = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          { label: "Peers: 75th percentile", data: d.high, borderColor: "#b1b4b6", backgroundColor: "rgba(177,180,182,0.35)", fill: "+1", pointRadius: 0 },
          { label: "Peers: 25th percentile", data: d.low, borderColor: "#b1b4b6", fill: false, pointRadius: 0 },
          { label: "Peers: median", data: d.median, borderColor: "#505a5f", borderDash: [6, 4], fill: false, pointRadius: 0 },
          { label: "This pupil", data: d.score, borderColor: "#1d70b8", backgroundColor: "#1d70b8", borderWidth: 3, fill: false, spanGaps: true }
        ]
      },
      options: {
        animation: false,
        responsive: true,
        scales: { y: { suggestedMin: d.min, suggestedMax: d.max } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
