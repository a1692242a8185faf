// Emergency console: open alarms pushed over a websocket (Django Channels), re-read from the server on
// (re)connect and every few seconds so nothing is missed; a tone through the Web Audio API on each new
// alarm, louder and longer when an alarm escalates; the selected alarm's panel loads with htmx.
(() => {
  const cfg = document.getElementById("console-config").dataset;
  const labels = JSON.parse(document.getElementById("alarm-labels").textContent);
  const rows = document.getElementById("alarm-rows");
  const empty = document.getElementById("no-alarms");
  const state = document.getElementById("ws-state");
  const soundButton = document.getElementById("sound-toggle");
  const alarms = new Map();
  let audio = null;
  window.ecConsole = { received: [], alarms };  // read by the browser test and the benchmark

  function tone(loud) {
    if (!audio) return;
    const now = audio.currentTime;
    const beeps = loud ? 4 : 2;
    for (let i = 0; i < beeps; i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = loud ? "square" : "sine";
      osc.frequency.value = loud ? 1200 : 880;
      gain.gain.setValueAtTime(loud ? 0.6 : 0.25, now + i * 0.3);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.3 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.3);
      osc.stop(now + i * 0.3 + 0.26);
    }
  }

  soundButton.addEventListener("click", () => {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    audio.resume();
    soundButton.setAttribute("aria-pressed", "true");
    soundButton.querySelector("span").textContent = soundButton.dataset.on;
    tone(false);
  });

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function render() {
    const list = [...alarms.values()].sort((a, b) =>
      (b.escalation_level - a.escalation_level) || ((a.status === "new" ? 0 : 1) - (b.status === "new" ? 0 : 1)) || (a.received_ts - b.received_ts));
    rows.replaceChildren(...list.map((a) => {
      const tr = document.createElement("tr");
      tr.id = "alarm-row-" + a.id;
      tr.dataset.alarmId = a.id;
      tr.className = a.status === "new" ? (a.escalation_level ? "table-danger fw-bold" : "table-warning") : "";
      tr.tabIndex = 0;
      tr.style.cursor = "pointer";
      const link = document.createElement("td");
      link.textContent = a.id;
      tr.append(link, cell(labels.kinds[a.kind] || a.kind), cell(a.elder), cell(a.division_name),
        cell(new Date(a.received_ts * 1000).toLocaleTimeString()),
        cell((labels.statuses[a.status] || a.status) + (a.taken_by ? " · " + a.taken_by : "")));
      tr.addEventListener("click", () => open(a.id));
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") open(a.id); });
      return tr;
    }));
    empty.hidden = alarms.size > 0;
  }

  function open(id) {
    htmx.ajax("GET", cfg.detailUrl.replace("/0/", "/" + id + "/"), { target: "#alarm-panel" });
  }

  function apply(a, fromPush) {
    const known = alarms.has(a.id);
    if (a.status === "closed") alarms.delete(a.id);
    else alarms.set(a.id, a);
    if (fromPush) {
      window.ecConsole.received.push({ id: a.id, event: a.event, at: Date.now() / 1000, received_ts: a.received_ts });
      if (a.event === "new" && !known) tone(false);
      if (a.event === "escalated") tone(true);
    }
  }

  async function reconcile() {
    try {
      const data = await (await fetch(cfg.openUrl, { credentials: "same-origin" })).json();
      const fresh = new Set();
      for (const a of data.alarms) {
        fresh.add(a.id);
        if (!alarms.has(a.id)) tone(false);
        alarms.set(a.id, a);
      }
      for (const id of [...alarms.keys()]) if (!fresh.has(id)) alarms.delete(id);
      render();
    } catch (e) { /* offline: the next round retries */ }
  }

  let delay = 500;
  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + cfg.wsPath);
    ws.onopen = () => {
      delay = 500;
      state.textContent = state.dataset.connected;
      state.className = "badge text-bg-success";
      reconcile();
    };
    ws.onmessage = (msg) => {
      const data = JSON.parse(msg.data);
      if (data.type === "alarm") { apply(data.alarm, true); render(); }
    };
    ws.onclose = () => {
      state.textContent = state.dataset.disconnected;
      state.className = "badge text-bg-danger";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }

  for (const a of JSON.parse(document.getElementById("initial-alarms").textContent)) alarms.set(a.id, a);
  render();
  connect();
  setInterval(reconcile, 5000);

  // The elder's location on the city's district map, once the panel is loaded.
  document.body.addEventListener("htmx:afterSwap", async () => {
    const el = document.querySelector("#alarm-panel .elder-map");
    if (!el || !window.echarts) return;
    const geojson = await (await fetch(el.dataset.geojson)).json();
    echarts.registerMap("elder-map", geojson);
    const point = [parseFloat(el.dataset.lon), parseFloat(el.dataset.lat)];
    echarts.init(el).setOption({
      geo: { map: "elder-map", roam: true, center: point, zoom: 4, itemStyle: { areaColor: "#e3eefb" } },
      series: [{ type: "effectScatter", coordinateSystem: "geo", data: [point], symbolSize: 14, itemStyle: { color: "#d62828" } }],
    });
  });
})();
