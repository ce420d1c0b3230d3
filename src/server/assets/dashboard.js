// Draws every chart of a page with Apache ECharts (loaded before this file from
// /assets/echarts.min.js). The page puts each chart's data in a
// <script type="application/json" id="…"> element and marks the chart's box with
// data-chart="that id": the Content Security Policy forbids inline scripts, so no data is
// ever code. Clicking a point follows its drill-down link, and only links into this site.

(function drawCharts() {
  const echarts = window.echarts;
  if (!echarts) return;

  const isSitePath = (link) => typeof link === 'string' && link.startsWith('/') && !link.startsWith('//') && !link.includes('\\');
  const percent = (value) => (typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : '–');

  function optionFor(spec) {
    const horizontal = spec.type === 'hbar';
    const categoryAxis = spec.numericX
      ? { type: 'value', min: 0 }
      : { type: 'category', data: spec.categories, axisLabel: { hideOverlap: true }, inverse: horizontal };
    const valueAxis = { type: 'value', ...(spec.percent ? { max: 1, axisLabel: { formatter: percent } } : { minInterval: 1 }) };
    const linked = spec.series.some((series) => Array.isArray(series.links));
    const many = !horizontal && !spec.numericX && spec.categories.length > 45;
    return {
      animation: false,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 36 : 12, bottom: many ? 48 : 8, containLabel: true },
      // Canvas-rendered tooltips: no HTML is built from data (vendor names come from devices).
      tooltip: { trigger: 'axis', renderMode: 'richText', confine: true, ...(spec.percent ? { valueFormatter: percent } : {}) },
      legend: spec.series.length > 1 ? { type: 'scroll', top: 0 } : undefined,
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      dataZoom: many ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 4 }] : undefined,
      series: spec.series.map((series) => {
        const type = series.type || (spec.type === 'line' ? 'line' : 'bar');
        return {
          name: series.name,
          type,
          data: spec.numericX ? series.data.map((value, index) => [Number(spec.categories[index]), value]) : series.data,
          stack: series.stack,
          step: type === 'line' && spec.step ? 'end' : undefined,
          showSymbol: type === 'line' ? spec.categories.length <= 60 : undefined,
          cursor: linked ? 'pointer' : 'default',
          emphasis: { focus: 'series' },
        };
      }),
    };
  }

  const charts = [];
  for (const box of document.querySelectorAll('[data-chart]')) {
    const source = document.getElementById(box.getAttribute('data-chart'));
    if (!source) continue;
    let spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch {
      continue;
    }
    const chart = echarts.init(box, null, { renderer: 'canvas' });
    chart.setOption(optionFor(spec));
    chart.on('click', (point) => {
      const series = spec.series[point.seriesIndex];
      const link = series && Array.isArray(series.links) ? series.links[point.dataIndex] : undefined;
      if (isSitePath(link)) window.location.assign(link);
    });
    box.setAttribute('data-rendered', 'true');
    charts.push(chart);
  }

  let pending = 0;
  window.addEventListener('resize', () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(() => {
      for (const chart of charts) chart.resize();
    }, 150);
  });
})();
