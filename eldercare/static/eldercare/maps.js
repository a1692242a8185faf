// District choropleth maps: an element with data-geojson and a json_script of [{name: code, label, value}].
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-geojson]").forEach(async (el) => {
    const data = JSON.parse(document.getElementById(el.id + "-data").textContent);
    const geojson = await (await fetch(el.dataset.geojson)).json();
    const mapName = "map-" + el.id;
    echarts.registerMap(mapName, geojson);
    const labels = Object.fromEntries(data.map((d) => [d.name, d.label]));
    const max = Math.max(1, ...data.map((d) => d.value));
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: (p) => `${labels[p.name] || p.name}: ${(p.value || 0).toLocaleString()}` },
      visualMap: { min: 0, max, left: "left", bottom: 10, calculable: true, inRange: { color: ["#e3eefb", "#0b3e75"] } },
      series: [{
        type: "map", map: mapName, nameProperty: "code", roam: true, data,
        label: { show: true, formatter: (p) => labels[p.name] || "", fontSize: 12 },
        emphasis: { label: { show: true } },
      }],
    });
    window.addEventListener("resize", () => chart.resize());
  });
});
