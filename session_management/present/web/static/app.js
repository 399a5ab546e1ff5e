// Live updates, from server-sent events (no inline script: the page's CSP allows only this file).
(function () {
  'use strict';
  // The kinds the legend hides now (its boxes unchecked).
  function hiddenKinds() {
    var hidden = {};
    document.querySelectorAll('.legend input').forEach(function (box) { if (!box.checked) { hidden[box.value] = true; } });
    return hidden;
  }
  // A legend drawn again: the kinds hidden before stay hidden, and its boxes work as the first ones did.
  function wireLegend(root, hidden) {
    root.querySelectorAll('.legend input').forEach(function (box) {
      box.checked = !hidden[box.value];
      box.addEventListener('change', function () {
        document.querySelectorAll('[data-kind="' + box.value + '"]').forEach(function (el) {
          el.classList.toggle('hidden', !box.checked);
        });
      });
    });
    root.querySelectorAll('[data-kind]').forEach(function (el) { el.classList.toggle('hidden', !!hidden[el.dataset.kind]); });
  }
  // A session's page: new events and decisions are appended as they are recorded, and every other
  // part (cards, time-axis chart, tokens and cost, tools) is drawn again by the server.
  var events = document.getElementById('events');
  if (events && events.dataset.stream) {
    var source = new EventSource(events.dataset.stream);
    source.addEventListener('rows', function (message) {
      var update = JSON.parse(message.data);
      var hidden = hiddenKinds();
      var empty = events.querySelector('p');
      if (empty && !events.querySelector('details')) { empty.remove(); }
      var holder = document.createElement('div');
      holder.innerHTML = update.html;  // rendered and escaped by the server
      var added = holder.children.length;
      Array.prototype.forEach.call(holder.children, function (item) {
        item.classList.add('new');
        item.classList.toggle('hidden', !!hidden[item.dataset.kind]);
      });
      while (holder.firstChild) { events.appendChild(holder.firstChild); }
      var count = document.getElementById('event-count');
      if (count) { count.textContent = String(Number(count.textContent) + added); }
      ['cards', 'timeline', 'usage', 'tools'].forEach(function (part) {  // escaped by the server
        var place = document.getElementById(part);
        if (place && typeof update[part] === 'string') { place.innerHTML = update[part]; }
      });
      var timeline = document.getElementById('timeline');
      if (timeline) { wireLegend(timeline, hidden); }
      document.body.dataset.lastUpdate = String(Date.now());
    });
  }
  // The sessions list: its rows are fetched again whenever a session changes.
  var rows = document.getElementById('rows');
  if (rows && rows.dataset.live) {
    var pending = false;
    var list = new EventSource(rows.dataset.live);
    list.addEventListener('changed', function () {
      if (pending) { return; }
      pending = true;
      fetch(rows.dataset.refresh, {credentials: 'same-origin'}).then(function (answer) {
        return answer.ok ? answer.text() : null;
      }).then(function (html) {
        pending = false;
        if (html !== null) { rows.innerHTML = html; document.body.dataset.lastUpdate = String(Date.now()); }
      }, function () { pending = false; });
    });
  }
  // Filters apply as soon as one is picked.
  document.querySelectorAll('form.filters select').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
}());
