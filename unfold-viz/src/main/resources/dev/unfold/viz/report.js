(function () {
  'use strict';
  var dataNode = document.getElementById('unfold-data');
  var svg = document.querySelector('svg.unfold-graph');
  if (!dataNode || !svg) { return; }
  var data = JSON.parse(dataNode.textContent);
  var T = data.steps;
  var stepWidth = parseFloat(svg.getAttribute('data-step-width'));
  var current = -1;
  var timer = null;
  var HIDE_FROM = 8;

  function stepGroups(t) { return svg.querySelectorAll('g.step[data-step="' + t + '"]'); }

  function highlight(t, cls) {
    svg.querySelectorAll('g.step.active, g.step.back').forEach(function (g) { g.classList.remove('active', 'back'); });
    stepGroups(t).forEach(function (g) { g.classList.add(cls); });
    current = t;
    document.getElementById('step-now').textContent = 't=' + (t + 1) + (cls === 'back' ? ' (backward)' : '');
    drawStrip(t);
    markHeat(t);
  }

  function stop() { if (timer) { clearInterval(timer); timer = null; } }

  function play(direction) {
    stop();
    expandIfHidden(direction > 0 ? 0 : T - 1);
    var t = direction > 0 ? 0 : T - 1;
    highlight(t, direction > 0 ? 'active' : 'back');
    timer = setInterval(function () {
      t += direction;
      if (t < 0 || t >= T) { stop(); return; }
      if (isHidden(t)) { t = direction > 0 ? T - HIDE_FROM : HIDE_FROM - 1; }
      highlight(t, direction > 0 ? 'active' : 'back');
    }, Math.max(60, Math.min(400, 4000 / T)));
  }

  function color(v) {
    var x = Math.max(-1, Math.min(1, v));
    var r = x > 0 ? 255 : Math.round(255 * (1 + x));
    var b = x < 0 ? 255 : Math.round(255 * (1 - x));
    var g = Math.round(255 * (1 - Math.abs(x)));
    return 'rgb(' + r + ',' + g + ',' + b + ')';
  }

  function drawStrip(t) {
    var box = document.getElementById('strip');
    box.innerHTML = '';
    data.layers.forEach(function (layer) {
      var values = (data.states[layer.scope] || [])[t];
      var row = document.createElement('div');
      row.className = 'strip-row';
      row.innerHTML = '<span class="name">' + layer.label + '</span>';
      (values || []).forEach(function (v) {
        var i = document.createElement('i');
        i.style.background = color(v);
        i.title = v.toFixed(3);
        row.appendChild(i);
      });
      if (!values) { row.innerHTML += '<span>(no values)</span>'; }
      box.appendChild(row);
    });
  }

  function heat(norms) {
    var logs = [];
    Object.keys(norms).forEach(function (k) { norms[k].forEach(function (v) { if (v > 0) { logs.push(Math.log10(v)); } }); });
    var lo = Math.min.apply(null, logs.concat([0])), hi = Math.max.apply(null, logs.concat([0]));
    return function (v) {
      if (!(v > 0)) { return '#fff'; }
      var x = hi > lo ? (Math.log10(v) - lo) / (hi - lo) : 0.5;
      return 'rgb(' + Math.round(255 * x) + ',' + Math.round(80 + 100 * (1 - Math.abs(x - 0.5) * 2)) + ',' + Math.round(255 * (1 - x)) + ')';
    };
  }

  function drawHeatmap() {
    var box = document.getElementById('heatmap');
    var norms = data.gradientNorms;
    if (!Object.keys(norms).length) { box.textContent = '(no gradients)'; return; }
    var c = heat(norms);
    var table = document.createElement('table');
    table.className = 'heat';
    data.layers.slice().reverse().forEach(function (layer) {
      var tr = document.createElement('tr');
      tr.innerHTML = '<th>' + layer.label + '</th>';
      (norms[layer.scope] || []).forEach(function (v, t) {
        var td = document.createElement('td');
        td.style.background = c(v);
        td.title = 't=' + (t + 1) + ': ' + v.toExponential(2);
        td.setAttribute('data-step', t);
        td.addEventListener('click', function () { expandIfHidden(t); highlight(t, 'active'); });
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    box.appendChild(table);
  }

  function markHeat(t) {
    document.querySelectorAll('.heat td').forEach(function (td) {
      td.style.outline = parseInt(td.getAttribute('data-step'), 10) === t ? '2px solid #000' : '';
    });
  }

  function drawJacobian() {
    var box = document.getElementById('jacobian');
    var keys = Object.keys(data.jacobianNorms);
    if (!keys.length) { box.textContent = '(not computed)'; return; }
    var W = 320, H = 140, pad = 28, all = [];
    keys.forEach(function (k) { data.jacobianNorms[k].forEach(function (v) { if (v > 0) { all.push(Math.log10(v)); } }); });
    var lo = Math.floor(Math.min.apply(null, all)), hi = Math.ceil(Math.max.apply(null, all));
    if (hi === lo) { hi = lo + 1; }
    var ns = 'http://www.w3.org/2000/svg';
    var chart = document.createElementNS(ns, 'svg');
    chart.setAttribute('width', W); chart.setAttribute('height', H);
    var colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
    keys.forEach(function (k, i) {
      var pts = data.jacobianNorms[k].map(function (v, t) {
        var x = pad + (T > 1 ? t / (T - 1) : 0.5) * (W - pad - 8);
        var y = H - pad - ((v > 0 ? Math.log10(v) : lo) - lo) / (hi - lo) * (H - pad - 8);
        return x.toFixed(1) + ',' + y.toFixed(1);
      });
      var line = document.createElementNS(ns, 'polyline');
      line.setAttribute('points', pts.join(' '));
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', colors[i % colors.length]);
      chart.appendChild(line);
    });
    [[pad, H - pad + 14, 't=1'], [W - 30, H - pad + 14, 't=' + T], [2, 12, '1e' + hi], [2, H - pad, '1e' + lo]].forEach(function (a) {
      var tx = document.createElementNS(ns, 'text');
      tx.setAttribute('x', a[0]); tx.setAttribute('y', a[1]); tx.setAttribute('font-size', '10'); tx.textContent = a[2];
      chart.appendChild(tx);
    });
    box.appendChild(chart);
  }

  var hidden = false;
  function isHidden(t) { return hidden && t >= HIDE_FROM && t < T - HIDE_FROM; }

  function collapse() {
    if (T <= 3 * HIDE_FROM) { return; }
    hidden = true;
    var shift = (T - 2 * HIDE_FROM) * stepWidth - stepWidth;
    svg.querySelectorAll('[data-step]').forEach(function (g) {
      var t = parseInt(g.getAttribute('data-step'), 10);
      if (t >= HIDE_FROM && t < T - HIDE_FROM) { g.style.display = 'none'; }
      else if (t >= T - HIDE_FROM) { g.setAttribute('transform', 'translate(' + (-shift) + ',0)'); }
    });
    var band = svg.querySelector('g.step[data-step="0"] .step-band');
    var x = parseFloat(band.getAttribute('x')) + HIDE_FROM * stepWidth;
    var y = parseFloat(band.getAttribute('y')), h = parseFloat(band.getAttribute('height'));
    var ns = 'http://www.w3.org/2000/svg';
    var marker = document.createElementNS(ns, 'g');
    marker.setAttribute('class', 'collapsed-marker');
    marker.innerHTML = '<rect x="' + (x + 4) + '" y="' + y + '" width="' + (stepWidth - 16) + '" height="' + h + '" rx="6"></rect>' +
      '<text x="' + (x + stepWidth / 2 - 4) + '" y="' + (y + h / 2) + '">\u2026</text>' +
      '<text x="' + (x + stepWidth / 2 - 4) + '" y="' + (y + h / 2 + 18) + '">' + (T - 2 * HIDE_FROM) + ' steps</text>';
    marker.addEventListener('click', expand);
    svg.appendChild(marker);
    var vb = svg.viewBox.baseVal;
    svg.setAttribute('data-full-width', vb.width);
    setViewBox(vb.x, vb.y, vb.width - shift, vb.height);
    svg.setAttribute('width', vb.width);
  }

  function expand() {
    if (!hidden) { return; }
    hidden = false;
    svg.querySelectorAll('[data-step]').forEach(function (g) { g.style.display = ''; g.removeAttribute('transform'); });
    var m = svg.querySelector('.collapsed-marker');
    if (m) { m.parentNode.removeChild(m); }
    var full = parseFloat(svg.getAttribute('data-full-width'));
    setViewBox(0, 0, full, svg.viewBox.baseVal.height);
    svg.setAttribute('width', full);
  }

  function expandIfHidden(t) { if (isHidden(t)) { expand(); } }

  function setViewBox(x, y, w, h) { svg.setAttribute('viewBox', [x, y, w, h].map(function (v) { return v.toFixed(1); }).join(' ')); }
  var home = null;

  function zoomAndPan() {
    var vb = svg.viewBox.baseVal;
    home = [vb.x, vb.y, vb.width, vb.height];
    svg.addEventListener('wheel', function (e) {
      e.preventDefault();
      var r = svg.getBoundingClientRect();
      var f = e.deltaY > 0 ? 1.15 : 1 / 1.15;
      var v = svg.viewBox.baseVal;
      var px = v.x + (e.clientX - r.left) / r.width * v.width, py = v.y + (e.clientY - r.top) / r.height * v.height;
      setViewBox(px - (px - v.x) * f, py - (py - v.y) * f, v.width * f, v.height * f);
    }, { passive: false });
    var drag = null;
    svg.addEventListener('mousedown', function (e) { drag = [e.clientX, e.clientY]; });
    window.addEventListener('mouseup', function () { drag = null; });
    window.addEventListener('mousemove', function (e) {
      if (!drag) { return; }
      var r = svg.getBoundingClientRect(), v = svg.viewBox.baseVal;
      setViewBox(v.x - (e.clientX - drag[0]) / r.width * v.width, v.y - (e.clientY - drag[1]) / r.height * v.height, v.width, v.height);
      drag = [e.clientX, e.clientY];
    });
    document.getElementById('zoom-reset').addEventListener('click', function () { setViewBox(home[0], home[1], home[2], home[3]); });
  }

  function tooltips() {
    var tip = document.getElementById('tooltip');
    svg.addEventListener('mousemove', function (e) {
      var el = e.target.closest ? e.target.closest('[data-name]') : null;
      if (!el) { tip.style.display = 'none'; return; }
      var lines = [el.getAttribute('data-name')];
      if (el.getAttribute('data-op')) { lines.push('op: ' + el.getAttribute('data-op')); }
      if (el.getAttribute('data-shape')) { lines.push('shape: ' + el.getAttribute('data-shape')); }
      var s = data.stats[el.getAttribute('data-node')];
      if (s) { lines.push('min ' + s[0] + '  max ' + s[1] + '\nmean ' + s[2] + '  std ' + s[3]); }
      tip.textContent = lines.join('\n');
      tip.style.display = 'block';
      tip.style.left = (e.clientX + 14) + 'px';
      tip.style.top = (e.clientY + 14) + 'px';
    });
    svg.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  }

  document.getElementById('step-next').addEventListener('click', function () {
    stop(); var t = Math.min(T - 1, current + 1); if (isHidden(t)) { t = T - HIDE_FROM; } highlight(t, 'active');
  });
  document.getElementById('step-back').addEventListener('click', function () {
    stop(); var t = Math.max(0, current - 1); if (isHidden(t)) { t = HIDE_FROM - 1; } highlight(t, 'back');
  });
  document.getElementById('play-forward').addEventListener('click', function () { play(1); });
  document.getElementById('play-backward').addEventListener('click', function () { play(-1); });
  collapse();
  zoomAndPan();
  tooltips();
  drawHeatmap();
  drawJacobian();
  drawStrip(0);
}());
