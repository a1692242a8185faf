// Facilities pages (no inline scripts: the CSP forbids them). Each part runs only where its element is.
document.addEventListener("DOMContentLoaded", async () => {
  // occupancy over time on the facility page: [{day, occupied, beds}]
  const occupancy = document.getElementById("occupancy-chart");
  if (occupancy && window.echarts) {
    const data = JSON.parse(document.getElementById("occupancy-data").textContent);
    const chart = echarts.init(occupancy);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: {},
      xAxis: { type: "category", data: data.map((d) => d.day) },
      yAxis: { type: "value" },
      series: [
        { name: occupancy.dataset.occupiedLabel, type: "line", data: data.map((d) => d.occupied) },
        { name: occupancy.dataset.bedsLabel, type: "line", data: data.map((d) => d.beds) },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  // the public map: district boundaries plus one point per listed facility
  const map = document.getElementById("facility-map");
  if (map && map.dataset.geo && window.echarts) {
    const points = JSON.parse(document.getElementById("facility-points").textContent);
    const geojson = await (await fetch(map.dataset.geo)).json();
    echarts.registerMap("facilities", geojson);
    const chart = echarts.init(map);
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: (p) => (p.data && p.data.kind ? `${p.data.name}<br>${p.data.kind} · ${p.data.beds} · ${p.data.stars ? p.data.stars + "★" : ""}` : p.name),
      },
      geo: { map: "facilities", roam: true, itemStyle: { areaColor: "#e3eefb", borderColor: "#0b3e75" } },
      series: [{ type: "scatter", coordinateSystem: "geo", data: points, symbolSize: 6, itemStyle: { color: "#c0392b" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  // the incident form posts to the chosen facility's URL
  const picker = document.getElementById("incident-facility");
  if (picker) {
    const form = picker.form;
    form.action = picker.value;
    picker.addEventListener("change", () => { form.action = picker.value; });
  }
});
