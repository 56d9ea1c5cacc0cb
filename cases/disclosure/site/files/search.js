// 公示查询: filters the records already in the page by decision number,
// violation and decision date, and shows them a page at a time. It fetches
// nothing; without it the page shows every record.
(function () {
  'use strict';
  var table = document.getElementById('records');
  var form = document.getElementById('filter');
  if (!table || !form || !table.tBodies.length) {
    return;
  }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var size = parseInt(table.getAttribute('data-page-size'), 10) || 20;
  var status = document.getElementById('status');
  var pager = document.getElementById('pager');
  var prev = document.getElementById('prev');
  var next = document.getElementById('next');
  var info = document.getElementById('page-info');
  var fields = { no: 'f-no', v: 'f-v', from: 'f-from', to: 'f-to' };
  var state = { no: '', v: '', from: '', to: '', page: 1 };

  // Full-width digits and letters, spaces and the brackets people type
  // for 〔〕 all compare as the plain form.
  function norm(s) {
    return String(s || '')
      .replace(/[\uFF01-\uFF5E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[\s\u3000]/g, '')
      .replace(/[\[\(（【〔]/g, '〔').replace(/[\]\)）】〕]/g, '〕')
      .toLowerCase();
  }

  function matches(r) {
    var d = r.getAttribute('data-date') || '';
    if (state.no && norm(r.getAttribute('data-no')).indexOf(norm(state.no)) < 0) { return false; }
    if (state.v && r.getAttribute('data-v') !== state.v) { return false; }
    if (state.from && d < state.from) { return false; }
    if (state.to && d > state.to) { return false; }
    return true;
  }

  function remember() {
    var q = [];
    ['no', 'v', 'from', 'to'].forEach(function (k) {
      if (state[k]) { q.push(k + '=' + encodeURIComponent(state[k])); }
    });
    if (state.page > 1) { q.push('page=' + state.page); }
    try {
      history.replaceState(null, '', location.pathname + (q.length ? '?' + q.join('&') : ''));
    } catch (e) {
      // Some browsers refuse it on file: pages; the search still works.
    }
  }

  function render() {
    var hits = rows.filter(matches);
    var pages = Math.max(1, Math.ceil(hits.length / size));
    state.page = Math.min(Math.max(1, state.page), pages);
    var first = (state.page - 1) * size;
    rows.forEach(function (r) { r.hidden = true; });
    hits.slice(first, first + size).forEach(function (r) { r.hidden = false; });
    status.textContent = hits.length
      ? '共 ' + hits.length + ' 条，第 ' + state.page + ' / ' + pages + ' 页'
      : '没有符合条件的公示信息';
    info.textContent = '第 ' + state.page + ' / ' + pages + ' 页';
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
    pager.hidden = pages <= 1;
    remember();
  }

  function read() {
    Object.keys(fields).forEach(function (k) {
      state[k] = document.getElementById(fields[k]).value.trim();
    });
  }

  var params = new URLSearchParams(location.search);
  Object.keys(fields).forEach(function (k) {
    state[k] = params.get(k) || '';
    document.getElementById(fields[k]).value = state[k];
  });
  state.page = parseInt(params.get('page'), 10) || 1;
  read(); // a violation the select does not offer reads back as 全部

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    read();
    state.page = 1;
    render();
  });
  form.addEventListener('reset', function () {
    setTimeout(function () { read(); state.page = 1; render(); }, 0);
  });
  prev.addEventListener('click', function () { state.page--; render(); });
  next.addEventListener('click', function () { state.page++; render(); });
  document.getElementById('search').hidden = false;
  render();
}());
