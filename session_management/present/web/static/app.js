// Live updates, from server-sent events (no inline script: the page's CSP allows only this file).
(function () {
  'use strict';
  // A session's page: new events are appended as they are recorded.
  var events = document.getElementById('events');
  if (events && events.dataset.stream) {
    var source = new EventSource(events.dataset.stream);
    source.addEventListener('rows', function (message) {
      var update = JSON.parse(message.data);
      var empty = events.querySelector('p');
      if (empty && !events.querySelector('details')) { empty.remove(); }
      var holder = document.createElement('div');
      holder.innerHTML = update.html;  // rendered and escaped by the server
      var added = holder.children.length;
      Array.prototype.forEach.call(holder.children, function (item) { item.classList.add('new'); });
      while (holder.firstChild) { events.appendChild(holder.firstChild); }
      var count = document.getElementById('event-count');
      if (count) { count.textContent = String(Number(count.textContent) + added); }
      var cards = document.getElementById('cards');
      if (cards && update.cards) { cards.innerHTML = update.cards; }  // counts, tokens, cost: escaped by the server
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
