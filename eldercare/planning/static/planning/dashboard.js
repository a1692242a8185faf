// Plan dashboard: the drill-down map (districts of a city as polygons, streets of a district as points on
// the district's outline) and the 12-month sparklines. Data comes from json_script elements; no inline JS.
(function () {
  "use strict";

  function readJson(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function fmt(v) {
    return v === null || v === undefined ? "—" : Number(v).toLocaleString(undefined, { maximumFractionDigits: 2 });
  }

  async function drawMap(el) {
    const data = readJson("planning-map-data") || [];
    const geojson = await (await fetch(el.dataset.geojson)).json();
    const mode = el.dataset.mode;
    const focus = el.dataset.focus;
    const mapName = "planning-" + (mode === "city" ? focus : focus + "-outline");
    if (mode !== "city") {
      geojson.features = geojson.features.filter((f) => f.properties.code === focus);
    }
    echarts.registerMap(mapName, geojson);
    const labels = Object.fromEntries(data.map((d) => [d.name, d.label]));
    const values = data.map((d) => d.value).filter((v) => v !== null);
    const max = Math.max(1, ...values);
    const chart = echarts.init(el);
    const visualMap = { min: 0, max, left: "left", bottom: 10, calculable: true, inRange: { color: ["#e3eefb", "#0b3e75"] } };
    if (mode === "city") {
      chart.setOption({
        tooltip: { trigger: "item", formatter: (p) => `${labels[p.name] || p.name}: ${fmt(p.value)}` },
        visualMap,
        series: [{
          type: "map", map: mapName, nameProperty: "code", roam: true,
          data: data.map((d) => ({ name: d.name, value: d.value })),
          label: { show: true, formatter: (p) => labels[p.name] || "", fontSize: 12 },
        }],
      });
    } else {
      chart.setOption({
        tooltip: { trigger: "item", formatter: (p) => `${labels[p.name] || p.name}: ${fmt(p.value && p.value[2])}` },
        visualMap: Object.assign({ dimension: 2 }, visualMap),
        geo: { map: mapName, nameProperty: "code", roam: true, itemStyle: { areaColor: "#f4f6f9", borderColor: "#7a8899" }, silent: true },
        series: [{
          type: "scatter", coordinateSystem: "geo",
          data: data.filter((d) => d.coord).map((d) => ({ name: d.name, value: [d.coord[0], d.coord[1], d.value] })),
          symbolSize: (v) => 10 + 22 * ((v[2] || 0) / max),
          label: { show: true, position: "right", formatter: (p) => labels[p.name] || "", fontSize: 11 },
        }],
      });
    }
    chart.on("click", (p) => {
      if (p.name && labels[p.name]) {
        window.location.href = el.dataset.drill.replace("CODE", p.name) + (el.dataset.query || "");
      }
    });
    window.addEventListener("resize", () => chart.resize());
  }

  function drawSparklines() {
    const trends = readJson("planning-trends") || {};
    document.querySelectorAll(".sparkline[data-indicator]").forEach((el) => {
      const points = trends[el.dataset.indicator] || [];
      if (!points.length) {
        el.textContent = "—";
        return;
      }
      const chart = echarts.init(el);
      chart.setOption({
        grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: "category", show: false, data: points.map((p) => p.month) },
        yAxis: { type: "value", show: false, scale: true },
        tooltip: { trigger: "axis", formatter: (ps) => `${ps[0].name}: ${fmt(ps[0].value)}` },
        series: [{ type: "line", data: points.map((p) => p.value), symbol: "none", lineStyle: { width: 2, color: "#0b3e75" }, areaStyle: { opacity: 0.08 } }],
      });
    });
  }

  function drawSeries() {
    const el = document.getElementById("indicator-chart");
    const points = readJson("indicator-series");
    if (!el || !points || !points.length) return;
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: points.map((p) => p.month) },
      yAxis: { type: "value", scale: true },
      series: [{ type: "line", data: points.map((p) => p.value), name: el.dataset.label || "" }],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof echarts === "undefined") return;
    const map = document.getElementById("planning-map");
    if (map) drawMap(map);
    drawSparklines();
    drawSeries();
  });
})();
