// DB Autopilot live dashboard: no build step, one vendored charting library (uPlot).
// Live charts are fed by server-sent events from /api/live/stream (one sample per target and collection cycle);
// targets, health, anomalies and operations are re-read every REFRESH_MS. An endpoint this service does not offer
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

  // ---- targets and their charts ----
  function card(id) {
    var el = document.querySelector('.target[data-target="' + CSS.escape(id) + '"]');
    if (el) return el;
    var box = document.getElementById('targets');
    if (box.querySelector('p.muted')) box.innerHTML = '';
    el = document.createElement('article');
    el.className = 'target';
    el.dataset.target = id;
    el.innerHTML = '<div class="target-head"><span class="grade" data-role="grade">·</span><h3>' + esc(id) + '</h3>' +
      '<span class="pill pill-wait" data-role="reach">no cycle yet</span><span class="muted" data-role="cycle"></span></div>' +
      '<div data-role="health" class="muted">health: loading…</div>' +
      '<div class="charts">' + CHARTS.map(function (c) {
        return '<div class="chart" data-chart="' + c.key + '" data-points="0"><div class="chart-title"><span>' + esc(c.title) +
          '</span><span class="chart-value" data-role="value">–</span></div><div data-role="plot"></div></div>';
      }).join('') + '</div>';
    box.appendChild(el);
    return el;
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

  function addSample(s) {
    var list = dashboard.samples[s.target] = dashboard.samples[s.target] || [];
    if (list.length && Date.parse(list[list.length - 1].at) >= Date.parse(s.at)) return; // already shown (history vs stream)
    list.push(s);
    if (list.length > MAX_POINTS) list.shift();
    var c = card(s.target);
    var reach = c.querySelector('[data-role="reach"]');
    reach.className = 'pill ' + (s.reachable ? 'pill-ok' : 'pill-bad');
    reach.textContent = s.reachable ? 'reachable' : 'unreachable';
    c.querySelector('[data-role="cycle"]').textContent = 'last cycle ' + when(s.at);
    CHARTS.forEach(function (spec) {
      var chart = chartFor(s.target, spec);
      chart.data[0].push(Date.parse(s.at) / 1000);
      spec.series.forEach(function (ser, i) { chart.data[i + 1].push(s[ser[0]] == null ? null : s[ser[0]]); });
      if (chart.data[0].length > MAX_POINTS) chart.data.forEach(function (a) { a.shift(); });
      chart.plot.setData(chart.data);
      var latest = s[spec.series[0][0]];
      var hasAny = chart.data[1].some(function (v) { return v != null; });
      chart.host.querySelector('[data-role="value"]').textContent =
        latest == null ? (spec.empty && !hasAny ? 'n/a' : '–') : spec.fmt(latest) +
          (spec.key === 'connections' && s.connections_max != null ? ' / ' + num(s.connections_max) : '');
      chart.host.title = (!hasAny && spec.empty) ? spec.empty : '';
      chart.host.dataset.points = String(chart.data[0].length);
      chart.host.dataset.last = latest == null ? '' : String(latest);
    });
    dashboard.updates++;
  }

  function renderTargets(res) {
    if (!res.available) {
      document.getElementById('targets').innerHTML = '<div class="unavailable">targets: not available (GET api/targets answered ' + res.status + ')</div>';
      return;
    }
    res.body.forEach(function (t) {
      var c = card(t.id);
      if (t.reachable != null) {
        var reach = c.querySelector('[data-role="reach"]');
        reach.className = 'pill ' + (t.reachable ? 'pill-ok' : 'pill-bad');
        reach.textContent = t.reachable ? 'reachable' : 'unreachable';
      }
      getJson('api/targets/' + encodeURIComponent(t.id) + '/health').then(function (h) { renderHealth(c, h); });
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

  function renderAnomalies(res) {
    var box = document.getElementById('anomalies');
    if (!res.available) {
      box.innerHTML = '<div class="unavailable">anomalies: not available (GET api/anomalies answered ' + esc(res.status) + ')</div>';
      return;
    }
    var rows = res.body;
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

  function refresh() {
    getJson('api/targets').then(renderTargets);
    getJson('api/anomalies?state=open&limit=100').then(renderAnomalies);
    getJson('api/operations?limit=50').then(renderOperations);
    document.getElementById('clock').textContent = 'refreshed ' + new Date().toLocaleTimeString();
  }

  // Server-sent events read with fetch (EventSource cannot send the API key header); reconnects after 3 s.
  var streamAbort = null;
  function streamState(cls, text) {
    var state = document.getElementById('stream-state');
    state.className = 'pill ' + cls;
    state.textContent = text;
  }
  function stream() {
    if (streamAbort) streamAbort.abort();
    var ctrl = streamAbort = new AbortController();
    var sentKey = apiKey;
    fetch('api/live/stream', { headers: headers('text/event-stream'), signal: ctrl.signal }).then(function (r) {
      if (ctrl !== streamAbort) return null; // superseded by a newer stream (a new key)
      if (r.status === 401) {
        if (sentKey !== apiKey) return null; // an answer to an older key: a stream with the new key follows
        dashboard.stream = 'unauthorized';
        streamState('pill-bad', 'API key required');
        askForKey(!!apiKey);
        return null;
      }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      dashboard.stream = 'live';
      streamState('pill-ok', 'live');
      var reader = r.body.getReader(), decoder = new TextDecoder(), buffer = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) throw new Error('stream ended');
          buffer += decoder.decode(chunk.value, { stream: true });
          var events = buffer.split(/\r?\n\r?\n/);
          buffer = events.pop();
          events.forEach(function (ev) {
            var data = ev.split(/\r?\n/).filter(function (l) { return l.indexOf('data:') === 0; })
              .map(function (l) { return l.slice(5).replace(/^ /, ''); }).join('\n');
            if (data) addSample(JSON.parse(data));
          });
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      if (ctrl.signal.aborted) return;
      dashboard.stream = 'reconnecting';
      streamState('pill-bad', 'stream interrupted, reconnecting…');
      setTimeout(function () { if (streamAbort === ctrl) start(); }, 3000);
    });
  }

  function start() {
    getJson('api/live').then(function (res) {
      if (res.available) {
        Object.keys(res.body).forEach(function (t) { res.body[t].forEach(addSample); });
      }
      stream();
    });
  }

  document.getElementById('key-form').addEventListener('submit', function (e) {
    e.preventDefault();
    apiKey = document.getElementById('api-key').value.trim();
    sessionStorage.setItem('autopilot.apiKey', apiKey);
    document.getElementById('key-form').hidden = true;
    if (streamAbort) { streamAbort.abort(); streamAbort = null; } // the old key's stream must not answer for the new one
    start();
    refresh();
  });

  start();
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
