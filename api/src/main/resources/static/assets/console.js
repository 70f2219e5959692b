// The console's few lines of script: the CSRF token on htmx writes, live SLA countdowns, and
// polling that waits while the person is typing a note.
(function () {
  function token() {
    var meta = document.querySelector('meta[name="_csrf"]');
    return meta ? meta.content : null;
  }
  document.addEventListener('htmx:configRequest', function (e) {
    if (e.detail.verb !== 'get' && token()) {
      e.detail.parameters['_csrf'] = token();
    }
  });
  // A swapped-in fragment has no meta tag of its own; the page's token stays valid.

  // The browser's time zone, for times shown in it until the person picks one in their profile.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf('console-tz=' + encodeURIComponent(zone)) < 0) {
      document.cookie = 'console-tz=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; SameSite=Lax';
    }
  } catch (ignored) { /* no Intl: times stay in UTC */ }

  var lang = (document.documentElement.lang || 'en').slice(0, 2);
  var words = lang === 'nl'
    ? { in: 'over ', overdue: ' te laat', late: '', now: 'nu aan de beurt' }
    : { in: 'in ', overdue: 'overdue by ', late: '', now: 'due now' };
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var parts = [];
    if (d) parts.push(d + 'd');
    if (d || h) parts.push(h + (lang === 'nl' ? 'u' : 'h'));
    parts.push(m + 'm');
    if (!d) parts.push(sec + 's');
    return parts.join(' ');
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('time.countdown[datetime]').forEach(function (el) {
      var due = Date.parse(el.getAttribute('datetime'));
      if (isNaN(due)) return;
      var left = due - now;
      var out = el.nextElementSibling && el.nextElementSibling.classList.contains('left')
        ? el.nextElementSibling : null;
      if (!out) {
        out = document.createElement('span');
        out.className = 'left';
        out.setAttribute('aria-hidden', 'true');
        el.after(out);
      }
      // The time of an automated step (or the customer's) passing is no one being late: the
      // step is being taken. Only a person's deadline turns overdue.
      var stepTime = el.classList.contains('step-time');
      out.textContent = ' (' + (left >= 0 ? words.in + span(left)
        : stepTime ? words.now
        : (lang === 'nl' ? span(left) + words.overdue : words.overdue + span(left))) + ')';
      out.classList.toggle('overdue', left < 0 && !stepTime);
    });
  }
  setInterval(tick, 1000);
  document.addEventListener('DOMContentLoaded', tick);
  document.addEventListener('htmx:afterSettle', tick);

  // Forms that take a local date and time say which zone the browser is in.
  function zones() {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    document.querySelectorAll('input.browser-zone').forEach(function (el) { el.value = zone; });
  }
  document.addEventListener('DOMContentLoaded', zones);
  document.addEventListener('htmx:afterSettle', zones);

  // "Select all" of a list's bulk form ticks the boxes of the rows shown.
  document.addEventListener('change', function (e) {
    if (e.target && e.target.id === 'bulk-all') {
      document.querySelectorAll('input.bulk-pick').forEach(function (c) { c.checked = e.target.checked; });
    }
  });

  // Poll only while nobody is typing in or focused on the panel's form.
  window.consoleIdle = function (panel) {
    var active = document.activeElement;
    if (active && panel.contains(active) && active.tagName === 'TEXTAREA') return false;
    var note = panel.querySelector('textarea');
    return !(note && note.value.trim() !== '');
  };
})();
