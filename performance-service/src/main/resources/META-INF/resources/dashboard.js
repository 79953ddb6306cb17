// DB Autopilot live dashboard: no build step, one vendored charting library (uPlot).
// Live charts, alerts, operation progress and benchmark progress are pushed over the WebSocket /api/ws (typed JSON
// messages: database_performance per target and collection cycle, performance_alert, operation, partition_status,
// performance_benchmark);
// targets, health, anomalies, operations and the automation service's backups and migrations are re-read every
// REFRESH_MS. An endpoint this service does not offer
// (404) is shown as "not available", never replaced by made-up numbers.
(function () {
  'use strict';
  var REFRESH_MS = 15000;
  var MAX_POINTS = 240;
  var CHARTS = [
    { key: 'tps', title: 'TPS', series: [['tps', 'TPS', '#2563eb']], fmt: num },
    { key: 'cache_hit', title: 'Cache hit', series: [['cache_hit_ratio', 'hit ratio', '#16a34a']], fmt: pct },
    { key: 'connections', title: 'Connections', series: [['connections_used', 'used', '#7c3aed'], ['connections_max', 'usable', '#9ca3af']], fmt: num },
    { key: 'dead_tuples', title: 'Dead tuples', series: [['dead_tuples', 'dead tuples', '#b45309']], fmt: num },
    { key: 'replication_lag', title: 'Replication lag', series: [['replication_lag_bytes', 'replay lag bytes', '#dc2626']], fmt: bytes,
      empty: 'no standby reported (lag appears when a standby streams from this target)' }
  ];

  // Observable state (also read by the end-to-end browser test).
  var dashboard = window.dashboard = { updates: 0, samples: {}, charts: {}, stream: 'connecting' };

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function num(v) { return v == null ? '–' : (Math.abs(v) >= 100 ? Math.round(v).toLocaleString() : (+v.toFixed(2)).toString()); }
  function pct(v) { return v == null ? '–' : (v * 100).toFixed(2) + ' %'; }
  function bytes(v) {
    if (v == null) return '–';
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (+v.toFixed(1)) + ' ' + u[i];
  }
  function when(t) { return t ? new Date(t).toLocaleTimeString() : ''; }

  // API key: needed only when the service has credentials configured (autopilot.api.viewer-keys); kept for this tab.
  var apiKey = sessionStorage.getItem('autopilot.apiKey') || '';
  function headers(accept) {
    var h = { Accept: accept || 'application/json' };
    if (apiKey) h['X-API-Key'] = apiKey;
    return h;
  }
  function askForKey(rejected) {
    var form = document.getElementById('key-form');
    form.hidden = false;
    document.getElementById('key-state').textContent = rejected ? 'key not accepted; enter a viewer key' : 'this service needs a viewer API key';
  }

  function getJson(url) {
    var sentKey = apiKey;
    return fetch(url, { headers: headers() }).then(function (r) {
      if (r.status === 401) {
        if (sentKey === apiKey) askForKey(!!apiKey); // an answer to an older key does not reopen the prompt
        return { available: false, status: 401 };
      }
      if (r.status === 404) return { available: false, status: 404 };
      if (!r.ok) return r.text().then(function (t) { return { available: false, status: r.status, error: t }; });
      return r.json().then(function (b) { return { available: true, status: r.status, body: b }; });
    }).catch(function (e) { return { available: false, status: 0, error: String(e) }; });
  }

  // ---- fleet grid (GET api/fleet: one request, whatever the number of targets) ----
  // The detail below the grid (cards with live charts) shows the selected targets; with nothing selected, every
  // target of the grid when it holds at most SMALL_FLEET of them. Charts exist only for the cards shown.
  var SMALL_FLEET = 6;
  var FLEET_LIMIT = 500;
  dashboard.selected = {};
  dashboard.fleet = null;
  var historyLoaded = {};

  function fleetUrl() {
    var params = [];
    var engine = document.getElementById('fleet-engine').value;
    if (engine) params.push('engine=' + encodeURIComponent(engine));
    document.getElementById('fleet-label').value.split(/[\s,]+/).filter(Boolean).forEach(function (l) {
      params.push('label=' + encodeURIComponent(l));
    });
    var q = document.getElementById('fleet-q').value.trim();
    if (q) params.push('q=' + encodeURIComponent(q));
    params.push('limit=' + FLEET_LIMIT);
    return 'api/fleet?' + params.join('&');
  }

  function problemDetail(res) {
    try { var p = JSON.parse(res.error); return p.detail || p.title || res.error; } catch (e) { return res.error || ''; }
  }

  function renderFleet(res) {
    var grid = document.getElementById('fleet');
    if (!res.available) {
      var msg = 'not available (GET api/fleet answered ' + esc(res.status || 'no response') + ')';
      if (res.status === 400) {
        grid.innerHTML = '<div class="unavailable" data-role="filter-error">filter not accepted: ' + esc(problemDetail(res)) + '</div>';
        return;
      }
      grid.innerHTML = '<div class="unavailable">fleet: ' + msg + '</div>';
      if (!dashboard.fleet) document.getElementById('targets').innerHTML = '<div class="unavailable">targets: ' + msg + '</div>';
      return;
    }
    var page = dashboard.fleet = res.body;
    var select = document.getElementById('fleet-engine');
    var chosen = select.value;
    select.innerHTML = '<option value="">all engines</option>' + (page.engines || []).map(function (e) {
      return '<option value="' + esc(e) + '"' + (e === chosen ? ' selected' : '') + '>' + esc(e) + '</option>';
    }).join('');
    document.getElementById('fleet-count').textContent = '(' + page.total + (page.rows.length < page.total ?
      ', showing the worst ' + page.rows.length + ': narrow with the filters' : '') + ')';
    var grades = page.grades || {};
    document.getElementById('fleet-grades').innerHTML = ['A+', 'A', 'B', 'C', 'D', 'F', 'unknown'].filter(function (g) {
      return grades[g];
    }).map(function (g) {
      return '<span class="grade-count grade-' + esc(g.charAt(0)) + '" data-grade="' + esc(g) + '">' + esc(g === 'unknown' ? '?' : g) +
        ' <b>' + esc(grades[g]) + '</b></span>';
    }).join('') + (page.note ? '<span class="muted" title="' + esc(page.note) + '">(' + esc(page.note) + ')</span>' : '');
    grid.innerHTML = page.rows.length ? page.rows.map(tile).join('') : '<p class="muted">no target matches</p>';
    updateDetail();
  }

  function tile(r) {
    var grade = r.grade || '?';
    var labels = Object.keys(r.labels || {}).sort().map(function (k) {
      return '<span class="chip">' + esc(k) + '=' + esc(r.labels[k]) + '</span>';
    }).join('');
    var open = r.open_anomalies;
    var anomalies = open == null ? '<span class="muted" title="open anomalies unknown">? open</span>' :
      (open ? '<span class="sev-' + esc(r.worst_severity) + '" data-role="open" title="worst: ' + esc(r.worst_severity) + '">' +
        esc(open) + ' open</span>' : '<span class="muted" data-role="open">0 open</span>');
    var title = r.id + (r.score != null ? ': score ' + r.score : '') + (r.reachable === false ? ', unreachable' : '') +
      (r.last_cycle_at ? ', last cycle ' + when(r.last_cycle_at) : ', no cycle yet') + (r.owner ? ', collected by ' + r.owner : '');
    return '<button type="button" class="tile' + (r.reachable === false ? ' tile-down' : '') +
      (dashboard.selected[r.id] ? ' tile-selected' : '') + '" data-tile="' + esc(r.id) + '" title="' + esc(title) + '">' +
      '<span class="grade grade-' + esc(grade.charAt(0)) + '" data-role="grade">' + esc(grade) + '</span>' +
      '<span class="tile-body"><span class="tile-id">' + esc(r.id) + '</span>' +
      '<span class="tile-meta"><span class="badge">' + esc(r.engine || '') + '</span>' +
      (r.reachable === false ? '<span class="pill pill-bad">down</span>' : '') + anomalies + '</span>' +
      (labels ? '<span class="chips">' + labels + '</span>' : '') + '</span></button>';
  }

  // The ids whose detail (card with live charts) is shown.
  function shownIds() {
    var sel = Object.keys(dashboard.selected);
    if (sel.length) return sel;
    var page = dashboard.fleet;
    if (!page || page.total > SMALL_FLEET) return [];
    return page.rows.map(function (r) { return r.id; });
  }
  function isShown(id) { return !!document.querySelector('.target[data-target="' + CSS.escape(id) + '"]'); }

  function updateDetail() {
    if (!dashboard.fleet && !Object.keys(dashboard.selected).length) return; // the grid has not answered yet
    var ids = shownIds();
    var box = document.getElementById('targets');
    var sel = Object.keys(dashboard.selected).length;
    document.getElementById('show-all').hidden = !sel;
    document.getElementById('detail-note').textContent = sel ? '(selected: ' + sel + ')' :
      (ids.length ? '' : '(click a tile for its detail and live charts; ctrl-click for several)');
    Array.prototype.slice.call(box.querySelectorAll('.target')).forEach(function (c) {
      if (ids.indexOf(c.dataset.target) < 0) dropCard(c);
    });
    if (!ids.length) { box.innerHTML = ''; return; }
    var page = dashboard.fleet, rows = {};
    (page ? page.rows : []).forEach(function (r) { rows[r.id] = r; });
    var fresh = [];
    ids.forEach(function (id) {
      var existed = isShown(id);
      var c = card(id);
      var r = rows[id];
      if (r && r.reachable != null && !(dashboard.samples[id] || []).length) setReach(c, r.reachable);
      var remote = r && page && page.instance && r.owner && r.owner !== page.instance;
      if (remote) {
        var box = c.querySelector('[data-role="health"]');
        box.className = 'muted';
        box.dataset.remote = r.owner;
        box.textContent = 'collected by instance ' + r.owner + ': its live charts and health detail are served there; ' +
          'last stored grade ' + (r.grade || '?') + (r.score != null ? ' (score ' + r.score + ')' : '');
        var g = c.querySelector('[data-role="grade"]');
        g.textContent = r.grade || '?';
        g.className = 'grade grade-' + (r.grade || '?').charAt(0);
      } else if (!existed) {
        redraw(id);
        getJson('api/targets/' + encodeURIComponent(id) + '/health').then(function (h) { if (c.isConnected) renderHealth(c, h); });
        loadBenchmarks(c);
      }
      if (!historyLoaded[id]) fresh.push(id);
    });
    if (fresh.length) {
      fresh.forEach(function (id) { historyLoaded[id] = true; });
      getJson('api/live?' + fresh.map(function (id) { return 'target=' + encodeURIComponent(id); }).join('&')).then(function (res) {
        if (!res.available) { fresh.forEach(function (id) { delete historyLoaded[id]; }); return; }
        Object.keys(res.body).forEach(function (t) { mergeHistory(t, res.body[t]); });
      });
    }
  }

  function select(id, add) {
    if (add) {
      if (dashboard.selected[id]) delete dashboard.selected[id]; else dashboard.selected[id] = true;
    } else if (dashboard.selected[id] && Object.keys(dashboard.selected).length === 1) {
      dashboard.selected = {}; // a second click on the only selected tile goes back to the default view
    } else {
      dashboard.selected = {};
      dashboard.selected[id] = true;
    }
    Array.prototype.slice.call(document.querySelectorAll('.tile')).forEach(function (t) {
      t.classList.toggle('tile-selected', !!dashboard.selected[t.dataset.tile]);
    });
    updateDetail();
    var c = document.querySelector('.target[data-target="' + CSS.escape(id) + '"]');
    if (c && c.scrollIntoView) c.scrollIntoView({ block: 'nearest' });
  }

  // ---- detail cards and their charts ----
  function card(id) {
    var el = document.querySelector('.target[data-target="' + CSS.escape(id) + '"]');
    if (el) return el;
    var box = document.getElementById('targets');
    if (!box.querySelector('.target')) box.innerHTML = '';
    el = document.createElement('article');
    el.className = 'target';
    el.dataset.target = id;
    el.innerHTML = '<div class="target-head"><span class="grade" data-role="grade">·</span><h3>' + esc(id) + '</h3>' +
      '<span class="pill pill-wait" data-role="reach">no cycle yet</span><span class="muted" data-role="cycle"></span></div>' +
      '<div data-role="health" class="muted">health: loading…</div>' +
      '<div data-role="benchmark" class="benchmark" hidden></div>' +
      '<div class="charts">' + CHARTS.map(function (c) {
        return '<div class="chart" data-chart="' + c.key + '" data-points="0"><div class="chart-title"><span>' + esc(c.title) +
          '</span><span class="chart-value" data-role="value">–</span></div><div data-role="plot"></div></div>';
      }).join('') + '</div>';
    box.appendChild(el);
    return el;
  }

  function dropCard(c) {
    CHARTS.forEach(function (spec) {
      var key = c.dataset.target + '/' + spec.key;
      if (dashboard.charts[key]) { dashboard.charts[key].plot.destroy(); delete dashboard.charts[key]; }
    });
    c.remove();
  }

  function setReach(c, reachable) {
    var reach = c.querySelector('[data-role="reach"]');
    reach.className = 'pill ' + (reachable ? 'pill-ok' : 'pill-bad');
    reach.textContent = reachable ? 'reachable' : 'unreachable';
  }

  function chartFor(target, spec) {
    var key = target + '/' + spec.key;
    if (dashboard.charts[key]) return dashboard.charts[key];
    var host = card(target).querySelector('[data-chart="' + spec.key + '"]');
    var plotEl = host.querySelector('[data-role="plot"]');
    var width = Math.max(220, host.clientWidth - 14);
    var opts = {
      width: width, height: 120, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: true } },
      axes: [{ size: 24, font: '10px system-ui', grid: { stroke: '#eef0f3' } },
             { size: 52, font: '10px system-ui', grid: { stroke: '#eef0f3' },
               values: function (u, vals) { return vals.map(function (v) { return spec.fmt === pct ? (v * 100).toFixed(1) + '%' : (spec.fmt === bytes ? bytes(v) : num(v)); }); } }],
      series: [{}].concat(spec.series.map(function (s) { return { label: s[1], stroke: s[2], width: 1.5, spanGaps: false }; }))
    };
    var data = [[]].concat(spec.series.map(function () { return []; }));
    var chart = { plot: new uPlot(opts, data, plotEl), data: data, host: host, spec: spec };
    dashboard.charts[key] = chart;
    return chart;
  }

  function pushPoint(chart, s) {
    chart.data[0].push(Date.parse(s.at) / 1000);
    chart.spec.series.forEach(function (ser, i) { chart.data[i + 1].push(s[ser[0]] == null ? null : s[ser[0]]); });
    if (chart.data[0].length > MAX_POINTS) chart.data.forEach(function (a) { a.shift(); });
  }

  function paint(chart, s) {
    var spec = chart.spec;
    chart.plot.setData(chart.data);
    var latest = s ? s[spec.series[0][0]] : null;
    var hasAny = chart.data[1].some(function (v) { return v != null; });
    chart.host.querySelector('[data-role="value"]').textContent =
      latest == null ? (spec.empty && !hasAny ? 'n/a' : '–') : spec.fmt(latest) +
        (spec.key === 'connections' && s.connections_max != null ? ' / ' + num(s.connections_max) : '');
    chart.host.title = (!hasAny && spec.empty) ? spec.empty : '';
    chart.host.dataset.points = String(chart.data[0].length);
    chart.host.dataset.lastAt = chart.data[0].length ? String(chart.data[0][chart.data[0].length - 1]) : '';
    chart.host.dataset.last = latest == null ? '' : String(latest);
  }

  function showHead(c, s) {
    setReach(c, s.reachable);
    c.querySelector('[data-role="cycle"]').textContent = 'last cycle ' + when(s.at);
  }

  // Every sample is kept (a few hundred per target); only the cards shown draw them.
  function addSample(s) {
    var list = dashboard.samples[s.target] = dashboard.samples[s.target] || [];
    if (list.length && Date.parse(list[list.length - 1].at) >= Date.parse(s.at)) return; // already shown (history vs stream)
    list.push(s);
    if (list.length > MAX_POINTS) list.shift();
    if (isShown(s.target)) {
      showHead(card(s.target), s);
      CHARTS.forEach(function (spec) { var chart = chartFor(s.target, spec); pushPoint(chart, s); paint(chart, s); });
    }
    dashboard.updates++;
  }

  function mergeHistory(target, history) {
    var byTime = {};
    (dashboard.samples[target] || []).concat(history).forEach(function (s) { byTime[Date.parse(s.at)] = s; });
    dashboard.samples[target] = Object.keys(byTime).map(Number).sort(function (a, b) { return a - b; })
      .map(function (t) { return byTime[t]; }).slice(-MAX_POINTS);
    redraw(target);
    dashboard.updates++;
  }

  // Draws a shown card's charts from every kept sample.
  function redraw(target) {
    if (!isShown(target)) return;
    var list = dashboard.samples[target] || [];
    if (!list.length) return;
    var last = list[list.length - 1];
    showHead(card(target), last);
    CHARTS.forEach(function (spec) {
      var chart = chartFor(target, spec);
      chart.data.forEach(function (a) { a.length = 0; });
      list.forEach(function (s) { pushPoint(chart, s); });
      paint(chart, last);
    });
  }

  function refreshHealth() {
    Array.prototype.slice.call(document.querySelectorAll('.target')).forEach(function (c) {
      getJson('api/targets/' + encodeURIComponent(c.dataset.target) + '/health').then(function (h) { if (c.isConnected) renderHealth(c, h); });
    });
  }

  function renderHealth(c, res) {
    var box = c.querySelector('[data-role="health"]');
    var gradeEl = c.querySelector('[data-role="grade"]');
    if (!res.available) {
      gradeEl.textContent = '?';
      gradeEl.className = 'grade';
      box.className = 'unavailable';
      box.textContent = 'health: not available (GET api/targets/' + c.dataset.target + '/health answered ' +
        (res.status || 'no response') + (res.status === 404 ? ': this build has no health scores' : '') +
        (res.status === 503 ? ': no collection cycle yet' : '') + ')';
      return;
    }
    var h = res.body || {};
    var grade = h.grade || '?';
    gradeEl.textContent = grade;
    gradeEl.title = h.score != null ? 'health score ' + h.score + ' / 100' : '';
    gradeEl.className = 'grade grade-' + esc(String(grade).charAt(0));
    box.className = 'categories';
    var cats = h.categories || [];
    if (!Array.isArray(cats)) cats = Object.keys(cats).map(function (k) { var v = cats[k]; return typeof v === 'object' ? Object.assign({ category: k }, v) : { category: k, score: v }; });
    box.innerHTML = (h.score != null ? '<span class="category"><b>score ' + esc(num(h.score)) + '</b></span>' : '') +
      cats.map(function (k) {
        var label = String(k.category || k.name || '').replace(/_/g, ' ');
        var known = k.status !== 'unknown' && k.score != null;
        var lost = (k.checks || []).filter(function (x) { return x.status === 'lost'; })
          .map(function (x) { return x.message || x.name; });
        var why = known ? (lost.length ? lost.join('; ') : 'no points lost') : (k.reason || 'unknown');
        var cls = !known ? '' : (k.score >= 90 ? 'cat-ok' : (k.score >= 70 ? 'cat-warn' : 'cat-bad'));
        return '<span class="category ' + cls + '" data-category="' + esc(k.category) + '" title="' + esc(why) + '">' +
          esc(label) + ' <b>' + (known ? esc(k.score) : '?') + '</b></span>';
      }).join('') + (h.note ? '<span class="muted" title="' + esc(h.note) + '">(note)</span>' : '');
  }

  // ---- benchmarks: the latest run's progress (live, from performance_benchmark events) and its comparison ----
  // the value a step's bar shows, by category (every category of suites standard-v3 and mariadb-standard-v2)
  var MAIN_METRIC = {
    connection_latency: ['connections_per_second', 'conn/s'],
    simple_query_latency: ['latency_p95_ms', 'ms p95'],
    single_row_insert: ['rows_per_second', 'rows/s'],
    multi_row_insert: ['rows_per_second', 'rows/s'],
    copy: ['rows_per_second', 'rows/s'],
    bulk_load: ['rows_per_second', 'rows/s'],
    pool_scaling: ['knee_clients', 'clients (knee)'],
    sustained_vs_peak: ['sustained_to_peak_ratio', 'sustained/peak']
  };
  function mainMetric(step) {
    return MAIN_METRIC[step.category] || ['tps', 'TPS'];
  }
  function loadBenchmarks(c) {
    getJson('api/targets/' + encodeURIComponent(c.dataset.target) + '/benchmarks').then(function (res) {
      if (c.isConnected) renderBenchmarks(c, res);
    });
  }
  function renderBenchmarks(c, res) {
    var box = c.querySelector('[data-role="benchmark"]');
    var runs = res.available && Array.isArray(res.body) ? res.body : [];
    box.hidden = !runs.length;
    if (!runs.length) return;
    var last = runs[0];
    var base = runs.filter(function (r) { return r.id === last.compared_with; })[0];
    var head = '<div class="bench-head"><b>Benchmark</b> <span class="st-' + esc(last.status) + '">' + esc(last.status) +
      '</span> <span class="muted">' + esc(when(last.started_at)) + '</span>' +
      (last.regression ? ' <span class="pill pill-bad">regression</span>' : '') +
      (base ? ' <span class="muted">vs ' + esc(when(base.started_at)) + (base.baseline ? ' (baseline)' : '') + '</span>' : '') + '</div>';
    if (last.status === 'running') {
      box.innerHTML = head + '<div data-role="bench-progress"><progress max="1" value="' + esc(last.progress) + '"></progress> ' +
        '<span data-role="bench-step">' + esc(last.current_step || '') + '</span></div>';
      return;
    }
    var regressed = {};
    (last.regressions || []).forEach(function (r) { regressed[r.step + '/' + r.metric] = true; });
    var rows = (last.steps || []).map(function (s) {
      var mm = mainMetric(s), v = (s.metrics || {})[mm[0]];
      var bs = base ? (base.steps || []).filter(function (b) { return b.name === s.name; })[0] : null;
      var bv = bs ? (bs.metrics || {})[mm[0]] : null;
      var max = Math.max(v || 0, bv || 0) || 1;
      var change = bv ? ((v - bv) / bv * 100) : null;
      var bad = regressed[s.name + '/' + mm[0]];
      return '<div class="bench-row" data-step="' + esc(s.name) + '"><span class="bench-name">' + esc(s.name) +
        ((s.metrics || {}).remeasured ? ' <span class="muted" title="looked regressed, measured again">(2nd)</span>' : '') + '</span>' +
        '<span class="bench-bars">' +
        (bv != null ? '<span class="bench-bar bench-base" style="width:' + (bv / max * 100).toFixed(1) + '%" title="baseline ' + esc(num(bv)) + '"></span>' : '') +
        '<span class="bench-bar' + (bad ? ' bench-bad' : '') + '" style="width:' + ((v || 0) / max * 100).toFixed(1) + '%" title="' + esc(num(v)) + '"></span></span>' +
        '<span class="bench-value">' + esc(num(v)) + ' ' + mm[1] + (change != null ? ' <span class="' + (bad ? 'sev-critical' : 'muted') + '">' +
        (change >= 0 ? '+' : '') + change.toFixed(1) + ' %</span>' : '') + '</span></div>';
    }).join('');
    box.innerHTML = head + (last.error ? '<div class="muted">' + esc(last.error) + '</div>' : '') + '<div class="bench-chart">' + rows + '</div>';
  }
  function benchmarkMessage(m) {
    var c = document.querySelector('.target[data-target="' + CSS.escape(m.target_id) + '"]');
    dashboard.benchmarks = (dashboard.benchmarks || 0) + 1;
    if (!c) return;
    if (m.kind === 'completed') { loadBenchmarks(c); return; }
    var p = c.querySelector('[data-role="bench-progress"]');
    if (!p) { loadBenchmarks(c); return; }
    p.querySelector('progress').value = m.progress;
    p.querySelector('[data-role="bench-step"]').textContent = (m.step || '') +
      (m.tps != null ? ' · ' + num(m.tps) + ' tps · ' + num(m.latency_ms) + ' ms' : '');
  }

  var openAnomalies = null; // the open anomalies shown (last read, then changed by pushed alerts)
  function renderAnomalies(res) {
    var box = document.getElementById('anomalies');
    if (!res.available) {
      box.innerHTML = '<div class="unavailable">anomalies: not available (GET api/anomalies answered ' + esc(res.status) + ')</div>';
      return;
    }
    var rows = openAnomalies = res.body;
    document.getElementById('anomaly-count').textContent = '(' + rows.length + ')';
    if (!rows.length) { box.innerHTML = '<p class="muted">none open</p>'; return; }
    box.innerHTML = '<table><thead><tr><th>target</th><th>severity</th><th>rule</th><th>object</th><th>since</th><th>action</th></tr></thead><tbody>' +
      rows.map(function (a) {
        return '<tr data-fingerprint="' + esc(a.fingerprint) + '"><td>' + esc(a.target_id) + '</td><td class="sev-' + esc(a.severity) + '">' +
          esc(a.severity) + '</td><td title="' + esc(a.summary) + '">' + esc(a.rule) + '</td><td>' + esc(a.object) + '</td><td>' +
          esc(when(a.opened_at)) + '</td><td>' + esc(a.suggested_action || '') + (a.silenced_by ? ' (silenced)' : '') + '</td></tr>';
      }).join('') + '</tbody></table>';
  }

  function renderOperations(res) {
    var box = document.getElementById('operations');
    if (!res.available) {
      box.innerHTML = '<div class="unavailable">operations timeline: not available (GET api/operations answered ' +
        esc(res.status || 'no response') + (res.status === 404 ? ': this build does not read autopilot.operations.v1' : '') + ')</div>';
      return;
    }
    var body = res.body || {};
    var running = body.running || [];
    var events = Array.isArray(body) ? body : (body.events || []);
    if (!running.length && !events.length) {
      box.innerHTML = '<p class="muted">no operations seen on autopilot.operations.v1 yet</p>';
      return;
    }
    function row(o, live) {
      var p = o.progress;
      var progress = p != null ? '<progress max="1" value="' + esc(p) + '"></progress> ' + esc(Math.round(p * 100)) + ' % ' : '';
      return '<tr' + (live ? ' class="running"' : '') + ' data-operation="' + esc(o.operation_id) + '"><td>' +
        esc(when(o.occurred_at || o.started_at || o.requested_at)) + '</td><td>' + esc(o.target || '') + '</td><td>' +
        esc(o.type || '') + (o.object ? ' ' + esc(o.object) : '') + '</td><td class="st-' + esc(o.state) + '">' + esc(o.state) +
        '</td><td>' + progress + esc(o.reason || '') + '</td></tr>';
    }
    box.innerHTML = (running.length ? '<p><b>running now: ' + running.length + '</b></p>' : '') +
      '<table><thead><tr><th>time</th><th>target</th><th>operation</th><th>state</th><th>progress / reason</th></tr></thead><tbody>' +
      running.map(function (o) { return row(o, true); }).join('') +
      events.map(function (o) { return row(o, false); }).join('') + '</tbody></table>';
  }

  // ---- the autopilot's canary per target (GET api/canary) ----
  function renderCanary(res) {
    var box = document.getElementById('canary');
    if (!res.available) {
      box.innerHTML = '<div class="unavailable">canary: not available (GET api/canary answered ' + esc(res.status || 'no response') + ')</div>';
      return;
    }
    var rows = res.body || [];
    if (!rows.length) { box.innerHTML = '<p class="muted">no canary run seen on autopilot.canary.v1 (targets opt in with canary=on)</p>'; return; }
    var stages = ['detected', 'decided', 'executed', 'verified'];
    box.innerHTML = '<table><thead><tr><th>target</th><th>last run</th><th>status</th>' +
      stages.map(function (s) { return '<th>' + s + '</th>'; }).join('') + '<th>reason</th></tr></thead><tbody>' +
      rows.map(function (t) {
        var run = t.latest || {};
        var at = {};
        (run.stages || []).forEach(function (s) { at[s.name] = s.seconds; });
        var status = t.overdue ? 'overdue' : run.status;
        return '<tr data-target="' + esc(t.target) + '"><td>' + esc(t.target) + '</td><td>' + esc(when(run.completed_at)) +
          '</td><td data-role="status" class="st-' + esc(status === 'overdue' ? 'failed' : status) + '">' + esc(status) + '</td>' +
          stages.map(function (s) {
            return '<td data-stage="' + s + '">' + (at[s] != null ? esc(at[s].toFixed(1)) + ' s' : '<span class="muted">–</span>') + '</td>';
          }).join('') + '<td>' + esc(t.overdue ? 'no run completed by ' + run.next_due_at + ': the autopilot is not working on ' + t.target
            : (run.reason || '')) + '</td></tr>';
      }).join('') + '</tbody></table>';
  }

  var fleetSeq = 0;
  function refreshFleet() {
    var seq = ++fleetSeq;
    getJson(fleetUrl()).then(function (res) { if (seq === fleetSeq) renderFleet(res); }); // only the latest filter's answer
  }

  // ---- emergency stop of the automation service (GET api/automation/emergency-stop: its stops, or its /health) ----
  dashboard.emergencyStop = null;
  function renderEmergencyStop(res) {
    var banner = document.getElementById('emergency-stop');
    var stop = res.available ? res.body : null;
    dashboard.emergencyStop = stop ? stop.state : 'unavailable';
    banner.classList.remove('banner-unknown');
    if (stop && stop.state === 'active') {
      var named = stop.targets || [];
      var scope = stop.global ? 'all targets' : named.length ? 'targets ' + named.join(', ')
        : stop.target_count + (stop.target_count === 1 ? ' target' : ' targets');
      banner.innerHTML = 'Emergency stop in force (' + esc(scope) + '): the automation runs nothing new. ' +
        '<span data-role="reasons">' + esc(stop.reasons || stop.detail || '') + '</span>';
      banner.dataset.state = 'active';
      banner.hidden = false;
    } else if (stop && stop.state === 'unknown') {
      banner.classList.add('banner-unknown');
      banner.textContent = 'Emergency stop: state unknown (' + (stop.detail || 'automation service not readable') + ')';
      banner.dataset.state = 'unknown';
      banner.hidden = false;
    } else {
      banner.dataset.state = stop ? stop.state : 'unavailable';
      banner.hidden = true;
    }
  }

  // ---- backups and migrations of the automation service (GET api/automation/backups, api/automation/migrations) ----
  // Both answer {available, items, reason, checked_at}; when the automation service cannot be read, reason says why.
  dashboard.backups = null;
  dashboard.migrations = null;
  function ago(seconds) {
    if (seconds == null) return '';
    var s = Math.max(0, seconds);
    if (s < 120) return Math.round(s) + ' s';
    if (s < 7200) return Math.round(s / 60) + ' min';
    if (s < 172800) return (+(s / 3600).toFixed(1)) + ' h';
    return (+(s / 86400).toFixed(1)) + ' d';
  }
  function millis(ms) { return ms == null ? '' : (ms < 10000 ? ms + ' ms' : ago(ms / 1000)); }
  function stamp(t) { return t ? new Date(t).toLocaleString() : ''; }
  // A panel that could not be read: its reason, or the HTTP status of this service's own answer.
  function panelUnavailable(box, name, res) {
    var why = res.available ? res.body.reason : 'GET api/automation/' + name + ' answered ' + (res.status || 'no response');
    box.innerHTML = '<div class="unavailable" data-role="reason">' + esc(name) + ': not available (' + esc(why) + ')</div>';
  }
  function renderBackups(res) {
    var box = document.getElementById('backups');
    dashboard.backups = res.available ? res.body : null;
    if (!res.available || !res.body.available) { panelUnavailable(box, 'backups', res); return; }
    var lines = res.body.items || [];
    if (!lines.length) { box.innerHTML = '<p class="muted">no database managed by the automation service</p>'; return; }
    box.innerHTML = '<table><thead><tr><th>database</th><th>last backup</th><th>age / RPO</th><th>next run</th>' +
      '<th>last drill</th></tr></thead><tbody>' + lines.map(function (l) {
        var b = l.last_backup, age = l.last_backup_age_seconds, rpo = l.rpo_seconds;
        var stale = !b || (rpo != null && age != null && age > rpo);
        var last = b ? esc(stamp(b.completed_at)) + ' <span class="badge">' + esc(b.engine) + '</span> ' + esc(b.backup_type || '') +
          ' <span class="st-succeeded">completed</span>' : '<span class="muted">none</span>';
        var ageText = (b ? esc(ago(age)) : '–') + (rpo != null ? ' / RPO ' + esc(ago(rpo)) : ' <span class="muted">(no RPO)</span>') +
          (stale ? ' <span class="pill pill-bad stale" data-role="stale">' + (b ? 'stale: older than the RPO' : 'no backup') + '</span>' : '');
        var d = l.last_drill;
        var drill = d ? '<span class="st-' + esc(d.status === 'completed' ? 'succeeded' : d.status) + '">' + esc(d.status) + '</span>' +
          (d.rto_ms != null ? ' RTO <b data-role="rto">' + esc(millis(d.rto_ms)) + '</b>' : '') +
          ' <span class="muted">' + esc(stamp(d.finished_at)) + '</span>' : '<span class="muted">no drill</span>';
        return '<tr data-database="' + esc(l.database) + '"' + (stale ? ' class="row-stale"' : '') + '><td>' + esc(l.database) +
          '</td><td data-role="last-backup"' + (b ? ' data-backup="' + esc(b.backup_id) + '"' : '') + '>' + last + '</td><td>' + ageText +
          '</td><td>' + (l.next_backup_at ? esc(stamp(l.next_backup_at)) : '<span class="muted">not scheduled</span>') +
          '</td><td>' + drill + '</td></tr>';
      }).join('') + '</tbody></table>';
  }
  function versionOrder(a, b) {
    var x = String(a).split('.'), y = String(b).split('.');
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      var d = (+x[i] || 0) - (+y[i] || 0);
      if (d) return d;
    }
    return 0;
  }
  function renderMigrations(res) {
    var box = document.getElementById('migrations');
    dashboard.migrations = res.available ? res.body : null;
    if (!res.available || !res.body.available) { panelUnavailable(box, 'migrations', res); return; }
    var byDb = {};
    (res.body.items || []).forEach(function (m) {
      if (m.version == null) return; // Flyway's schema-creation row
      (byDb[m.database_name] = byDb[m.database_name] || []).push(m);
    });
    var dbs = Object.keys(byDb).sort();
    if (!dbs.length) { box.innerHTML = '<p class="muted">no database with a migrations location</p>'; return; }
    box.innerHTML = '<table><thead><tr><th>database</th><th>current version</th><th>pending</th><th>last applied</th>' +
      '<th>failed</th></tr></thead><tbody>' + dbs.map(function (db) {
        var ms = byDb[db];
        var done = ms.filter(function (m) { return m.status === 'completed'; });
        var current = done.map(function (m) { return m.version; }).sort(versionOrder).pop();
        var pending = ms.filter(function (m) { return m.status === 'pending'; }).length;
        var last = done.filter(function (m) { return m.applied_at; }).sort(function (a, b) {
          return Date.parse(a.applied_at) - Date.parse(b.applied_at);
        }).pop();
        var failed = ms.filter(function (m) { return m.status === 'failed'; });
        return '<tr data-database="' + esc(db) + '"' + (failed.length ? ' class="row-failed"' : '') + '><td>' + esc(db) +
          '</td><td data-role="current">' + esc(current == null ? 'none' : current) + '</td><td data-role="pending"' +
          (pending ? ' class="sev-warning"' : '') + '>' + pending + '</td><td>' + (last ? 'V' + esc(last.version) + ' ' +
          esc(last.description || '') + ' <span class="muted">' + esc(stamp(last.applied_at)) + '</span>' : '<span class="muted">none</span>') +
          '</td><td data-role="failed">' + (failed.length ? failed.map(function (m) {
            return '<span class="st-failed" title="' + esc(m.error || '') + '">V' + esc(m.version) + ' failed</span>';
          }).join(' ') : '<span class="muted">none</span>') + '</td></tr>';
      }).join('') + '</tbody></table>';
  }

  function refresh() {
    getJson('api/automation/emergency-stop').then(renderEmergencyStop);
    getJson('api/automation/backups').then(renderBackups);
    getJson('api/automation/migrations').then(renderMigrations);
    refreshFleet();
    refreshHealth();
    getJson('api/anomalies?state=open&limit=100').then(renderAnomalies);
    getJson('api/operations?limit=50').then(renderOperations);
    getJson('api/canary').then(renderCanary);
    document.getElementById('clock').textContent = 'refreshed ' + new Date().toLocaleTimeString();
  }

  // ---- live updates pushed over a WebSocket (api/ws) ----
  // A browser cannot set headers on a WebSocket: the key travels in Sec-WebSocket-Protocol as Quarkus'
  // 'quarkus-http-upgrade#X-API-Key#<key>' (percent-encoded) next to the subprotocol 'autopilot-push', which the
  // server agrees to. A refused upgrade looks like any failed connection to a page, so a plain read then tells a
  // missing or wrong key (401) from an outage; reconnects after 3 s.
  var socket = null;
  dashboard.alerts = [];
  dashboard.pushed = {};
  function streamState(cls, text) {
    var state = document.getElementById('stream-state');
    state.className = 'pill ' + cls;
    state.textContent = text;
  }
  function socketUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host +
      location.pathname.replace(/[^/]*$/, '') + 'api/ws';
  }
  function keyProtocol(key) {
    return 'quarkus-http-upgrade#X-API-Key#' + encodeURIComponent(key).replace(/[!'()*~]/g, function (c) {
      return '%' + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }
  function closeSocket() {
    if (!socket) return;
    var old = socket;
    socket = null;
    old.onclose = old.onmessage = old.onerror = null;
    old.close();
  }
  function connect() {
    closeSocket();
    var sentKey = apiKey;
    var ws = socket = new WebSocket(socketUrl(), apiKey ? ['autopilot-push', keyProtocol(apiKey)] : []);
    var opened = false;
    function retry() {
      if (ws !== socket) return;
      dashboard.stream = 'reconnecting';
      streamState('pill-bad', 'connection interrupted, reconnecting…');
      setTimeout(function () { if (ws === socket) start(); }, 3000);
    }
    ws.onopen = function () {
      opened = true;
      dashboard.stream = 'live';
      streamState('pill-ok', 'live');
    };
    ws.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (x) { return; }
      dashboard.pushed[m.type] = (dashboard.pushed[m.type] || 0) + 1;
      if (m.type === 'database_performance') addSample(Object.assign({ target: m.target_id, at: m.at }, m.data));
      else if (m.type === 'performance_alert') alertPushed(m);
      else if (m.type === 'operation') operationPushed(m);
      else if (m.type === 'performance_benchmark') benchmarkMessage(m.data);
    };
    ws.onclose = function () {
      if (ws !== socket) return;
      if (opened) { retry(); return; }
      fetch('api/live?target=-', { headers: headers() }).then(function (r) {
        if (ws !== socket) return;
        if (r.status !== 401) { retry(); return; }
        if (sentKey !== apiKey) return; // refused for an older key: a connection with the new key follows
        dashboard.stream = 'unauthorized';
        streamState('pill-bad', 'API key required');
        askForKey(!!apiKey);
      }, retry);
    };
  }

  // A pushed anomaly change: listed under "Alerts" and applied to the open anomalies at once.
  var alertFleetTimer = null;
  function alertPushed(m) {
    var a = m.data;
    dashboard.alerts.push(m);
    if (dashboard.alerts.length > 50) dashboard.alerts.shift();
    var list = document.getElementById('alerts');
    var empty = list.querySelector('.muted');
    if (empty) empty.remove();
    var li = document.createElement('li');
    li.dataset.fingerprint = a.fingerprint;
    li.dataset.target = m.target_id;
    li.dataset.state = a.state;
    li.className = 'alert alert-' + a.state;
    li.innerHTML = '<span class="muted">' + esc(when(m.at)) + '</span> <b>' + esc(m.target_id) + '</b> <span class="sev-' +
      esc(a.severity) + '">' + esc(a.state) + ' ' + esc(a.severity) + '</span> ' + esc(a.rule) +
      (a.object ? ' <span class="muted">' + esc(a.object) + '</span>' : '') + '<div class="alert-message">' + esc(a.message || '') + '</div>';
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 20) list.removeChild(list.lastChild);
    clearTimeout(alertFleetTimer);
    alertFleetTimer = setTimeout(refreshFleet, 500); // the tiles' open counts and worst severity
    if (!openAnomalies) return;
    openAnomalies = openAnomalies.filter(function (x) { return x.fingerprint !== a.fingerprint; });
    if (a.state !== 'resolved') {
      openAnomalies.unshift({ fingerprint: a.fingerprint, target_id: m.target_id, severity: a.severity, rule: a.rule,
        object: a.object, opened_at: a.opened_at, suggested_action: a.suggested_action, summary: a.message });
    }
    renderAnomalies({ available: true, status: 200, body: openAnomalies });
  }

  // A pushed operation event: its progress bar moves at once; the timeline is re-read shortly after.
  var operationsTimer = null;
  function operationPushed(m) {
    var o = m.data;
    var row = document.querySelector('#operations tr[data-operation="' + CSS.escape(o.operation_id) + '"]');
    var bar = row && row.querySelector('progress');
    if (bar && o.progress != null) bar.value = o.progress;
    clearTimeout(operationsTimer);
    operationsTimer = setTimeout(function () { getJson('api/operations?limit=50').then(renderOperations); }, 500);
  }

  // The history of the shown targets is read when their card appears (updateDetail), not of the whole fleet.
  function start() {
    historyLoaded = {};
    connect();
    updateDetail();
  }

  var filterTimer = null;
  function filterChanged() {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(refreshFleet, 250);
  }
  ['fleet-engine', 'fleet-label', 'fleet-q'].forEach(function (id) {
    document.getElementById(id).addEventListener('input', filterChanged);
  });
  document.getElementById('fleet-filter').addEventListener('submit', function (e) { e.preventDefault(); refreshFleet(); });
  document.getElementById('fleet').addEventListener('click', function (e) {
    var t = e.target.closest('.tile');
    if (t) select(t.dataset.tile, e.ctrlKey || e.metaKey || e.shiftKey);
  });
  document.getElementById('show-all').addEventListener('click', function () {
    dashboard.selected = {};
    Array.prototype.slice.call(document.querySelectorAll('.tile-selected')).forEach(function (t) { t.classList.remove('tile-selected'); });
    updateDetail();
  });
  dashboard.renderFleet = function (page) { renderFleet({ available: true, status: 200, body: page }); };

  document.getElementById('key-form').addEventListener('submit', function (e) {
    e.preventDefault();
    apiKey = document.getElementById('api-key').value.trim();
    sessionStorage.setItem('autopilot.apiKey', apiKey);
    document.getElementById('key-form').hidden = true;
    closeSocket(); // the old key's connection must not answer for the new one
    start();
    refresh();
  });

  start();
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
