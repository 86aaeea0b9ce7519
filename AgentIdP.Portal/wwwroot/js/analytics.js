// Draws the analytics page's charts from the JSON the server rendered into #analytics-data.
// Loaded only by Pages/Analytics/Index.cshtml, after Chart.js and chartjs-chart-matrix.
(function () {
  'use strict';

  // Changing a select applies the filters at once; typing a date switches the range to custom.
  const form = document.getElementById('analytics-filters');
  if (form) {
    form.querySelectorAll('[data-autosubmit]').forEach(el => el.addEventListener('change', () => form.requestSubmit()));
    form.querySelectorAll('input[type=date]').forEach(el => el.addEventListener('change', () => { form.range.value = 'custom'; }));
  }

  const dataElement = document.getElementById('analytics-data');
  if (!dataElement) return;
  const showError = () => { document.getElementById('chart-error').hidden = false; };
  if (typeof Chart === 'undefined') { showError(); return; }

  const { trend, heatmap } = JSON.parse(dataElement.textContent);
  const accent = '#2f6fed';
  const previousColour = '#9aa7b8';
  const shortDay = iso => new Date(iso + 'T00:00:00Z').toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  window.analyticsCharts = {};

  try {
    const trendCanvas = document.getElementById('trend-chart');
    if (trend && trendCanvas) {
      const label = p => trend.bucket === 'week' && p.start !== p.end ? `${shortDay(p.start)}–${shortDay(p.end)}` : shortDay(p.start);
      window.analyticsCharts.trend = new Chart(trendCanvas, {
        type: 'line',
        data: {
          labels: trend.points.map(label),
          datasets: [
            { label: `This period (${trend.from} – ${trend.to})`, data: trend.points.map(p => p.count),
              borderColor: accent, backgroundColor: 'rgba(47,111,237,.12)', fill: true, tension: .25, pointRadius: 2 },
            { label: `Previous period (${trend.previous.from} – ${trend.previous.to})`, data: trend.points.map(p => p.previousCount ?? null),
              borderColor: previousColour, borderDash: [6, 4], fill: false, tension: .25, pointRadius: 0, spanGaps: false },
          ],
        },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: {
            tooltip: { callbacks: { title: items => { const p = trend.points[items[0].dataIndex]; return p.start === p.end ? p.start : `${p.start} – ${p.end}`; } } },
          },
        },
      });
      trendCanvas.dataset.drawn = 'true';
    }

    const heatmapCanvas = document.getElementById('heatmap-chart');
    if (heatmap && heatmapCanvas) {
      const rows = heatmap.agents.map(a => ({ name: a.name, counts: a.counts }));
      if (heatmap.other) rows.push({ name: `Other agents (${heatmap.other.agentCount})`, counts: heatmap.other.counts });
      const days = heatmap.days.map(shortDay);
      const cells = rows.flatMap(r => r.counts.map((v, i) => ({ x: days[i], y: r.name, v })));
      const max = Math.max(1, ...cells.map(c => c.v));
      window.analyticsCharts.heatmap = new Chart(heatmapCanvas, {
        type: 'matrix',
        data: {
          datasets: [{
            label: 'Activity', data: cells,
            backgroundColor: c => { const v = c.raw?.v ?? 0; return v === 0 ? '#eef2f8' : `rgba(47,111,237,${(0.15 + 0.85 * v / max).toFixed(3)})`; },
            borderColor: '#ffffff', borderWidth: 1,
            width: ({ chart }) => Math.max(2, (chart.chartArea?.width ?? 0) / days.length - 1),
            height: ({ chart }) => Math.max(2, (chart.chartArea?.height ?? 0) / rows.length - 1),
          }],
        },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          scales: {
            x: { type: 'category', labels: days, offset: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true } },
            y: { type: 'category', labels: rows.map(r => r.name), offset: true, grid: { display: false } },
          },
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { title: () => '', label: c => `${c.raw.y}, ${c.raw.x}: ${c.raw.v.toLocaleString('en')}` } },
          },
        },
      });
      heatmapCanvas.dataset.drawn = 'true';
    }
  } catch (e) {
    console.error(e);
    showError();
  }
})();
