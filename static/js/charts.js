// Charts in a fragment htmx is about to replace are destroyed first: Highcharts
// would otherwise keep every chart of every date range ever shown.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (!window.Highcharts) return;
  for (const chart of Highcharts.charts) {
    if (chart && event.detail.target.contains(chart.renderTo)) chart.destroy();
  }
});
