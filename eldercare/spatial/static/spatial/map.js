// Spatial planning maps: covered share by area (districts as polygons, streets as points), grid cells of
// uncovered elders (aggregated, at least the policy's minimum per cell) and chosen sites. Data comes from a
// json_script element; no inline JS (CSP).
(function () {
  "use strict";

  function readJson(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  async function draw(el) {
    const payload = readJson("spatial-map-data") || { areas: [], clusters: [], sites: [] };
    const geojson = await (await fetch(el.dataset.geojson)).json();
    const mode = el.dataset.mode;
    const focus = el.dataset.focus;
    if (mode !== "city" && focus.length >= 6) {
      geojson.features = geojson.features.filter((f) => f.properties.code === focus.slice(0, 6));
    }
    const mapName = "spatial-" + mode + "-" + focus;
    echarts.registerMap(mapName, geojson);
    const labels = Object.fromEntries(payload.areas.map((d) => [d.name, d.label]));
    const series = [];
    const geo = { map: mapName, nameProperty: "code", roam: true, itemStyle: { areaColor: "#f4f6f9", borderColor: "#7a8899" } };
    const visualMap = { min: 0, max: 100, left: "left", bottom: 10, text: ["100 %", "0 %"], calculable: true, inRange: { color: ["#f8d7da", "#0b3e75"] } };
    let option = { tooltip: { trigger: "item" }, geo };
    if (mode === "city") {
      series.push({
        type: "map", geoIndex: 0, seriesIndex: 0,
        data: payload.areas.map((d) => ({ name: d.name, value: d.value })),
      });
      option.visualMap = Object.assign({ seriesIndex: 0 }, visualMap);
      option.tooltip.formatter = (p) => p.seriesType === "map" ? `${labels[p.name] || p.name}: ${p.value ?? "—"} %` : `${p.seriesName}: ${p.value[2]}`;
    } else if (mode === "district") {
      series.push({
        type: "scatter", coordinateSystem: "geo", name: "streets",
        data: payload.areas.filter((d) => d.coord).map((d) => ({ name: d.name, value: [d.coord[0], d.coord[1], d.value] })),
        symbolSize: 16,
        label: { show: true, position: "right", formatter: (p) => labels[p.name] || "", fontSize: 11 },
      });
      option.visualMap = Object.assign({ seriesIndex: 0, dimension: 2 }, visualMap);
      option.tooltip.formatter = (p) => `${labels[p.name] || p.seriesName}: ${p.value[2] ?? "—"}`;
    }
    if (payload.clusters && payload.clusters.length) {
      const max = Math.max(...payload.clusters.map((c) => c[2]));
      series.push({
        type: "scatter", coordinateSystem: "geo", name: el.dataset.clusterLabel || "uncovered",
        data: payload.clusters.map((c) => ({ value: c })),
        symbol: "rect", symbolSize: (v) => 5 + 12 * (v[2] / max),
        itemStyle: { color: "#c0392b", opacity: 0.75 },
      });
    }
    if (payload.sites && payload.sites.length) {
      series.push({
        type: "effectScatter", coordinateSystem: "geo", name: "sites",
        data: payload.sites.map((s) => ({ name: s.name, value: [s.coord[0], s.coord[1], s.gain] })),
        symbolSize: 12, itemStyle: { color: "#198754" },
        label: { show: true, position: "right", formatter: (p) => p.name, fontSize: 11 },
      });
      option.tooltip.formatter = (p) => `${p.name}: ${p.value[2]}`;
    }
    option.series = series;
    const chart = echarts.init(el);
    chart.setOption(option);
    if (el.dataset.drill) {
      chart.on("click", (p) => {
        if (p.name && labels[p.name]) window.location.href = el.dataset.drill.replace("CODE", p.name);
      });
    }
    window.addEventListener("resize", () => chart.resize());
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof echarts === "undefined") return;
    const el = document.getElementById("spatial-map");
    if (el) draw(el);
  });
})();
